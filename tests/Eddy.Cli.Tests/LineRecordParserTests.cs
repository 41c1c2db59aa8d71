using Eddy.Cli.Input;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class LineRecordParserTests
{
    [Fact]
    public void Without_a_separator_the_whole_line_is_the_value()
    {
        var parser = new LineRecordParser(null);

        Assert.False(parser.ParsesKeys);
        Assert.Equal((null, "a:b:c"), parser.Parse("a:b:c", 1));
    }

    [Theory]
    [InlineData(":", "user1:hello", "user1", "hello")]
    [InlineData(":", "user1:a:b", "user1", "a:b")]
    [InlineData(":", ":value", "", "value")]
    [InlineData(":", "key:", "key", "")]
    [InlineData("\t", "k\tv\tw", "k", "v\tw")]
    [InlineData("::", "a::b::c", "a", "b::c")]
    public void The_text_before_the_first_separator_is_the_key(string separator, string line, string key, string value)
    {
        Assert.Equal((key, value), new LineRecordParser(separator).Parse(line, 1));
    }

    [Fact]
    public void A_line_without_the_separator_is_rejected_like_kafka_console_producer()
    {
        var e = Assert.Throws<CliException>(() => new LineRecordParser(":").Parse("no key here", 7));

        Assert.Equal("No key separator found on line number 7: 'no key here'", e.Message);
        Assert.Equal(ExitCodes.Failure, e.ExitCode);
    }

    [Fact]
    public void An_empty_separator_is_a_usage_error()
    {
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => new LineRecordParser("")).ExitCode);
    }

    [Theory]
    [InlineData("\\t", "\t")]
    [InlineData("\\n", "\n")]
    [InlineData("a\\\\b", "a\\b")]
    [InlineData("::", "::")]
    [InlineData("\\q", "\\q")]
    public void Separator_escapes_are_interpreted(string given, string expected)
    {
        Assert.Equal(expected, TextEscapes.Unescape(given));
    }
}
