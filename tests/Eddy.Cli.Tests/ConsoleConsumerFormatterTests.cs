using Confluent.Kafka;
using Eddy.Cli.Output;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class ConsoleConsumerFormatterTests
{
    private static string Render(ConsoleConsumerFormatOptions options, ConsumeResult<byte[], byte[]> record) =>
        TestRecords.Render(new ConsoleConsumerFormatter(options), record);

    [Fact]
    public void Value_only_by_default()
    {
        Assert.Equal("v1\n", Render(new ConsoleConsumerFormatOptions(), TestRecords.Record()));
    }

    [Fact]
    public void All_columns_in_kafka_order_and_spelling()
    {
        var options = new ConsoleConsumerFormatOptions { PrintTimestamp = true, PrintPartition = true, PrintOffset = true, PrintHeaders = true, PrintKey = true };
        var record = TestRecords.Record(headers: [("a", "1"), ("b", null)]);

        Assert.Equal("CreateTime:1700000000123\tPartition:2\tOffset:42\ta:1,b:null\tk1\tv1\n", Render(options, record));
    }

    [Fact]
    public void Null_key_and_value_print_the_null_literal()
    {
        var options = new ConsoleConsumerFormatOptions { PrintKey = true };

        Assert.Equal("null\tnull\n", Render(options, TestRecords.Record(key: null, value: null)));
    }

    [Fact]
    public void Custom_separator_no_headers_and_timestamp_types()
    {
        var options = new ConsoleConsumerFormatOptions { PrintTimestamp = true, PrintHeaders = true, PrintKey = true, KeySeparator = " | " };

        Assert.Equal("LogAppendTime:5 | NO_HEADERS | k1 | v1\n", Render(options, TestRecords.Record(timestamp: 5, timestampType: TimestampType.LogAppendTime)));
        Assert.Equal("NO_TIMESTAMP | NO_HEADERS | k1 | v1\n", Render(options, TestRecords.Record(timestampType: TimestampType.NotAvailable)));
    }
}
