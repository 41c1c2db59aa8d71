using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Confluent.Kafka;

namespace Eddy.Cli.Output;

/// <summary>
/// One JSON object per record and line, shaped like kcat -J:
/// <c>{"topic":..,"partition":..,"offset":..,"tstype":"create","ts":..,"headers":["name","value",..],"key":..,"payload":..}</c>.
/// As in kcat, tstype/ts are left out when the record has no timestamp and headers when it has none; a null key or
/// payload is JSON null.
/// </summary>
public sealed class KcatJsonFormatter : IRecordFormatter, IDisposable
{
    // Relaxed escaping keeps non-ASCII text readable; the output is a data stream, never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public KcatJsonFormatter()
    {
        _writer = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    public void Write(ConsumeResult<byte[], byte[]> record, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(output);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var message = record.Message;

        _writer.WriteStartObject();
        _writer.WriteString("topic", record.Topic);
        _writer.WriteNumber("partition", record.Partition.Value);
        _writer.WriteNumber("offset", record.Offset.Value);
        if (message.Timestamp.Type != TimestampType.NotAvailable)
        {
            _writer.WriteString("tstype", message.Timestamp.Type == TimestampType.CreateTime ? "create" : "logappend");
            _writer.WriteNumber("ts", message.Timestamp.UnixTimestampMs);
        }
        if (message.Headers is { Count: > 0 } headers)
        {
            _writer.WriteStartArray("headers");
            foreach (var header in headers)
            {
                _writer.WriteStringValue(header.Key);
                WriteText(RecordText.Decode(header.GetValueBytes()));
            }
            _writer.WriteEndArray();
        }
        _writer.WritePropertyName("key");
        WriteText(RecordText.Decode(message.Key));
        _writer.WritePropertyName("payload");
        WriteText(RecordText.Decode(message.Value));
        _writer.WriteEndObject();
        _writer.Flush();

        output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        output.Write('\n');
    }

    public void Dispose() => _writer.Dispose();

    private void WriteText(string? text)
    {
        if (text is null)
        {
            _writer.WriteNullValue();
        }
        else
        {
            _writer.WriteStringValue(text);
        }
    }
}
