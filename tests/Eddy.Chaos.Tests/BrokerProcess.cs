using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Eddy.Chaos.Tests;

/// <summary>`eddy up` as a real child process, so it can be killed with SIGKILL.</summary>
internal sealed class BrokerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BrokerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string BootstrapServers => $"127.0.0.1:{Port}";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static int FreePort() => Eddy.Testing.FreePort.Next();

    public static BrokerProcess Start(string dataDirectory, int port, params string[] extraArgs)
    {
        var eddy = Path.Combine(AppContext.BaseDirectory, "eddy.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(eddy);
        info.ArgumentList.Add("up");
        info.ArgumentList.Add("--data-dir");
        info.ArgumentList.Add(dataDirectory);
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var arg in extraArgs)
        {
            info.ArgumentList.Add(arg);
        }
        // Tests run side by side: a registry on the default port 8081 only where a test asks for one on its own port.
        if (!extraArgs.Contains("--registry-port"))
        {
            info.ArgumentList.Add("--no-registry");
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start eddy");
        var broker = new BrokerProcess(process, port);
        process.OutputDataReceived += (_, e) => broker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => broker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        broker.WaitUntilListening(TimeSpan.FromSeconds(60));
        return broker;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private void WaitUntilListening(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"eddy up exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        throw new TimeoutException($"eddy up did not listen on {Port}:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed by the broker.</summary>
    public void Kill9()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, the way a service manager stops the broker.</summary>
    public int Terminate(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        return _process.WaitForExit(timeout) ? _process.ExitCode : -1;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
