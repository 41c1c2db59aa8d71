using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Eddy.Avro;

/// <summary>
/// Reads values written with one schema (the writer's) as values of another (the reader's), with Avro's schema
/// resolution. The plan is computed once per (writer, reader) pair of schema instances and cached, so
/// <see cref="For(AvroSchema, AvroSchema)"/> is cheap to call per message.
/// </summary>
public sealed class AvroDatumReader
{
    private static readonly ConditionalWeakTable<AvroSchema, ConcurrentDictionary<AvroSchema, AvroDatumReader>> Cache = [];

    private readonly ValueDecoder _decoder;

    private AvroDatumReader(AvroSchema writer, AvroSchema reader)
    {
        WriterSchema = writer;
        ReaderSchema = reader;
        _decoder = DecoderBuilder.Build(writer, reader);
    }

    public AvroSchema WriterSchema { get; }

    public AvroSchema ReaderSchema { get; }

    /// <summary>A reader for data written and read with the same schema.</summary>
    public static AvroDatumReader For(AvroSchema schema) => For(schema, schema);

    /// <summary>A reader for data written with <paramref name="writer"/>, producing values shaped by <paramref name="reader"/>.</summary>
    public static AvroDatumReader For(AvroSchema writer, AvroSchema reader)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(reader);
        var byReader = Cache.GetValue(writer, static _ => new ConcurrentDictionary<AvroSchema, AvroDatumReader>(ReferenceEqualityComparer.Instance));
        return byReader.TryGetValue(reader, out var cached)
            ? cached
            : byReader.GetOrAdd(reader, static (r, w) => new AvroDatumReader(w, r), writer);
    }

    /// <summary>Reads one value; the reader is left just after it.</summary>
    public object? Read(ref AvroBinaryReader reader) => _decoder.Read(ref reader);

    /// <summary>Reads one value from the start of <paramref name="data"/>.</summary>
    public object? Read(ReadOnlySpan<byte> data)
    {
        var reader = new AvroBinaryReader(data);
        return _decoder.Read(ref reader);
    }

    public object? Read(in ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment)
        {
            return Read(data.FirstSpan);
        }

        // Values never point into the input (strings and bytes are copied), so a pooled buffer can go back at once.
        var length = checked((int)data.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            data.CopyTo(buffer);
            return Read(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
