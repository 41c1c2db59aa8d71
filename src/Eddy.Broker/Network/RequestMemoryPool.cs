namespace Eddy.Broker.Network;

/// <summary>
/// queued.max.request.bytes: one broker-wide budget for the bytes of requests read but not yet answered. A
/// connection reserves a request's size once it has read the size prefix, before reading the body, and gives it
/// back once the response is sent; while the budget is used up it waits and reads nothing more (Kafka mutes it).
/// As Kafka's non-strict SimpleMemoryPool, a reservation is granted whenever any budget is left, so one request
/// larger than the whole budget still goes through alone and the bytes in use stay below budget + one request.
/// Waiters are served in arrival order so that a stream of small requests cannot starve a large one.
/// </summary>
internal sealed class RequestMemoryPool
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _available;

    /// <param name="capacity">The budget in bytes; zero or less means no limit, as in Kafka.</param>
    public RequestMemoryPool(long capacity)
    {
        Capacity = capacity;
        _available = capacity;
    }

    public long Capacity { get; }

    public bool IsUnlimited => Capacity <= 0;

    /// <summary>Bytes reserved by requests not yet answered (may exceed the capacity by less than one request).</summary>
    public long Used
    {
        get
        {
            lock (_lock)
            {
                return Capacity - _available;
            }
        }
    }

    /// <summary>Most bytes ever reserved at once, for tests and figures.</summary>
    public long PeakUsed { get; private set; }

    /// <summary>Connections waiting for budget.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    public ValueTask ReserveAsync(int bytes, CancellationToken cancellationToken)
    {
        if (IsUnlimited)
        {
            return ValueTask.CompletedTask;
        }
        Waiter waiter;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _available > 0)
            {
                Take(bytes);
                return ValueTask.CompletedTask;
            }
            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }
        return new ValueTask(WaitAsync(waiter, cancellationToken));
    }

    private async Task WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                // Granted and cancelled cannot both happen: both run under the lock and the grant unlinks the node.
                if (waiter.Node?.List is not null)
                {
                    _waiters.Remove(waiter.Node);
                    waiter.Completion.TrySetCanceled(cancellationToken);
                }
            }
        });
        await waiter.Completion.Task;
    }

    public void Release(int bytes)
    {
        if (IsUnlimited)
        {
            return;
        }
        lock (_lock)
        {
            _available += bytes;
            while (_available > 0 && _waiters.First is { } first)
            {
                _waiters.RemoveFirst();
                Take(first.Value.Bytes);
                first.Value.Completion.TrySetResult();
            }
        }
    }

    private void Take(int bytes)
    {
        _available -= bytes;
        PeakUsed = Math.Max(PeakUsed, Capacity - _available);
    }

    private sealed class Waiter(int bytes)
    {
        public int Bytes { get; } = bytes;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
