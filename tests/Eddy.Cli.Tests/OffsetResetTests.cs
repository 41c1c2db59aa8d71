using Eddy.Cli.Commands;
using Eddy.Cli.Kafka;
using Eddy.Cli.Output;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class OffsetResetTests
{
    private static readonly GroupPartition Orders0 = new("orders", 0);

    // A log that starts at 100 (older records deleted) and ends at 200; the group committed 150.
    private static readonly PartitionOffsets Log = new(LogStart: 100, LogEnd: 200, Committed: 150);

    [Fact]
    public void Earliest_and_latest_are_the_log_bounds()
    {
        Assert.Equal((100L, (string?)null), OffsetReset.Compute(Orders0, new ResetScenario(ResetKind.ToEarliest), Log));
        Assert.Equal((200L, (string?)null), OffsetReset.Compute(Orders0, new ResetScenario(ResetKind.ToLatest), Log));
    }

    [Theory]
    [InlineData(120L, 120L)]
    [InlineData(100L, 100L)]
    [InlineData(200L, 200L)]
    public void To_offset_inside_the_log_is_taken_as_is(long requested, long expected)
    {
        Assert.Equal((expected, (string?)null), OffsetReset.Compute(Orders0, new ResetScenario(ResetKind.ToOffset, requested), Log));
    }

    [Fact]
    public void To_offset_outside_the_log_is_clamped_with_kafkas_warning()
    {
        Assert.Equal(
            (200L, "New offset (500) is higher than latest offset for topic partition orders-0. Value will be set to 200"),
            OffsetReset.Compute(Orders0, new ResetScenario(ResetKind.ToOffset, 500), Log));
        Assert.Equal(
            (100L, "New offset (5) is lower than earliest offset for topic partition orders-0. Value will be set to 100"),
            OffsetReset.Compute(Orders0, new ResetScenario(ResetKind.ToOffset, 5), Log));
    }

    [Theory]
    [InlineData(10L, 160L)]
    [InlineData(-10L, 140L)]
    [InlineData(0L, 150L)]
    [InlineData(1000L, 200L)]
    [InlineData(-1000L, 100L)]
    [InlineData(long.MaxValue, 200L)]
    [InlineData(long.MinValue, 100L)]
    public void Shift_by_moves_the_committed_offset_and_stays_within_the_log(long shift, long expected)
    {
        Assert.Equal(expected, OffsetReset.Compute(Orders0, new ResetScenario(ResetKind.ShiftBy, shift), Log).Offset);
    }

    [Fact]
    public void Shift_by_needs_a_committed_offset()
    {
        var e = Assert.Throws<CliException>(() => OffsetReset.Compute(Orders0, new ResetScenario(ResetKind.ShiftBy, 1), Log with { Committed = null }));

        Assert.Equal("Cannot shift offset for partition orders-0 since there is no current committed offset", e.Message);
    }

    [Fact]
    public void To_datetime_takes_the_first_offset_at_the_time_or_falls_back_to_the_log_end()
    {
        Assert.Equal((130L, (string?)null), OffsetReset.Compute(Orders0, new ResetScenario(ResetKind.ToDatetime, 1_700_000_000_000), Log with { AtTimestamp = 130 }));
        Assert.Equal(
            (200L, "Partition 0 from topic orders is empty. Falling back to latest known offset."),
            OffsetReset.Compute(Orders0, new ResetScenario(ResetKind.ToDatetime, 1_700_000_000_000), Log with { AtTimestamp = null }));
    }

    [Theory]
    [InlineData("orders", "orders", null)]
    [InlineData("orders:0", "orders", new[] { 0 })]
    [InlineData("orders:2,0,1", "orders", new[] { 2, 0, 1 })]
    public void Topic_arguments_name_a_topic_and_optionally_partitions(string argument, string topic, int[]? partitions)
    {
        var parsed = OffsetReset.ParseTopic(argument);

        Assert.Equal(topic, parsed.Topic);
        Assert.Equal(partitions, parsed.Partitions);
    }

    [Theory]
    [InlineData("orders:x")]
    [InlineData("orders:")]
    [InlineData("orders:1,,2")]
    [InlineData(":1")]
    [InlineData("orders:-1")]
    public void Bad_topic_arguments_are_usage_errors(string argument)
    {
        var e = Assert.Throws<CliException>(() => OffsetReset.ParseTopic(argument));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }

    [Fact]
    public void Exactly_one_scenario_is_required()
    {
        var none = new GroupsResetOffsetsOptions { Group = "g" };
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => GroupsCommand.ParseScenario(none)).ExitCode);
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => GroupsCommand.ParseScenario(none with { ToEarliest = true, ShiftBy = 1 })).ExitCode);

        Assert.Equal(new ResetScenario(ResetKind.ShiftBy, -3), GroupsCommand.ParseScenario(none with { ShiftBy = -3 }));
        Assert.Equal(new ResetScenario(ResetKind.ToDatetime, 1_700_000_000_000), GroupsCommand.ParseScenario(none with { ToDatetime = "2023-11-14T22:13:20.000Z" }));
        var bad = Assert.Throws<CliException>(() => GroupsCommand.ParseScenario(none with { ToDatetime = "yesterday" }));
        Assert.Contains("--to-datetime", bad.Message);
    }

    [Fact]
    public void State_filters_are_kafkas_state_names_in_any_case()
    {
        Assert.Equal([Confluent.Kafka.ConsumerGroupState.Stable, Confluent.Kafka.ConsumerGroupState.Empty], GroupsCommand.ParseStates(["stable, Empty"]));
        Assert.Empty(GroupsCommand.ParseStates([]));
        var e = Assert.Throws<CliException>(() => GroupsCommand.ParseStates(["Stable,Sleeping"]));
        Assert.StartsWith("Invalid state list 'Stable,Sleeping'. Valid states are: ", e.Message);
        Assert.Throws<CliException>(() => GroupsCommand.ParseStates(["Unknown"]));
        Assert.Throws<CliException>(() => GroupsCommand.ParseStates(["3"]));
    }
}
