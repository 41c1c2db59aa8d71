using Confluent.Kafka;

namespace Eddy.Cli.Kafka;

/// <summary>
/// An admin client whose requests fail fast when no broker can be reached. librdkafka keeps retrying the bootstrap
/// servers until a request times out (tens of seconds); for a command-line tool the first "all brokers are down"
/// report is the answer, with the connection error that caused it.
/// </summary>
public sealed class AdminConnection : IDisposable
{
    private readonly TaskCompletionSource<Error> _unreachable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static readonly TimeSpan MetadataSlice = TimeSpan.FromSeconds(1);

    private readonly IAdminClient _client;
    private readonly List<Task> _blockingCalls = [];
    private volatile Error? _lastError;

    internal AdminConnection(Func<Action<Error>, IAdminClient> build)
    {
        _client = build(OnError);
    }

    public IAdminClient Client => _client;

    /// <summary>Runs an admin request; throws <see cref="KafkaException"/> as soon as the cluster is known unreachable.</summary>
    public async Task<T> RunAsync<T>(Func<IAdminClient, Task<T>> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var task = request(_client);
        var first = await Task.WhenAny(task, _unreachable.Task).WaitAsync(cancellationToken);
        if (first == task)
        {
            return await task;
        }
        // The abandoned request fails later when the client is disposed; observe it so it is not reported as unobserved.
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        throw new KafkaException(await _unreachable.Task);
    }

    /// <summary>Runs a request that has no result.</summary>
    public Task RunAsync(Func<IAdminClient, Task> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(async client =>
        {
            await request(client);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Cluster metadata (all topics, or one). librdkafka's metadata call blocks for its whole timeout and the client
    /// cannot be disposed meanwhile, so it is asked in short slices until the deadline or until the cluster is known
    /// to be unreachable.
    /// </summary>
    public Task<Metadata> GetMetadataAsync(string? topic, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = _client;
        var call = Task.Run(() =>
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                var slice = TimeSpan.FromTicks(Math.Clamp((deadline - DateTime.UtcNow).Ticks, TimeSpan.FromMilliseconds(100).Ticks, MetadataSlice.Ticks));
                try
                {
                    return topic is null ? client.GetMetadata(slice) : client.GetMetadata(topic, slice);
                }
                catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_TimedOut or ErrorCode.Local_Transport
                    && DateTime.UtcNow < deadline && !_unreachable.Task.IsCompleted && !cancellationToken.IsCancellationRequested)
                {
                    // not answered yet: ask again
                }
            }
        }, CancellationToken.None);
        lock (_blockingCalls)
        {
            _blockingCalls.Add(call);
        }
        return RunAsync(_ => call, cancellationToken);
    }

    /// <summary>
    /// Waits for blocking metadata calls still inside librdkafka (at most one slice) before destroying the client:
    /// destroying a handle another thread is using crashes the process natively.
    /// </summary>
    public void Dispose()
    {
        Task[] pending;
        lock (_blockingCalls)
        {
            pending = [.. _blockingCalls];
        }
        try
        {
            Task.WaitAll(pending, MetadataSlice * 3);
        }
        catch (AggregateException)
        {
            // Their failures were reported through RunAsync.
        }
        _client.Dispose();
    }

    private void OnError(Error error)
    {
        if (error.Code == ErrorCode.Local_AllBrokersDown || error.IsFatal)
        {
            // "1/1 brokers are down" says little; the connection error before it says why.
            var reason = _lastError is { } last && last.Code != error.Code ? $"{error.Reason} (last error: {last.Reason})" : error.Reason;
            _unreachable.TrySetResult(new Error(error.Code, reason, error.IsFatal));
            return;
        }
        _lastError = error;
    }
}
