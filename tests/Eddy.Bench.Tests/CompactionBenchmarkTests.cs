using System.Globalization;
using System.Text.RegularExpressions;

namespace Eddy.Bench.Tests;

public class CompactionBenchmarkTests
{
    // The driver never starts a broker; the options only require one to be named.
    private static readonly BrokerCommand NoBroker = new("unused", []);

    private static long Number(Match match, string group) =>
        long.Parse(match.Groups[group].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    private static async Task<(int ExitCode, string Output, Match Summary)> RunAsync(BenchOptions options)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await CompactionBenchmark.RunAsync(options, output, TextWriter.Null, CancellationToken.None);
        var text = output.ToString();
        var summary = Regex.Match(text, @"(?<segments>[\d,]+) segments, (?<read>[\d,]+) records read, (?<kept>[\d,]+) kept");
        Assert.True(summary.Success, text);
        return (exitCode, text, summary);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_log_past_one_segment_is_compacted_to_the_latest_record_of_each_key_in_its_sealed_segments(int partitions)
    {
        // 2,500 updates of 8 KiB: about 20 MB, so the 16 MiB first segment is sealed and cleanable, the rest active.
        var options = new BenchOptions { Broker = NoBroker, Records = 2_500, RecordSize = 8192, Partitions = partitions };
        var keys = partitions * 1250;

        var (exitCode, output, summary) = await RunAsync(options);

        Assert.Equal(0, exitCode);
        Assert.Contains($"compaction: 2,500 updates of 8192 B over {keys:N0} keys", output, StringComparison.Ordinal);
        Assert.True(Number(summary, "segments") >= 1, output);
        var read = Number(summary, "read");
        // The cleaner reads the sealed segments only, never the active one.
        Assert.InRange(read, 1, options.Records - 1);
        // Keys cycle in order (key-0 .. key-(keys-1), then again), so the first `read` records hold min(read, keys)
        // distinct keys, and compaction keeps one record for each.
        Assert.Equal(Math.Min(read, keys), Number(summary, "kept"));
    }

    [Fact]
    public async Task A_log_that_fits_in_its_active_segment_cleans_nothing_and_says_so_with_exit_code_1()
    {
        var options = new BenchOptions { Broker = NoBroker, Records = 10, RecordSize = 100, Partitions = 1 };

        var (exitCode, output, summary) = await RunAsync(options);

        Assert.Equal(1, exitCode);
        Assert.Equal(0, Number(summary, "segments"));
        Assert.Equal(0, Number(summary, "read"));
        Assert.Equal(0, Number(summary, "kept"));
        Assert.Contains("compaction: 10 updates of 100 B over 1,250 keys", output, StringComparison.Ordinal);
    }
}
