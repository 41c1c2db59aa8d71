using System.Text;
using Confluent.Kafka;

namespace Eddy.Cli.Tests;

/// <summary>Builds consumed records for the formatter tests.</summary>
internal static class TestRecords
{
    public static ConsumeResult<byte[], byte[]> Record(
        string? key = "k1",
        string? value = "v1",
        string topic = "orders",
        int partition = 2,
        long offset = 42,
        long timestamp = 1_700_000_000_123,
        TimestampType timestampType = TimestampType.CreateTime,
        params (string Key, string? Value)[] headers)
    {
        Headers? recordHeaders = null;
        if (headers.Length > 0)
        {
            recordHeaders = [];
            foreach (var (k, v) in headers)
            {
                recordHeaders.Add(k, v is null ? null : Encoding.UTF8.GetBytes(v));
            }
        }
        return new ConsumeResult<byte[], byte[]>
        {
            Topic = topic,
            Partition = new Partition(partition),
            Offset = new Offset(offset),
            Message = new Message<byte[], byte[]>
            {
                Key = key is null ? null! : Encoding.UTF8.GetBytes(key),
                Value = value is null ? null! : Encoding.UTF8.GetBytes(value),
                Timestamp = new Timestamp(timestamp, timestampType),
                Headers = recordHeaders,
            },
        };
    }

    public static string Render(Output.IRecordFormatter formatter, params ConsumeResult<byte[], byte[]>[] records)
    {
        var output = new StringWriter();
        foreach (var record in records)
        {
            formatter.Write(record, output);
        }
        return output.ToString();
    }
}
