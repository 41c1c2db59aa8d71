using Eddy.Storage;
using Microsoft.Extensions.Logging;

namespace Eddy.Broker.Topics;

/// <summary>
/// The broker's log cleaner: every log.cleaner.backoff.ms it compacts the compacted logs (cleanup.policy=compact)
/// whose dirty share has reached min.cleanable.dirty.ratio, dirtiest first, one at a time so the cleaner never takes
/// more than one core. Storage does the work and its crash safety; this only schedules it.
/// </summary>
internal sealed partial class LogCleanerService : IAsyncDisposable
{
    private readonly Func<IEnumerable<(string Name, PartitionLog Log)>> _logs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    /// <param name="backoff">log.cleaner.backoff.ms as in force now: read before each wait, so a dynamic change applies from the next pass.</param>
    public LogCleanerService(Func<IEnumerable<(string Name, PartitionLog Log)>> logs, Func<TimeSpan> backoff, TimeProvider time, ILogger<LogCleanerService> logger)
    {
        _logs = logs;
        _time = time;
        _logger = logger;
        _loop = RunAsync(backoff);
    }

    /// <summary>Cleans every log that is due now; returns how many were cleaned.</summary>
    public int CleanOnce()
    {
        var due = _logs()
            .Where(l => l.Log.Config.Compact)
            .Select(l => (l.Name, l.Log, Ratio: SafeDirtyRatio(l.Log)))
            .Where(l => l.Ratio > 0 && l.Ratio >= l.Log.Config.MinCleanableDirtyRatio)
            .OrderByDescending(l => l.Ratio)
            .ToList();
        var cleaned = 0;
        foreach (var (name, log, _) in due)
        {
            if (_stopping.IsCancellationRequested)
            {
                break;
            }
            try
            {
                var result = log.Compact(_time.GetUtcNow().ToUnixTimeMilliseconds());
                if (result.SegmentsCleaned > 0)
                {
                    cleaned++;
                    LogCleaned(name, result.SegmentsCleaned, result.RecordsRead, result.RecordsKept,
                        result.BytesRead / 1e6 / Math.Max(result.Elapsed.TotalSeconds, 1e-6));
                }
            }
            catch (ObjectDisposedException)
            {
                // The topic was deleted while waiting its turn.
            }
            catch (IOException e)
            {
                LogCleanFailed(e, name);
            }
        }
        return cleaned;
    }

    private static double SafeDirtyRatio(PartitionLog log)
    {
        try
        {
            return log.DirtyRatio;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    private async Task RunAsync(Func<TimeSpan> backoff)
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                await Task.Delay(backoff(), _time, _stopping.Token);
                // Compaction is CPU and disk work: keep it off the request path's thread-pool slots.
                await Task.Factory.StartNew(CleanOnce, _stopping.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Compacted {Log}: {Segments} segments, {Read} records read, {Kept} kept ({MBps:F1} MB/s)")]
    private partial void LogCleaned(string log, int segments, long read, long kept, double mbps);

    [LoggerMessage(Level = LogLevel.Error, Message = "Compacting {Log} failed; it keeps serving its current segments")]
    private partial void LogCleanFailed(Exception exception, string log);
}
