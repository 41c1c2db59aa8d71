namespace Eddy.Protocol;

/// <summary>A record's header: a string key and an optional value.</summary>
public readonly record struct RecordHeader(string Key, ReadOnlyMemory<byte>? Value);

/// <summary>One record as written into or read from an uncompressed batch.</summary>
public sealed record Record(long Offset, long Timestamp, ReadOnlyMemory<byte>? Key, ReadOnlyMemory<byte>? Value, IReadOnlyList<RecordHeader> Headers)
{
    public static Record Create(long timestamp, ReadOnlyMemory<byte>? key, ReadOnlyMemory<byte>? value, params RecordHeader[] headers) =>
        new(0, timestamp, key, value, headers);
}
