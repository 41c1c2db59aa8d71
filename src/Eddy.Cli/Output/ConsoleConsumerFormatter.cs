using System.Globalization;
using Confluent.Kafka;

namespace Eddy.Cli.Output;

/// <summary>What kafka-console-consumer's DefaultMessageFormatter prints, from its print.* and separator properties.</summary>
public sealed record ConsoleConsumerFormatOptions
{
    public bool PrintTimestamp { get; init; }

    public bool PrintPartition { get; init; }

    public bool PrintOffset { get; init; }

    public bool PrintHeaders { get; init; }

    public bool PrintKey { get; init; }

    public bool PrintValue { get; init; } = true;

    /// <summary>key.separator: between columns (default a tab).</summary>
    public string KeySeparator { get; init; } = "\t";

    public string LineSeparator { get; init; } = "\n";

    public string HeadersSeparator { get; init; } = ",";

    public string NullLiteral { get; init; } = "null";
}

/// <summary>
/// kafka-console-consumer's output: [CreateTime:ts] [Partition:p] [Offset:o] [h:v,...] [key] value, each column
/// followed by key.separator and the last by line.separator, in the same order and spelling as Kafka's formatter.
/// </summary>
public sealed class ConsoleConsumerFormatter : IRecordFormatter
{
    private readonly ConsoleConsumerFormatOptions _options;

    public ConsoleConsumerFormatter(ConsoleConsumerFormatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    public void Write(ConsumeResult<byte[], byte[]> record, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(output);
        var o = _options;
        var message = record.Message;
        if (o.PrintTimestamp)
        {
            output.Write(message.Timestamp.Type switch
            {
                TimestampType.CreateTime => "CreateTime:" + message.Timestamp.UnixTimestampMs.ToString(CultureInfo.InvariantCulture),
                TimestampType.LogAppendTime => "LogAppendTime:" + message.Timestamp.UnixTimestampMs.ToString(CultureInfo.InvariantCulture),
                _ => "NO_TIMESTAMP",
            });
            Separator(output, o.PrintPartition || o.PrintOffset || o.PrintHeaders || o.PrintKey || o.PrintValue);
        }
        if (o.PrintPartition)
        {
            output.Write("Partition:");
            output.Write(record.Partition.Value.ToString(CultureInfo.InvariantCulture));
            Separator(output, o.PrintOffset || o.PrintHeaders || o.PrintKey || o.PrintValue);
        }
        if (o.PrintOffset)
        {
            output.Write("Offset:");
            output.Write(record.Offset.Value.ToString(CultureInfo.InvariantCulture));
            Separator(output, o.PrintHeaders || o.PrintKey || o.PrintValue);
        }
        if (o.PrintHeaders)
        {
            WriteHeaders(message.Headers, output);
            Separator(output, o.PrintKey || o.PrintValue);
        }
        if (o.PrintKey)
        {
            output.Write(RecordText.Decode(message.Key) ?? o.NullLiteral);
            Separator(output, o.PrintValue);
        }
        if (o.PrintValue)
        {
            output.Write(RecordText.Decode(message.Value) ?? o.NullLiteral);
            output.Write(o.LineSeparator);
        }
    }

    private void WriteHeaders(Headers? headers, TextWriter output)
    {
        if (headers is null || headers.Count == 0)
        {
            output.Write("NO_HEADERS");
            return;
        }
        for (var i = 0; i < headers.Count; i++)
        {
            if (i > 0)
            {
                output.Write(_options.HeadersSeparator);
            }
            output.Write(headers[i].Key);
            output.Write(':');
            output.Write(RecordText.Decode(headers[i].GetValueBytes()) ?? _options.NullLiteral);
        }
    }

    private void Separator(TextWriter output, bool column) => output.Write(column ? _options.KeySeparator : _options.LineSeparator);
}
