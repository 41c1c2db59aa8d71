using System.Buffers;

namespace Eddy.Engine;

/// <summary>
/// Turns a value into bytes and back: used for topics (sources, sinks, repartition topics) and for state, so that
/// the same bytes land in Kafka, in RocksDB and in the changelog.
/// </summary>
public interface ISerde<T>
{
    byte[] Serialize(T value);

    /// <summary>
    /// Appends the bytes to <paramref name="into"/>: the hot path (state keys, accumulators) reuses one buffer per
    /// operator instead of allocating an array per record. Override it when the bytes can be written in place.
    /// </summary>
    void Serialize(T value, IBufferWriter<byte> into) => into.Write(Serialize(value));

    T Deserialize(ReadOnlySpan<byte> data);
}
