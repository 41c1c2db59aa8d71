namespace Eddy.Engine.Kafka;

/// <summary>
/// The thread a stream thread's transactions commit on while the stream thread processes the next interval (see
/// <c>StreamThread.Commit</c>): one thread for the stream thread's life, rather than a new one per commit (ten a
/// second, whose starts showed in profiles of the stream thread) or a thread-pool thread (blocked for the length of a
/// commit, which can be seconds while a broker restarts).
/// </summary>
/// <remarks>One commit at a time: <see cref="Start"/> is called again only after the previous commit's task completed.</remarks>
internal sealed class CommitThread : IDisposable
{
    private readonly SemaphoreSlim _work = new(0);
    private Action? _action;
    private TaskCompletionSource? _done;
    private volatile bool _disposed;

    public CommitThread(string name)
    {
        new Thread(Loop) { Name = name, IsBackground = true }.Start();
    }

    /// <summary>Runs <paramref name="commit"/> on the commit thread; the task completes with its outcome.</summary>
    public Task Start(Action commit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _action = commit;
        _done = done;
        _work.Release();
        return done.Task;
    }

    private void Loop()
    {
        while (true)
        {
            _work.Wait();
            if (_disposed)
            {
                _work.Dispose();
                return;
            }

            var action = _action!;
            var done = _done!;
            _action = null;
            _done = null;
            try
            {
                action();
                done.SetResult();
            }
#pragma warning disable CA1031 // The commit's failure is the stream thread's to handle: it goes through the task.
            catch (Exception e)
#pragma warning restore CA1031
            {
                done.SetException(e);
            }
        }
    }

    /// <summary>Ends the thread once it is idle (a commit in flight is the stream thread's to wait for first).</summary>
    public void Dispose()
    {
        _disposed = true;
        _work.Release();
    }
}
