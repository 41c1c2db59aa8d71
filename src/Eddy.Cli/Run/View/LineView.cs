namespace Eddy.Cli.Run.View;

/// <summary>
/// The live view when the output is not a terminal (a file, a pipe, a CI log): one line per interval, as Kafka's
/// perf tools print their progress, so the numbers can be read back or grepped.
/// </summary>
internal sealed class LineView(TextWriter output) : IRunView
{
    public async Task ShowAsync(RunFrame frame, CancellationToken cancellationToken)
    {
        await output.WriteAsync(Line(frame) + "\n");
        await output.FlushAsync(cancellationToken);
    }

    public async Task SummarizeAsync(RunFrame frame, CancellationToken cancellationToken)
    {
        await output.WriteAsync(FrameText.Summary(frame) + "\n");
        await output.FlushAsync(cancellationToken);
    }

    internal static string Line(RunFrame frame)
    {
        var s = frame.Status;
        var line = $"{FrameText.Iso(frame.Now)} {frame.Job}: in {FrameText.Rate(frame.InPerSecond)} ({FrameText.Count(s.RecordsIn)}), "
            + $"out {FrameText.Rate(frame.OutPerSecond)} ({FrameText.Count(s.RecordsOut)}), late {FrameText.Count(frame.LateRecords)}, "
            + $"processing errors {FrameText.Count(frame.ProcessingErrors)}, dead letters {FrameText.Count(s.DeadLetters)}, watermark {FrameText.Watermark(frame)}, lag {FrameText.Count(s.Lag)}, "
            + $"commit {FrameText.Latency(s.LastCommitLatency)} (max {FrameText.Latency(frame.MaxCommitLatencyEver)}), "
            + $"commits {FrameText.Count(s.Commits)}, aborts {FrameText.Count(s.Aborts)}, tasks {s.Tasks.Count}";
        return frame.Generated is { } generated ? line + $", generator {FrameText.Rate(frame.GeneratedPerSecond)} ({FrameText.Count(generated)})" : line;
    }
}
