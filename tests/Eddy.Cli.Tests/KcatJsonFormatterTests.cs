using System.Text.Json;
using Confluent.Kafka;
using Eddy.Cli.Output;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class KcatJsonFormatterTests
{
    private static string Render(ConsumeResult<byte[], byte[]> record)
    {
        using var formatter = new KcatJsonFormatter();
        return TestRecords.Render(formatter, record);
    }

    [Fact]
    public void One_object_per_line_with_kcat_field_order()
    {
        var line = Render(TestRecords.Record(key: "k", value: "v", headers: [("h1", "x"), ("h2", null)]));

        Assert.Equal(
            """{"topic":"orders","partition":2,"offset":42,"tstype":"create","ts":1700000000123,"headers":["h1","x","h2",null],"key":"k","payload":"v"}""" + "\n",
            line);
    }

    [Fact]
    public void Null_key_and_payload_are_json_null_and_headers_are_omitted_when_absent()
    {
        var line = Render(TestRecords.Record(key: null, value: null));

        Assert.Equal("""{"topic":"orders","partition":2,"offset":42,"tstype":"create","ts":1700000000123,"key":null,"payload":null}""" + "\n", line);
    }

    [Fact]
    public void Log_append_time_and_missing_timestamps()
    {
        using var appended = JsonDocument.Parse(Render(TestRecords.Record(timestampType: TimestampType.LogAppendTime)));
        Assert.Equal("logappend", appended.RootElement.GetProperty("tstype").GetString());

        using var none = JsonDocument.Parse(Render(TestRecords.Record(timestampType: TimestampType.NotAvailable, timestamp: 0)));
        Assert.False(none.RootElement.TryGetProperty("tstype", out _));
        Assert.False(none.RootElement.TryGetProperty("ts", out _));
    }

    [Fact]
    public void Text_is_escaped_as_json_but_unicode_stays_readable()
    {
        var line = Render(TestRecords.Record(key: "ключ", value: "line1\n\"quoted\"\t✓"));

        Assert.Contains("\"key\":\"ключ\"", line);
        Assert.Contains("\"payload\":\"line1\\n\\\"quoted\\\"\\t✓\"", line);
        using var parsed = JsonDocument.Parse(line);
        Assert.Equal("line1\n\"quoted\"\t✓", parsed.RootElement.GetProperty("payload").GetString());
    }

    [Fact]
    public void The_formatter_is_reusable_across_records()
    {
        using var formatter = new KcatJsonFormatter();
        var text = TestRecords.Render(formatter, TestRecords.Record(offset: 1), TestRecords.Record(offset: 2));

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(2, JsonDocument.Parse(lines[1]).RootElement.GetProperty("offset").GetInt64());
    }
}
