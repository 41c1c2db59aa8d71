using System.Runtime.InteropServices;

namespace Eddy.Cli;

/// <summary>
/// Turns Ctrl-C (SIGINT) and SIGTERM into one cancellation token, so every verb stops cleanly: the consumer closes,
/// the producer flushes, the broker closes its logs. A second signal while that cleanup runs exits at once, so a
/// shutdown that hangs can always be cut short.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration? _sigterm;
    private int _signals;

    public ShutdownSignal()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        // Windows has no SIGTERM; registration is only meaningful where the platform delivers it.
        if (!OperatingSystem.IsWindows())
        {
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSigterm);
        }
    }

    public CancellationToken Token => _cts.Token;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        Signal();
    }

    private void OnSigterm(PosixSignalContext context)
    {
        // Keep the process alive until the verb has finished its cleanup and returns its exit code.
        context.Cancel = true;
        Signal();
    }

    private void Signal()
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            Environment.Exit(ExitCodes.Interrupted);
        }
        // Cancel on the thread pool: cancellation callbacks run the verb's cleanup (e.g. disposing the broker), which must
        // not occupy the signal-handling thread, or a second signal could not get through.
        ThreadPool.UnsafeQueueUserWorkItem(static cts =>
        {
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the verb already finished
            }
        }, _cts, preferLocal: false);
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _sigterm?.Dispose();
        _cts.Dispose();
    }
}
