using System.Text;

namespace Eddy.Cli.Run.View;

/// <summary>
/// The live view on a terminal: one block of lines redrawn in place every interval (plain ANSI: cursor up, clear
/// line), like <c>top</c>, so the numbers change under the reader's eyes instead of scrolling away.
/// </summary>
/// <param name="width">The terminal's width: longer lines are cut, since a wrapped line would throw the redraw off.</param>
internal sealed class TerminalView(TextWriter output, Func<int>? width = null) : IRunView
{
    private int _drawnLines;

    public async Task ShowAsync(RunFrame frame, CancellationToken cancellationToken)
    {
        var lines = Lines(frame);
        var text = new StringBuilder();
        if (_drawnLines > 0)
        {
            text.Append("\e[").Append(_drawnLines).Append('F');
        }
        var columns = width?.Invoke() ?? int.MaxValue;
        foreach (var line in lines)
        {
            text.Append(columns > 1 && line.Length >= columns ? line[..(columns - 1)] : line).Append("\e[K\n");
        }
        // Clear what a longer previous frame left below.
        text.Append("\e[J");
        _drawnLines = lines.Count;
        await output.WriteAsync(text.ToString());
        await output.FlushAsync(cancellationToken);
    }

    public async Task SummarizeAsync(RunFrame frame, CancellationToken cancellationToken)
    {
        await ShowAsync(frame, cancellationToken);
        await output.WriteAsync(FrameText.Summary(frame) + "\n");
        await output.FlushAsync(cancellationToken);
    }

    internal static List<string> Lines(RunFrame frame)
    {
        var s = frame.Status;
        var lines = new List<string>
        {
            $"eddy run {frame.Job} | worker {frame.WorkerId} | {frame.Guarantee} | {frame.Cluster} | {frame.State} {Durations.Format(frame.Elapsed)}",
            $"  records in    {FrameText.Rate(frame.InPerSecond),12}   total {FrameText.Count(s.RecordsIn)}",
            $"  records out   {FrameText.Rate(frame.OutPerSecond),12}   total {FrameText.Count(s.RecordsOut)}   side outputs {FrameText.Count(s.SideOutputRecords)}",
            $"  late          {FrameText.Count(frame.LateRecords),12}   dead letters {FrameText.Count(s.DeadLetters)}",
            $"  errors        {FrameText.Count(frame.ProcessingErrors),12}   records a function threw on (skipped or dead-lettered)",
            $"  watermark     {FrameText.Watermark(frame)}",
            $"  lag           {FrameText.Count(s.Lag),12}   records not yet read",
            $"  commits       {FrameText.Count(s.Commits),12}   aborts {FrameText.Count(s.Aborts)}   latency {FrameText.Latency(s.LastCommitLatency)} (max {FrameText.Latency(frame.MaxCommitLatencyEver)})",
            $"  tasks         {FrameText.Tasks(frame)}",
        };
        if (s.RestoredRecords > 0)
        {
            lines.Add($"  restored      {FrameText.Count(s.RestoredRecords),12}   changelog records replayed into state");
        }
        if (frame.Generated is { } generated)
        {
            lines.Add($"  generator     {FrameText.Rate(frame.GeneratedPerSecond),12}   total {FrameText.Count(generated)}");
        }
        if (frame.State == "running")
        {
            lines.Add("  Ctrl-C stops the job cleanly");
        }
        return lines;
    }
}
