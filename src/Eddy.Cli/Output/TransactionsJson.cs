using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Eddy.Cli.Output;

/// <summary>
/// <c>eddy transactions ... --output json</c>: one document per command, with the text tables' values as numbers
/// and null where the text prints "None".
/// <list type="bullet">
/// <item>list: <c>{"transactions":[{"transactionalId","coordinator","producerId","state"}]}</c></item>
/// <item>describe: <c>{"coordinatorId","transactionalId","producerId","producerEpoch","state","transactionTimeoutMs",
/// "transactionStartTimeMs","transactionDurationMs","topicPartitions":[{"topic","partition"}]}</c></item>
/// <item>describe-producers: <c>{"topic","partition","producers":[{"producerId","producerEpoch","coordinatorEpoch",
/// "lastSequence","lastTimestamp","currentTransactionStartOffset"}]}</c></item>
/// <item>find-hanging: <c>{"hangingTransactions":[{"topic","partition","producerId","producerEpoch","coordinatorEpoch",
/// "startOffset","lastTimestamp","durationMinutes"}]}</c></item>
/// </list>
/// </summary>
public static class TransactionsJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteList(IEnumerable<TransactionListing> listings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(listings);
        Write(output, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("transactions");
            foreach (var listing in TransactionsText.Sorted(listings))
            {
                writer.WriteStartObject();
                writer.WriteString("transactionalId", listing.TransactionalId);
                writer.WriteNumber("coordinator", listing.Coordinator);
                writer.WriteNumber("producerId", listing.ProducerId);
                writer.WriteString("state", listing.State);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    public static void WriteDescription(TransactionDescription description, long nowMs, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(description);
        var open = description.StartTimeMs >= 0;
        Write(output, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("coordinatorId", description.CoordinatorId);
            writer.WriteString("transactionalId", description.TransactionalId);
            writer.WriteNumber("producerId", description.ProducerId);
            writer.WriteNumber("producerEpoch", description.ProducerEpoch);
            writer.WriteString("state", description.State);
            writer.WriteNumber("transactionTimeoutMs", description.TimeoutMs);
            WriteNumber(writer, "transactionStartTimeMs", open ? description.StartTimeMs : null);
            WriteNumber(writer, "transactionDurationMs", open ? nowMs - description.StartTimeMs : null);
            writer.WriteStartArray("topicPartitions");
            foreach (var partition in description.Partitions)
            {
                WritePartition(writer, partition);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    public static void WriteProducers(TopicPartitionKey partition, IEnumerable<ProducerStateInfo> producers, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(producers);
        Write(output, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("topic", partition.Topic);
            writer.WriteNumber("partition", partition.Partition);
            writer.WriteStartArray("producers");
            foreach (var p in producers.OrderBy(p => p.ProducerId))
            {
                writer.WriteStartObject();
                writer.WriteNumber("producerId", p.ProducerId);
                writer.WriteNumber("producerEpoch", p.ProducerEpoch);
                writer.WriteNumber("coordinatorEpoch", p.CoordinatorEpoch);
                writer.WriteNumber("lastSequence", p.LastSequence);
                writer.WriteNumber("lastTimestamp", p.LastTimestamp);
                WriteNumber(writer, "currentTransactionStartOffset", p.CurrentTransactionStartOffset >= 0 ? p.CurrentTransactionStartOffset : null);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    public static void WriteHanging(IEnumerable<OpenTransaction> hanging, long nowMs, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(hanging);
        Write(output, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("hangingTransactions");
            foreach (var t in hanging)
            {
                writer.WriteStartObject();
                writer.WriteString("topic", t.Partition.Topic);
                writer.WriteNumber("partition", t.Partition.Partition);
                writer.WriteNumber("producerId", t.Producer.ProducerId);
                writer.WriteNumber("producerEpoch", t.Producer.ProducerEpoch);
                writer.WriteNumber("coordinatorEpoch", t.Producer.CoordinatorEpoch);
                writer.WriteNumber("startOffset", t.Producer.CurrentTransactionStartOffset);
                writer.WriteNumber("lastTimestamp", t.Producer.LastTimestamp);
                writer.WriteNumber("durationMinutes", HangingTransactions.DurationMinutes(t, nowMs));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static void WritePartition(Utf8JsonWriter writer, TopicPartitionKey partition)
    {
        writer.WriteStartObject();
        writer.WriteString("topic", partition.Topic);
        writer.WriteNumber("partition", partition.Partition);
        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            write(writer);
        }
        output.Write(Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
        output.Write('\n');
    }
}
