using Confluent.Kafka;

namespace Eddy.Cli.Output;

/// <summary>Writes one consumed record to the output in some format (kcat template, console-consumer, JSON).</summary>
public interface IRecordFormatter
{
    void Write(ConsumeResult<byte[], byte[]> record, TextWriter output);
}
