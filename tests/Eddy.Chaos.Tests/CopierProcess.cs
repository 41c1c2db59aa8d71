using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Eddy.Chaos.Tests;

/// <summary>The transactional copier (tests/Eddy.Chaos.Copier) as a child process that can be killed, paused and resumed.</summary>
internal sealed class CopierProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private long _committed;

    private CopierProcess(Process process) => _process = process;

    /// <summary>Records this instance has committed so far (from its "committed N" lines).</summary>
    public long Committed => Interlocked.Read(ref _committed);

    public bool HasExited => _process.HasExited;

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

    public static CopierProcess Start(string bootstrap, string input, string output, string group, string transactionalId, int commitIntervalMs, int transactionTimeoutMs)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "eddy-copier.dll"));
        foreach (var arg in new[] { bootstrap, input, output, group, transactionalId })
        {
            info.ArgumentList.Add(arg);
        }
        info.ArgumentList.Add(commitIntervalMs.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(transactionTimeoutMs.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the copier");
        var copier = new CopierProcess(process);
        process.OutputDataReceived += (_, e) => copier.Append(e.Data);
        process.ErrorDataReceived += (_, e) => copier.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return copier;
    }

    public void Kill9()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signal("CONT");
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        if (line.StartsWith("committed ", StringComparison.Ordinal))
        {
            Interlocked.Exchange(ref _committed, long.Parse(line.AsSpan("committed ".Length), CultureInfo.InvariantCulture));
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
