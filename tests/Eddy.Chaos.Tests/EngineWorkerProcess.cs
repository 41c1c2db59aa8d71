using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Eddy.Chaos.Tests;

/// <summary>One worker of a chaos job (tests/Eddy.Chaos.EngineWorker) as a child process that can be killed.</summary>
internal sealed class EngineWorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EngineWorkerProcess(Process process, string workerId)
    {
        _process = process;
        WorkerId = workerId;
    }

    public string WorkerId { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last "commits C restored R" line the worker printed.</summary>
    public string LastProgress { get; private set; } = "";

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

    /// <summary>Starts a worker of <paramref name="job"/>: "eos" (EosJob) or "relational" (RelationalJob).</summary>
    public static EngineWorkerProcess Start(string bootstrap, string stateDirectory, string workerId, string job = "eos")
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "eddy-engine-worker.dll"));
        foreach (var arg in new[] { "--bootstrap", bootstrap, "--state-dir", stateDirectory, "--worker-id", workerId, "--job", job })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the engine worker");
        var worker = new EngineWorkerProcess(process, workerId);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>SIGKILL: nothing is committed, checkpointed or closed; the open transaction stays open.</summary>
    public void Kill9()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>Where a worker that did not stop on SIGTERM was (dotnet-stack), if known.</summary>
    public string? StuckOnStop { get; private set; }

    /// <summary>SIGTERM: the worker commits, checkpoints and leaves the group; returns its exit code (-1 on timeout).</summary>
    public int Terminate(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return _process.ExitCode;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        if (!_process.WaitForExit(timeout))
        {
            StuckOnStop = Stacks();
            return -1;
        }

        // Let the asynchronous output readers drain.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>
    /// Where the worker's threads are, for the log when a watchdog gives up on it: the Eddy and Confluent.Kafka frames
    /// reported by dotnet-stack, when that tool is installed (<c>dotnet tool install -g dotnet-stack</c>), else null.
    /// </summary>
    public string? Stacks()
    {
        var tool = new[] { Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-stack") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "dotnet-stack")))
            .FirstOrDefault(File.Exists);
        if (tool is null || _process.HasExited)
        {
            return null;
        }

        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("report");
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(_process.Id.ToString(CultureInfo.InvariantCulture));
        using var report = Process.Start(info);
        if (report is null)
        {
            return null;
        }

        var text = report.StandardOutput.ReadToEndAsync();
        if (!report.WaitForExit(20_000))
        {
            report.Kill();
            return "dotnet-stack timed out";
        }

        // The worker thread's frames: the engine's and the librdkafka call it is in (not the producer's poll thread).
        return string.Join("\n", text.Result.Split('\n').Select(l => l.Trim())
            .Where(l => l.Contains("Eddy.Engine.Kafka!", StringComparison.Ordinal)
                || l.Contains("Confluent.Kafka!Confluent.Kafka.Consumer`2", StringComparison.Ordinal)
                || (l.Contains("SafeKafkaHandle.", StringComparison.Ordinal) && !l.Contains("SafeKafkaHandle.Poll(", StringComparison.Ordinal))));
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

    public string Tail(int characters = 3000)
    {
        var output = Output;
        return output.Length <= characters ? output : output[^characters..];
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("commits ", StringComparison.Ordinal))
        {
            // Progress lines are frequent: keep the last one instead of filling the log with them.
            LastProgress = line;
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
