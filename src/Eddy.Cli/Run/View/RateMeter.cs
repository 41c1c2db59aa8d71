using Eddy.Engine.Kafka;

namespace Eddy.Cli.Run.View;

/// <summary>
/// Turns successive worker snapshots (and the generator's counter) into frames: rates come from the difference
/// between two snapshots over the time between them, as the worker takes them once per commit interval.
/// </summary>
internal sealed class RateMeter
{
    private readonly RunFrame _template;
    private readonly DateTimeOffset _started;
    private WorkerStatus? _previous;
    private (long Count, DateTimeOffset At)? _previousGenerated;
    private double _inPerSecond;
    private double _outPerSecond;
    private TimeSpan _maxCommitLatency;

    /// <param name="template">The frame fields that do not change (job, worker, guarantee, cluster).</param>
    public RateMeter(RunFrame template, DateTimeOffset started)
    {
        _template = template;
        _started = started;
    }

    public RunFrame Next(WorkerStatus status, long? generated, DateTimeOffset now, string state = "running")
    {
        if (_previous is { } previous && status.At > previous.At)
        {
            var seconds = (status.At - previous.At).TotalSeconds;
            _inPerSecond = (status.RecordsIn - previous.RecordsIn) / seconds;
            _outPerSecond = (status.RecordsOut - previous.RecordsOut) / seconds;
        }
        else if (_previous is not null && now - status.At > TimeSpan.FromSeconds(2))
        {
            // No new snapshot for a while (restoring state, or the worker is stuck): nothing is flowing.
            _inPerSecond = _outPerSecond = 0;
        }
        if (_previous is null || status.At > _previous.At)
        {
            _previous = status;
        }
        // The latest commit counts too: the last one, on stop, lands after the final snapshot's interval maximum.
        _maxCommitLatency = TimeSpan.FromTicks(Math.Max(_maxCommitLatency.Ticks, Math.Max(status.MaxCommitLatency.Ticks, status.LastCommitLatency.Ticks)));
        var elapsed = now - _started;
        if (state != "running" && elapsed > TimeSpan.Zero)
        {
            // The summary gives the averages over the whole run, not the rate of its last partial interval.
            _inPerSecond = status.RecordsIn / elapsed.TotalSeconds;
            _outPerSecond = status.RecordsOut / elapsed.TotalSeconds;
        }

        double generatedPerSecond = 0;
        if (generated is { } count)
        {
            if (state != "running" && elapsed > TimeSpan.Zero)
            {
                generatedPerSecond = count / elapsed.TotalSeconds;
            }
            else if (_previousGenerated is { } g && now > g.At)
            {
                generatedPerSecond = (count - g.Count) / (now - g.At).TotalSeconds;
            }
            _previousGenerated = (count, now);
        }

        return _template with
        {
            State = state,
            Now = now,
            Elapsed = elapsed,
            Status = status,
            InPerSecond = _inPerSecond,
            OutPerSecond = _outPerSecond,
            MaxCommitLatencyEver = _maxCommitLatency,
            Generated = generated,
            GeneratedPerSecond = generatedPerSecond,
        };
    }
}
