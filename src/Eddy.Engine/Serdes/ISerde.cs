namespace Eddy.Engine;

/// <summary>
/// Turns a value into bytes and back: used for topics (sources, sinks, repartition topics) and for state, so that
/// the same bytes land in Kafka, in RocksDB and in the changelog.
/// </summary>
public interface ISerde<T>
{
    byte[] Serialize(T value);

    T Deserialize(ReadOnlySpan<byte> data);
}
