using System.Buffers;
using Eddy.Engine;
using Eddy.Engine.Records;
using Eddy.Sql.Formats;
using Eddy.Sql.Types;

namespace Eddy.Sql.Connectors;

/// <summary>
/// A table's key or value in Kafka: the engine's serde over a format's deserializer and serializer. A message that
/// does not decode throws the format's <see cref="FormatParseException"/> (naming the field), which the engine's
/// bad-input policy sends to the dead-letter topic with that reason; a message the format skips (<c>json.ignore-parse-errors</c>)
/// deserializes to null, which the source drops, and is counted in <see cref="Skipped"/>.
/// </summary>
/// <remarks>
/// A job's serdes are shared by the worker's stream threads while a format's deserializer is not thread-safe, so each
/// thread gets its own deserializer, serializer and buffers (created on first use, then reused: no per-record
/// allocation beyond the row and the message bytes). A sink's serde may write only some columns of the rows it is
/// given (<c>value.fields-include</c> = EXCEPT_KEY, the key columns): <paramref name="writeFields"/>.
/// </remarks>
/// <param name="format">The format.</param>
/// <param name="rowType">The ROW type the format reads and writes.</param>
/// <param name="writeFields">For a sink: the positions, in the rows given to <see cref="Serialize(Row)"/>, of <paramref name="rowType"/>'s fields; null when the rows are of <paramref name="rowType"/>.</param>
/// <param name="skipIsError">A message the format skips is bad input rather than no row (an upsert table cannot skip a key's change).</param>
#pragma warning disable CA1001 // the serde lives as long as its job's plan; the ThreadLocal's values are collected with it
internal sealed class FormatRowSerde(RowFormat format, SqlType rowType, IReadOnlyList<int>? writeFields = null, bool skipIsError = false) : ISerde<Row>
{
    private readonly ThreadLocal<Codec> _codecs = new(() => new Codec(format, rowType));
    private readonly int[]? _writeFields = writeFields is null ? null : [.. writeFields];
    private readonly SqlType[] _types = [.. rowType.Fields.Select(f => f.Type)];
    private long _skipped;

    /// <summary>The ROW type read and written.</summary>
    public SqlType RowType => rowType;

    /// <summary>Messages the format skipped (ignored parse errors) since the serde was created.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <inheritdoc/>
    public byte[] Serialize(Row value)
    {
        var codec = _codecs.Value!;
        codec.Output.ResetWrittenCount();
        // A null message (a raw column that is NULL) is a null key or a tombstone, as Flink writes it.
        return Write(codec, value, codec.Output) ? codec.Output.WrittenSpan.ToArray() : null!;
    }

    /// <inheritdoc/>
    public void Serialize(Row value, IBufferWriter<byte> into) => Write(_codecs.Value!, value, into);

    private bool Write(Codec codec, Row value, IBufferWriter<byte> into)
    {
        ArgumentNullException.ThrowIfNull(value);
        var row = value;
        if (_writeFields is { } fields)
        {
            row = codec.Projected ??= new Row(fields.Length);
            for (var i = 0; i < fields.Length; i++)
                RowColumns.Copy(value, fields[i], row, i, _types[i]);
        }
        return codec.Serializer.Serialize(RowKind.Insert, row, into);
    }

    /// <inheritdoc/>
    public Row Deserialize(ReadOnlySpan<byte> data)
    {
        var codec = _codecs.Value!;
        codec.Rows.Clear();
        codec.Deserializer.Deserialize(data, codec.Rows);
        if (codec.Rows.Count == 0)
        {
            if (skipIsError)
                throw new FormatParseException($"The '{format.Identifier}' format skipped the message (its parse errors are ignored), which a keyed upsert table cannot skip.");
            Interlocked.Increment(ref _skipped);
            return null!;
        }
        return codec.Rows.Rows[0].Row;
    }

    /// <summary>One thread's deserializer, serializer and buffers.</summary>
    private sealed class Codec(RowFormat format, SqlType rowType)
    {
        public IRowDeserializer Deserializer { get; } = format.CreateDeserializer(rowType);

        public IRowSerializer Serializer { get; } = format.CreateSerializer(rowType);

        public RowBuffer Rows { get; } = new();

        public ArrayBufferWriter<byte> Output { get; } = new();

        public Row? Projected { get; set; }
    }
}
#pragma warning restore CA1001

/// <summary>Copies one column of a row into another without boxing slot values.</summary>
internal static class RowColumns
{
    /// <summary>Copies column <paramref name="from"/> of <paramref name="source"/> (of <paramref name="type"/>) into column <paramref name="to"/> of <paramref name="target"/>.</summary>
    public static void Copy(Row source, int from, Row target, int to, SqlType type)
    {
        if (source.IsNull(from))
            target.SetNull(to);
        else if (type.IsPrimitive)
            target.SetRaw(to, source.GetRaw(from));
        else
            target.SetValue(to, type, source.GetObject(from));
    }
}
