using System.Globalization;

namespace Eddy.Bench;

/// <summary>CPU time and resident memory of another process, read from /proc (Linux).</summary>
internal sealed class ProcessSampler(int pid)
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux

    public int Pid { get; } = pid;

    /// <summary>user + system CPU seconds consumed so far.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        // Fields after the ")" of the command name: state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
    }

    /// <summary>Resident memory now (VmRSS).</summary>
    public long RssBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>The highest resident memory the process has had (VmHWM, the kernel's high-water mark).</summary>
    public long PeakRssBytes() => StatusKilobytes("VmHWM:") * 1024;

    private long StatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    public static bool IsAvailable(int pid) => File.Exists($"/proc/{pid}/stat");
}
