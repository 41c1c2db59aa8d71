using Eddy.Cli.Kafka;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class TimestampParserTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1700000000123", 1_700_000_000_123L)]
    [InlineData(" 1700000000123 ", 1_700_000_000_123L)]
    [InlineData("2023-11-14T22:13:20Z", 1_700_000_000_000L)]
    [InlineData("2023-11-14T22:13:20.123Z", 1_700_000_000_123L)]
    [InlineData("2023-11-15T00:13:20+02:00", 1_700_000_000_000L)]
    [InlineData("2023-11-14T22:13:20", 1_700_000_000_000L)]
    [InlineData("2023-11-14 22:13:20", 1_700_000_000_000L)]
    [InlineData("2023-11-14T22:13Z", 1_699_999_980_000L)]
    [InlineData("1970-01-02", 86_400_000L)]
    public void Epoch_milliseconds_and_iso_8601_are_accepted(string text, long expected)
    {
        Assert.Equal(expected, TimestampParser.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("-5")]
    [InlineData("2023-13-01")]
    [InlineData("99999999999999999999")]
    public void Anything_else_is_a_usage_error(string text)
    {
        var e = Assert.Throws<CliException>(() => TimestampParser.Parse(text));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("--from-timestamp", e.Message);
    }
}
