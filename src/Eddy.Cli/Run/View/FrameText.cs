using System.Globalization;
using System.Text;

namespace Eddy.Cli.Run.View;

/// <summary>The pieces of text both human views share, so the terminal and the log lines say the same thing.</summary>
internal static class FrameText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Count(long n) => n.ToString("N0", Invariant);

    public static string Rate(double perSecond) => perSecond.ToString(perSecond < 100 ? "N1" : "N0", Invariant) + "/s";

    public static string Watermark(RunFrame frame) => frame.WatermarkTime is { } time
        ? $"{Iso(time)} ({Durations.Format(frame.WatermarkDelay!.Value.Duration())} {(frame.WatermarkDelay!.Value >= TimeSpan.Zero ? "behind" : "ahead of")} now)"
        : "none yet";

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", Invariant);

    public static string Latency(TimeSpan span) => span.TotalMilliseconds.ToString("0", Invariant) + " ms";

    /// <summary>"8 (stage 0: p0-3; stage 1: p0-3)".</summary>
    public static string Tasks(RunFrame frame)
    {
        var tasks = frame.Status.Tasks;
        if (tasks.Count == 0)
        {
            return "0 (waiting for partitions)";
        }
        var text = new StringBuilder(tasks.Count.ToString(Invariant)).Append(" (");
        var first = true;
        foreach (var stage in tasks.GroupBy(t => t.Stage).OrderBy(g => g.Key))
        {
            text.Append(first ? "" : "; ").Append("stage ").Append(stage.Key).Append(": p").Append(Ranges(stage.Select(t => t.Partition)));
            first = false;
        }
        return text.Append(')').ToString();
    }

    // 0,1,2,3,5 -> "0-3,5"
    private static string Ranges(IEnumerable<int> partitions)
    {
        var sorted = partitions.Order().ToList();
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }
            parts.Add(j == i ? sorted[i].ToString(Invariant) : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    public static string Summary(RunFrame frame)
    {
        var s = frame.Status;
        var text = new StringBuilder();
        text.Append($"Stopped {frame.Job} (worker {frame.WorkerId}) after {Durations.Format(frame.Elapsed)}: ");
        text.Append($"{Count(s.RecordsIn)} records in, {Count(s.RecordsOut)} out, {Count(frame.LateRecords)} late, {Count(frame.ProcessingErrors)} processing errors, {Count(s.DeadLetters)} dead letters; ");
        text.Append($"{Count(s.Commits)} commits ({Count(s.Aborts)} aborts), max commit latency {Latency(frame.MaxCommitLatencyEver)}");
        if (frame.WatermarkTime is { } watermark)
        {
            text.Append($"; watermark {Iso(watermark)}");
        }
        if (frame.Generated is { } generated)
        {
            text.Append($"; generator produced {Count(generated)}");
        }
        return text.Append('.').ToString();
    }
}
