namespace Eddy.Engine;

/// <summary>
/// A record as a source read it: where it came from (topic, partition, offset), its Kafka timestamp and its bytes,
/// for a source that reads more than the key and the value (SQL's metadata columns).
/// </summary>
/// <param name="Topic">The topic read.</param>
/// <param name="Partition">The partition read.</param>
/// <param name="Offset">The record's offset in its partition (-1 when unknown).</param>
/// <param name="Timestamp">The record's Kafka timestamp, ms since the epoch.</param>
/// <param name="Key">The key's bytes, or null.</param>
/// <param name="Value">The value's bytes, or null (a tombstone).</param>
public readonly record struct ConsumedRecord(string Topic, int Partition, long Offset, long Timestamp, byte[]? Key, byte[]? Value);

/// <summary>
/// Reads a consumed record into the source's key and value. Throwing marks the record as bad input (the job's
/// <see cref="BadInputPolicy"/> applies), as a serde's failure does.
/// </summary>
public delegate void RecordReader<TKey, TValue>(in ConsumedRecord record, out TKey key, out TValue value);
