using Microsoft.Extensions.Logging;

namespace Eddy.Broker.Topics;

/// <summary>
/// The broker's log cleaner: every log.cleaner.backoff.ms it compacts the compacted logs (cleanup.policy=compact)
/// whose dirty share has reached min.cleanable.dirty.ratio, dirtiest first, one at a time so the cleaner never takes
/// more than one core. Storage does the work and its crash safety; this only schedules it.
/// </summary>
internal sealed partial class LogCleanerService : IAsyncDisposable
{
    private readonly Func<IEnumerable<Partition>> _partitions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _compactions;
    private long _bytesRead;
    private long _bytesWritten;
    private long _recordsRemoved;
    private long _elapsedTicks;

    /// <param name="backoff">log.cleaner.backoff.ms as in force now: read before each wait, so a dynamic change applies from the next pass.</param>
    /// <param name="partitions">Every partition as of now (the topics change while the cleaner runs).</param>
    public LogCleanerService(Func<IEnumerable<Partition>> partitions, Func<TimeSpan> backoff, TimeProvider time, ILogger<LogCleanerService> logger)
    {
        _partitions = partitions;
        _time = time;
        _logger = logger;
        _loop = RunAsync(backoff);
    }

    /// <summary>What the cleaner has done since the broker started, for the metrics (readable from any thread).</summary>
    public CleanerTotals Totals => new(Interlocked.Read(ref _compactions), Interlocked.Read(ref _bytesRead), Interlocked.Read(ref _bytesWritten),
        Interlocked.Read(ref _recordsRemoved), TimeSpan.FromTicks(Interlocked.Read(ref _elapsedTicks)));

    /// <summary>Cleans every log that is due now; returns how many were cleaned.</summary>
    public int CleanOnce()
    {
        var due = _partitions()
            .Where(p => p.Log.Config.Compact)
            .Select(p => (Partition: p, Ratio: DirtyRatio(p)))
            .Where(p => p.Ratio > 0 && p.Ratio >= p.Partition.Log.Config.MinCleanableDirtyRatio)
            .OrderByDescending(p => p.Ratio)
            .ToList();
        var cleaned = 0;
        foreach (var (partition, _) in due)
        {
            var log = partition.Log;
            var name = partition.ToString();
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
                    Interlocked.Increment(ref _compactions);
                    Interlocked.Add(ref _bytesRead, result.BytesRead);
                    Interlocked.Add(ref _bytesWritten, result.BytesWritten);
                    Interlocked.Add(ref _recordsRemoved, result.RecordsRead - result.RecordsKept);
                    Interlocked.Add(ref _elapsedTicks, result.Elapsed.Ticks);
                    LogCleaned(name, result.SegmentsCleaned, result.RecordsRead, result.RecordsKept,
                        result.BytesRead / 1e6 / Math.Max(result.Elapsed.TotalSeconds, 1e-6));
                }
            }
            catch (ObjectDisposedException) when (partition.IsDeleted)
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

    // A partition deleted since the list was taken has nothing to clean.
    private static double DirtyRatio(Partition partition)
    {
        if (partition.IsDeleted)
        {
            return 0;
        }
        try
        {
            return partition.Log.DirtyRatio;
        }
        catch (ObjectDisposedException) when (partition.IsDeleted)
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

/// <summary>The log cleaner's work since the broker started: logs compacted, bytes read and written, records removed, time spent.</summary>
internal readonly record struct CleanerTotals(long Compactions, long BytesRead, long BytesWritten, long RecordsRemoved, TimeSpan Elapsed);
