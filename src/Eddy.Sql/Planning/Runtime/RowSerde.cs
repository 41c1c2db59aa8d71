using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Eddy.Engine;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Runtime;

/// <summary>
/// STAND-IN until the formats branch's binary <c>ISerde&lt;Row&gt;</c> merges: the smallest row serde the planner's
/// translation needs for topics, repartition topics and state. Layout: the null bits (one per column, little-endian
/// bytes), then each non-NULL column: primitives as their 8-byte raw slot, DECIMAL as its four 32-bit words, strings
/// as a 4-byte length and UTF-8, bytes as a 4-byte length and the bytes, ROW nested. ARRAY, MAP and MULTISET are not
/// supported here (refused when the serde is made).
/// </summary>
internal sealed class RowSerde : ISerde<Row>
{
    private readonly SqlType[] _types;
    private readonly RowSerde?[] _nested;

    public RowSerde(IReadOnlyList<SqlType> types)
    {
        _types = [.. types];
        _nested = new RowSerde?[_types.Length];
        for (var i = 0; i < _types.Length; i++)
        {
            var type = _types[i];
            if (type.Kind is SqlTypeKind.Array or SqlTypeKind.Map or SqlTypeKind.Multiset)
                throw new PlanningException($"The planner's stand-in row serde cannot store {type} columns yet.");
            if (type.Kind == SqlTypeKind.Row)
                _nested[i] = new RowSerde([.. type.Fields.Select(f => f.Type)]);
        }
    }

    public byte[] Serialize(Row value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public void Serialize(Row value, IBufferWriter<byte> into)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Arity != _types.Length)
            throw new ArgumentException($"A row of {value.Arity} columns for a serde of {_types.Length}.", nameof(value));
        var nullBytes = (_types.Length + 7) / 8;
        var bits = into.GetSpan(nullBytes)[..nullBytes];
        bits.Clear();
        for (var i = 0; i < _types.Length; i++)
        {
            if (value.IsNull(i))
                bits[i >> 3] |= (byte)(1 << (i & 7));
        }
        into.Advance(nullBytes);
        for (var i = 0; i < _types.Length; i++)
        {
            if (!value.IsNull(i))
                WriteColumn(value, i, into);
        }
    }

    private void WriteColumn(Row value, int i, IBufferWriter<byte> into)
    {
        var type = _types[i];
        if (type.IsPrimitive)
        {
            BinaryPrimitives.WriteInt64LittleEndian(into.GetSpan(8), value.GetRaw(i));
            into.Advance(8);
            return;
        }
        switch (type.Kind)
        {
            case SqlTypeKind.Decimal:
                var span = into.GetSpan(16);
                Span<int> words = stackalloc int[4];
                decimal.GetBits(value.GetDecimal(i), words);
                for (var w = 0; w < 4; w++)
                    BinaryPrimitives.WriteInt32LittleEndian(span[(w * 4)..], words[w]);
                into.Advance(16);
                break;
            case SqlTypeKind.Char or SqlTypeKind.VarChar:
                var text = value.GetString(i)!;
                var length = Encoding.UTF8.GetByteCount(text);
                var target = into.GetSpan(4 + length);
                BinaryPrimitives.WriteInt32LittleEndian(target, length);
                Encoding.UTF8.GetBytes(text, target[4..]);
                into.Advance(4 + length);
                break;
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary:
                var bytes = value.GetBytes(i)!;
                var destination = into.GetSpan(4 + bytes.Length);
                BinaryPrimitives.WriteInt32LittleEndian(destination, bytes.Length);
                bytes.CopyTo(destination[4..]);
                into.Advance(4 + bytes.Length);
                break;
            case SqlTypeKind.Row:
                _nested[i]!.Serialize(value.GetRow(i)!, into);
                break;
            default:
                throw new PlanningException($"The planner's stand-in row serde cannot store {type} columns yet.");
        }
    }

    public Row Deserialize(ReadOnlySpan<byte> data)
    {
        var offset = 0;
        return Read(data, ref offset);
    }

    /// <summary>Reads a row written among other bytes (an accumulator's), moving <paramref name="offset"/> past it.</summary>
    public Row ReadAt(ReadOnlySpan<byte> data, ref int offset) => Read(data, ref offset);

    private Row Read(ReadOnlySpan<byte> data, ref int offset)
    {
        var row = new Row(_types.Length);
        var nullBytes = (_types.Length + 7) / 8;
        var bits = data.Slice(offset, nullBytes);
        offset += nullBytes;
        Span<int> words = stackalloc int[4];
        for (var i = 0; i < _types.Length; i++)
        {
            if ((bits[i >> 3] & (1 << (i & 7))) != 0)
                continue;
            var type = _types[i];
            if (type.IsPrimitive)
            {
                row.SetRaw(i, BinaryPrimitives.ReadInt64LittleEndian(data[offset..]));
                offset += 8;
                continue;
            }
            switch (type.Kind)
            {
                case SqlTypeKind.Decimal:
                    for (var w = 0; w < 4; w++)
                        words[w] = BinaryPrimitives.ReadInt32LittleEndian(data[(offset + (w * 4))..]);
                    row.SetDecimal(i, new decimal(words));
                    offset += 16;
                    break;
                case SqlTypeKind.Char or SqlTypeKind.VarChar:
                    var length = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
                    row.SetString(i, Encoding.UTF8.GetString(data.Slice(offset + 4, length)));
                    offset += 4 + length;
                    break;
                case SqlTypeKind.Binary or SqlTypeKind.VarBinary:
                    var size = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
                    row.SetBytes(i, data.Slice(offset + 4, size).ToArray());
                    offset += 4 + size;
                    break;
                case SqlTypeKind.Row:
                    row.SetRow(i, _nested[i]!.Read(data, ref offset));
                    break;
            }
        }
        return row;
    }
}

/// <summary>
/// STAND-IN for the key format of a source topic until the formats branch merges: the record key's raw bytes as a
/// one-column BYTES row (NULL for a record without key).
/// </summary>
internal sealed class RawKeySerde : ISerde<Row>
{
    public static RawKeySerde Instance { get; } = new();

    public byte[] Serialize(Row value) => value.GetBytes(0) ?? [];

    public Row Deserialize(ReadOnlySpan<byte> data)
    {
        var row = new Row(1);
        row.SetBytes(0, data.ToArray());
        return row;
    }
}
