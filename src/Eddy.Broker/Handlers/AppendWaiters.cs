using System.Collections.Concurrent;
using Eddy.Broker.Topics;

namespace Eddy.Broker.Handlers;

/// <summary>
/// Wakes long-polling fetches when one of their partitions gets data. A waiter registers before it reads,
/// so an append between its read and its wait is never missed.
/// </summary>
internal sealed class AppendWaiters
{
    private readonly ConcurrentDictionary<Partition, TaskCompletionSource> _waiting = new();

    public AppendWaiters(TopicManager topics) => topics.Appended += OnAppended;

    private void OnAppended(Partition partition)
    {
        if (_waiting.TryRemove(partition, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>A task that completes at the next append to <paramref name="partition"/>.</summary>
    public Task NextAppend(Partition partition) =>
        _waiting.GetOrAdd(partition, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
