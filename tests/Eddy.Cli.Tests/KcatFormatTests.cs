using Eddy.Cli.Output;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class KcatFormatTests
{
    [Fact]
    public void Default_template_prints_the_value_and_a_newline()
    {
        var text = TestRecords.Render(KcatFormat.Parse(KcatFormat.DefaultTemplate), TestRecords.Record(value: "hello"), TestRecords.Record(value: "world"));

        Assert.Equal("hello\nworld\n", text);
    }

    [Fact]
    public void Every_token_renders_its_field()
    {
        var format = KcatFormat.Parse("%t|%p|%o|%k|%s|%T|%K|%S|%h\\n");
        var record = TestRecords.Record(key: "key", value: "value!", headers: [("a", "1"), ("b", "2")]);

        Assert.Equal("orders|2|42|key|value!|1700000000123|3|6|a=1,b=2\n", TestRecords.Render(format, record));
    }

    [Fact]
    public void Null_key_and_value_print_nothing_and_length_minus_one()
    {
        var format = KcatFormat.Parse("[%k][%s][%K][%S]");

        Assert.Equal("[][][-1][-1]", TestRecords.Render(format, TestRecords.Record(key: null, value: null)));
    }

    [Fact]
    public void Empty_key_has_length_zero()
    {
        Assert.Equal("0", TestRecords.Render(KcatFormat.Parse("%K"), TestRecords.Record(key: "")));
    }

    [Fact]
    public void Escapes_and_percent_literals_are_interpreted()
    {
        var format = KcatFormat.Parse("%%\\t%o\\r\\n\\x41\\\\");

        Assert.Equal("%\t42\r\nA\\", TestRecords.Render(format, TestRecords.Record()));
    }

    [Fact]
    public void Plain_text_around_tokens_is_kept()
    {
        var format = KcatFormat.Parse("Key: %k, Value: %s at offset %o\n");

        Assert.Equal("Key: k1, Value: v1 at offset 42\n", TestRecords.Render(format, TestRecords.Record()));
    }

    [Fact]
    public void Missing_timestamp_renders_minus_one()
    {
        var record = TestRecords.Record(timestampType: Confluent.Kafka.TimestampType.NotAvailable, timestamp: 0);

        Assert.Equal("-1", TestRecords.Render(KcatFormat.Parse("%T"), record));
    }

    [Fact]
    public void Headers_with_null_values_and_no_headers()
    {
        Assert.Equal("x=NULL,y=", TestRecords.Render(KcatFormat.Parse("%h"), TestRecords.Record(headers: [("x", null), ("y", "")])));
        Assert.Equal("<>", TestRecords.Render(KcatFormat.Parse("<%h>"), TestRecords.Record()));
    }

    [Fact]
    public void Utf8_values_are_decoded()
    {
        Assert.Equal("héllo ✓", TestRecords.Render(KcatFormat.Parse("%s"), TestRecords.Record(value: "héllo ✓")));
    }

    [Theory]
    [InlineData("%x", "unsupported formatter %x")]
    [InlineData("value: %", "empty formatter")]
    public void Bad_templates_are_usage_errors(string template, string message)
    {
        var e = Assert.Throws<CliException>(() => KcatFormat.Parse(template));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains(message, e.Message);
    }
}
