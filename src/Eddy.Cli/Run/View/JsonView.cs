using System.Text;
using System.Text.Json;

namespace Eddy.Cli.Run.View;

/// <summary>
/// <c>--output json</c>: one JSON object per interval on its own line, and a last one with <c>"state":"stopped"</c>,
/// for scripts and dashboards. Times are ISO 8601 UTC, durations in milliseconds, rates per second.
/// </summary>
internal sealed class JsonView(TextWriter output) : IRunView
{
    public Task ShowAsync(RunFrame frame, CancellationToken cancellationToken) => WriteAsync(frame, cancellationToken);

    public Task SummarizeAsync(RunFrame frame, CancellationToken cancellationToken) => WriteAsync(frame, cancellationToken);

    private async Task WriteAsync(RunFrame frame, CancellationToken cancellationToken)
    {
        await output.WriteAsync(Line(frame) + "\n");
        await output.FlushAsync(cancellationToken);
    }

    internal static string Line(RunFrame frame)
    {
        var s = frame.Status;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", FrameText.Iso(frame.Now));
            json.WriteString("job", frame.Job);
            json.WriteString("worker", frame.WorkerId);
            json.WriteString("state", frame.State);
            json.WriteNumber("elapsedMs", (long)frame.Elapsed.TotalMilliseconds);
            json.WriteNumber("recordsIn", s.RecordsIn);
            json.WriteNumber("recordsInPerSec", Math.Round(frame.InPerSecond, 1));
            json.WriteNumber("recordsOut", s.RecordsOut);
            json.WriteNumber("recordsOutPerSec", Math.Round(frame.OutPerSecond, 1));
            json.WriteNumber("sideOutputRecords", s.SideOutputRecords);
            json.WriteNumber("lateRecords", frame.LateRecords);
            json.WriteNumber("processingErrors", frame.ProcessingErrors);
            json.WriteNumber("deadLetters", s.DeadLetters);
            if (frame.WatermarkTime is { } watermark)
            {
                json.WriteString("watermark", FrameText.Iso(watermark));
                json.WriteNumber("watermarkDelayMs", (long)frame.WatermarkDelay!.Value.TotalMilliseconds);
            }
            else
            {
                json.WriteNull("watermark");
                json.WriteNull("watermarkDelayMs");
            }
            json.WriteNumber("lag", s.Lag);
            json.WriteNumber("commits", s.Commits);
            json.WriteNumber("aborts", s.Aborts);
            json.WriteNumber("lastCommitLatencyMs", Math.Round(s.LastCommitLatency.TotalMilliseconds, 1));
            json.WriteNumber("maxCommitLatencyMs", Math.Round(frame.MaxCommitLatencyEver.TotalMilliseconds, 1));
            json.WriteNumber("restoredRecords", s.RestoredRecords);
            json.WriteNumber("tasks", s.Tasks.Count);
            if (frame.Generated is { } generated)
            {
                json.WriteNumber("generated", generated);
                json.WriteNumber("generatedPerSec", Math.Round(frame.GeneratedPerSecond, 1));
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
