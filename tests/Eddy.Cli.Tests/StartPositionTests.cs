using Confluent.Kafka;
using Eddy.Cli.Commands;
using Eddy.Cli.Kafka;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class StartPositionTests
{
    [Theory]
    [InlineData("earliest", StartKind.Beginning, 0L)]
    [InlineData("beginning", StartKind.Beginning, 0L)]
    [InlineData("LATEST", StartKind.End, 0L)]
    [InlineData("end", StartKind.End, 0L)]
    [InlineData("17", StartKind.Offset, 17L)]
    public void Offset_argument(string text, StartKind kind, long value)
    {
        Assert.Equal(new StartPosition(kind, value), StartPosition.ParseOffset(text));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("")]
    public void Bad_offsets_are_usage_errors(string text)
    {
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => StartPosition.ParseOffset(text)).ExitCode);
    }

    [Fact]
    public void Offsets_map_to_librdkafka_logical_offsets()
    {
        Assert.Equal(Offset.Beginning, new StartPosition(StartKind.Beginning).ToOffset(Offset.End));
        Assert.Equal(Offset.End, new StartPosition(StartKind.End).ToOffset(Offset.Beginning));
        Assert.Equal(new Offset(5), new StartPosition(StartKind.Offset, 5).ToOffset(Offset.End));
        Assert.Equal(Offset.Stored, StartPosition.Default.ToOffset(Offset.Stored));
    }

    [Fact]
    public void Consume_options_pick_one_start()
    {
        Assert.Equal(StartPosition.Default, ConsumeCommand.ParseStartPosition(new ConsumeOptions { Topic = "t" }));
        Assert.Equal(StartKind.Beginning, ConsumeCommand.ParseStartPosition(new ConsumeOptions { Topic = "t", FromBeginning = true }).Kind);
        Assert.Equal(new StartPosition(StartKind.Timestamp, 1000), ConsumeCommand.ParseStartPosition(new ConsumeOptions { Topic = "t", FromTimestamp = "1000" }));
        Assert.Equal(new StartPosition(StartKind.Offset, 3), ConsumeCommand.ParseStartPosition(new ConsumeOptions { Topic = "t", Offset = "3" }));
    }

    [Fact]
    public void With_a_group_from_beginning_only_resets_partitions_without_a_committed_offset()
    {
        var options = new ConsumeOptions { Topic = "t", Group = "g", FromBeginning = true };

        Assert.Equal(StartPosition.Default, ConsumeCommand.ParseStartPosition(options));
        Assert.Equal("earliest", ConsumeCommand.ConsumerOverrides(options)["auto.offset.reset"]);
    }

    [Fact]
    public void Two_starting_points_are_a_usage_error()
    {
        var e = Assert.Throws<CliException>(() => ConsumeCommand.ParseStartPosition(new ConsumeOptions { Topic = "t", FromBeginning = true, Offset = "5" }));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }
}
