using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Eddy.Bench;

/// <summary>A fresh `eddy up` child process on a free port and a temporary data directory, for benchmarks.</summary>
internal sealed class BenchBroker : IDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;

    private BenchBroker(Process process, string dataDirectory, int port)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        BootstrapServers = $"127.0.0.1:{port}";
    }

    public string BootstrapServers { get; }

    public int Pid => _process.Id;

    /// <summary>Starts <c>eddy up</c> with <paramref name="command"/> and waits (up to a minute) until it accepts connections.</summary>
    public static async Task<BenchBroker> StartAsync(BrokerCommand command, CancellationToken cancellationToken, params string[] extraArgs)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var data = Path.Combine(Path.GetTempPath(), $"eddy-bench-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo(command.FileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in command.Arguments.Concat(["up", "--data-dir", data, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]).Concat(extraArgs))
        {
            info.ArgumentList.Add(arg);
        }
        // The registry only where the benchmark asks for it, on its own port: 8081 may be taken.
        if (!extraArgs.Contains("--registry-port"))
        {
            info.ArgumentList.Add("--no-registry");
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var broker = new BenchBroker(process, data, port);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    return broker;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(100, cancellationToken);
                }
            }
        }
        catch
        {
            // Interrupted, or it never listened: the child process and its directory go with the failure.
            broker.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is a temporary directory.
        }
    }
}
