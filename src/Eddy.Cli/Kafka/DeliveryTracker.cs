using Confluent.Kafka;

namespace Eddy.Cli.Kafka;

/// <summary>
/// Counts records handed to the producer and their delivery reports. Reports arrive on the producer's poll thread,
/// so the counters are updated atomically; the first failure is kept to name the error in the summary.
/// </summary>
internal sealed class DeliveryTracker
{
    private long _sent;
    private long _delivered;
    private long _failed;
    private Error? _firstFailure;
    private Error? _fatalError;

    public long Sent => Interlocked.Read(ref _sent);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    public Error? FirstFailure => Volatile.Read(ref _firstFailure);

    /// <summary>A fatal client error (e.g. a fenced idempotent producer): no further record can succeed.</summary>
    public Error? FatalError => Volatile.Read(ref _fatalError);

    public void OnSent() => Interlocked.Increment(ref _sent);

    public void OnDelivery(DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error is { IsError: true } error)
        {
            OnRejected(error);
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }
    }

    public void OnRejected(Error error)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.CompareExchange(ref _firstFailure, error, null);
    }

    public void Fatal(Error error) => Interlocked.CompareExchange(ref _fatalError, error, null);
}
