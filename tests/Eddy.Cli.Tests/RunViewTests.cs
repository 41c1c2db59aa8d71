using System.Text.Json;
using Eddy.Cli.Run;
using Eddy.Cli.Run.View;
using Eddy.Engine.Kafka;
using TaskStatus = Eddy.Engine.Kafka.TaskStatus;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class RunViewTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static RunFrame Template => new()
    {
        Job = "pageviews",
        WorkerId = "0",
        Guarantee = "exactly-once",
        Cluster = "embedded broker 127.0.0.1:9092",
        Now = Start,
        Elapsed = TimeSpan.Zero,
        Status = WorkerStatus.Starting,
    };

    private static WorkerStatus Status(double seconds, long recordsIn, long recordsOut, long? watermark = null) => new()
    {
        At = Start.AddSeconds(seconds),
        RecordsIn = recordsIn,
        RecordsOut = recordsOut,
        Commits = 10,
        LastCommitLatency = TimeSpan.FromMilliseconds(4),
        MaxCommitLatency = TimeSpan.FromMilliseconds(9),
        Lag = 12,
        Watermark = watermark,
        Tasks = [new TaskStatus(0, 0, 0, 1, 2, 0), new TaskStatus(0, 1, 0, 1, 3, 0) { ProcessingErrors = 4 },
            new TaskStatus(1, 3, 0, 1, 0, 0) { ProcessingErrors = 3 }],
    };

    [Fact]
    public void Rates_come_from_two_snapshots_over_the_time_between_them()
    {
        var meter = new RateMeter(Template, Start);
        meter.Next(Status(1, 1000, 10), 1000, Start.AddSeconds(1));

        var frame = meter.Next(Status(3, 5000, 50, Start.AddSeconds(1).ToUnixTimeMilliseconds()), 3000, Start.AddSeconds(3));

        Assert.Equal(2000, frame.InPerSecond);
        Assert.Equal(20, frame.OutPerSecond);
        Assert.Equal(1000, frame.GeneratedPerSecond);
        Assert.Equal(5, frame.LateRecords);
        Assert.Equal(TimeSpan.FromSeconds(2), frame.WatermarkDelay);
    }

    [Fact]
    public void The_line_view_prints_one_line_with_every_number()
    {
        var meter = new RateMeter(Template, Start);
        meter.Next(Status(1, 1000, 10), null, Start.AddSeconds(1));
        var frame = meter.Next(Status(2, 2000, 30, Start.AddSeconds(0.5).ToUnixTimeMilliseconds()), null, Start.AddSeconds(2));

        Assert.Equal("2026-01-02T03:04:07.000Z pageviews: in 1,000/s (2,000), out 20.0/s (30), late 5, processing errors 7, dead letters 0, "
            + "watermark 2026-01-02T03:04:05.500Z (1.5 s behind now), lag 12, commit 4 ms (max 9 ms), commits 10, aborts 0, tasks 3",
            LineView.Line(frame));
    }

    [Fact]
    public async Task The_terminal_view_shows_tasks_per_stage_and_redraws_in_place()
    {
        var frame = new RateMeter(Template, Start).Next(Status(1, 100, 1), 120, Start.AddSeconds(1));
        var lines = TerminalView.Lines(frame);
        Assert.Contains("  tasks         3 (stage 0: p0-1; stage 1: p3)", lines);
        Assert.Contains(lines, l => l.StartsWith("  watermark     none yet", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  errors                   7   records a function threw on", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  generator", StringComparison.Ordinal));

        var output = new StringWriter();
        var view = new TerminalView(output);
        await view.ShowAsync(frame, CancellationToken.None);
        await view.ShowAsync(frame, CancellationToken.None);
        Assert.Contains($"\e[{lines.Count}F", output.ToString());
    }

    [Fact]
    public async Task The_terminal_view_cuts_lines_to_the_terminal_width_so_the_redraw_stays_in_place()
    {
        var frame = new RateMeter(Template, Start).Next(Status(1, 100, 1), null, Start.AddSeconds(1));
        var output = new StringWriter();

        await new TerminalView(output, () => 40).ShowAsync(frame, CancellationToken.None);

        Assert.All(output.ToString().Split('\n')[..^1], line => Assert.True(line.Replace("\e[K", "").Length <= 39, line));
    }

    [Fact]
    public void The_json_view_writes_one_object_per_frame()
    {
        var frame = new RateMeter(Template, Start).Next(Status(1, 100, 1, Start.ToUnixTimeMilliseconds()), null, Start.AddSeconds(1), "stopped");

        var json = JsonDocument.Parse(JsonView.Line(frame)).RootElement;

        Assert.Equal("stopped", json.GetProperty("state").GetString());
        Assert.Equal(100, json.GetProperty("recordsIn").GetInt64());
        Assert.Equal("2026-01-02T03:04:05.000Z", json.GetProperty("watermark").GetString());
        Assert.Equal(1000, json.GetProperty("watermarkDelayMs").GetInt64());
        Assert.Equal(9, json.GetProperty("maxCommitLatencyMs").GetDouble());
        Assert.Equal(3, json.GetProperty("tasks").GetInt32());
        Assert.Equal(7, json.GetProperty("processingErrors").GetInt64());
        Assert.False(json.TryGetProperty("generated", out _));
    }

    [Fact]
    public void The_summary_counts_the_records_a_function_threw_on_over_the_workers_tasks()
    {
        var frame = new RateMeter(Template, Start).Next(Status(1, 100, 1), null, Start.AddSeconds(1), "stopped");

        Assert.Equal(7, frame.ProcessingErrors);
        Assert.Contains("5 late, 7 processing errors, 0 dead letters", FrameText.Summary(frame));
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("12", 12_000)]
    [InlineData("00:01:00", 60_000)]
    public void Durations_read_as_people_type_them(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("")]
    public void Bad_durations_are_rejected(string text) => Assert.False(Durations.TryParse(text, out _));
}
