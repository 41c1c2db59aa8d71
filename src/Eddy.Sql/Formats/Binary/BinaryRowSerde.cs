using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Eddy.Engine;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Binary;

/// <summary>
/// The engine's compact encoding of rows of known column types, for state (RocksDB) and repartition topics: a null
/// bitmap, then each non-null column: integers, dates, times, timestamps and intervals as zigzag varints (lengths and counts as plain varints), FLOAT and
/// DOUBLE as their 4 or 8 bytes, strings and bytes length-prefixed, DECIMAL as its 16 bytes, ARRAY, MAP and MULTISET
/// as a count and their entries, ROW as a nested row. Primitive columns are written from the row's slots, unboxed.
/// Thread-safe: a job's topology, and so its serdes, is shared by the worker's stream threads, so the scratch buffer
/// <see cref="Serialize(Row)"/> reuses is one per thread.
/// </summary>
internal sealed class BinaryRowSerde : ISerde<Row>
{
    private readonly SqlType[] _types;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    /// <summary>A serde for rows of <paramref name="columnTypes"/>.</summary>
    public BinaryRowSerde(IReadOnlyList<SqlType> columnTypes)
    {
        ArgumentNullException.ThrowIfNull(columnTypes);
        _types = [.. columnTypes];
        foreach (var type in _types)
            Check(type);
    }

    private static void Check(SqlType type)
    {
        if (type.Kind == SqlTypeKind.Null)
            throw new FormatValidationException($"Unsupported type: {type}");
        if (type.ElementType is { } element)
            Check(element);
        if (type.ValueType is { } value)
            Check(value);
        foreach (var field in type.Fields)
            Check(field.Type);
    }

    /// <inheritdoc/>
    public byte[] Serialize(Row value)
    {
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(256);
        scratch.ResetWrittenCount();
        Serialize(value, scratch);
        return scratch.WrittenSpan.ToArray();
    }

    /// <inheritdoc/>
    public void Serialize(Row value, IBufferWriter<byte> into)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(into);
        if (value.Arity != _types.Length)
            throw new ArgumentException($"A row of {value.Arity} columns for a serde of {_types.Length}.", nameof(value));
        WriteRow(into, value, _types);
    }

    /// <inheritdoc/>
    public Row Deserialize(ReadOnlySpan<byte> data)
    {
        var position = 0;
        return ReadAt(data, ref position);
    }

    /// <summary>
    /// Reads a row written among other bytes (an accumulator's state holds keys and values side by side), moving
    /// <paramref name="position"/> past it.
    /// </summary>
    public Row ReadAt(ReadOnlySpan<byte> data, ref int position)
    {
        try
        {
            return ReadRow(data, ref position, _types);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or InvalidDataException or DecoderFallbackException)
        {
            throw new FormatParseException($"The binary row is corrupt at byte {position} of {data.Length}.", e);
        }
    }

    private static void WriteRow(IBufferWriter<byte> into, Row row, SqlType[] types)
    {
        var bitmapLength = (types.Length + 7) >> 3;
        var bitmap = into.GetSpan(bitmapLength)[..bitmapLength];
        bitmap.Clear();
        for (var i = 0; i < types.Length; i++)
        {
            if (row.IsNull(i))
                bitmap[i >> 3] |= (byte)(1 << (i & 7));
        }
        into.Advance(bitmapLength);
        for (var i = 0; i < types.Length; i++)
        {
            if (row.IsNull(i))
                continue;
            var type = types[i];
            if (type.IsPrimitive)
                WritePrimitive(into, type.Kind, row.GetRaw(i));
            else
                WriteObject(into, type, row.GetObject(i)!);
        }
    }

    private static void WritePrimitive(IBufferWriter<byte> into, SqlTypeKind kind, long bits)
    {
        switch (kind)
        {
            case SqlTypeKind.Boolean:
                into.GetSpan(1)[0] = (byte)bits;
                into.Advance(1);
                break;
            case SqlTypeKind.Float:
                BinaryPrimitives.WriteInt32LittleEndian(into.GetSpan(4), (int)bits);
                into.Advance(4);
                break;
            case SqlTypeKind.Double:
                BinaryPrimitives.WriteInt64LittleEndian(into.GetSpan(8), bits);
                into.Advance(8);
                break;
            default:
                WriteVarLong(into, bits);
                break;
        }
    }

    private static void WriteObject(IBufferWriter<byte> into, SqlType type, object value)
    {
        switch (type.Kind)
        {
            case SqlTypeKind.Char or SqlTypeKind.VarChar:
                {
                    var text = (string)value;
                    var span = into.GetSpan(10 + Encoding.UTF8.GetMaxByteCount(text.Length));
                    var length = Encoding.UTF8.GetBytes(text, span[10..]);
                    // The length goes before the bytes: encode it into the space left for it, then move the bytes up.
                    var prefix = VarLongLength((ulong)length);
                    WriteVarULong(span, (ulong)length);
                    span.Slice(10, length).CopyTo(span[prefix..]);
                    into.Advance(prefix + length);
                    break;
                }
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary:
                {
                    var bytes = (byte[])value;
                    WriteLength(into, bytes.Length);
                    into.Write(bytes);
                    break;
                }
            case SqlTypeKind.Decimal:
                decimal.GetBits((decimal)value, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(into.GetSpan(16)[..16]));
                into.Advance(16);
                break;
            case SqlTypeKind.Array:
                {
                    var array = (object?[])value;
                    WriteLength(into, array.Length);
                    foreach (var element in array)
                        WriteBoxed(into, type.ElementType!, element);
                    break;
                }
            case SqlTypeKind.Map or SqlTypeKind.Multiset:
                {
                    var map = (Dictionary<object, object?>)value;
                    WriteLength(into, map.Count);
                    var valueType = type.Kind == SqlTypeKind.Map ? type.ValueType! : SqlType.Int;
                    foreach (var (key, entry) in map)
                    {
                        WriteBoxed(into, type.ElementType!, key);
                        WriteBoxed(into, valueType, entry);
                    }
                    break;
                }
            case SqlTypeKind.Row:
                {
                    WriteRow(into, (Row)value, FieldTypes(type));
                    break;
                }
            default:
                throw new InvalidOperationException($"{type} is primitive.");
        }
    }

    // A nested ROW's field types, computed once per type rather than per value.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SqlType, SqlType[]> NestedFieldTypes = [];

    private static SqlType[] FieldTypes(SqlType rowType) =>
        NestedFieldTypes.GetValue(rowType, static type =>
        {
            var types = new SqlType[type.Fields.Length];
            for (var i = 0; i < types.Length; i++)
                types[i] = type.Fields[i].Type;
            return types;
        });

    private static void WriteBoxed(IBufferWriter<byte> into, SqlType type, object? value)
    {
        into.GetSpan(1)[0] = value is null ? (byte)0 : (byte)1;
        into.Advance(1);
        if (value is null)
            return;
        if (type.IsPrimitive)
            WritePrimitive(into, type.Kind, Slots.Unbox(type.Kind, value));
        else
            WriteObject(into, type, value);
    }

    private static void WriteVarLong(IBufferWriter<byte> into, long value)
    {
        var span = into.GetSpan(10);
        into.Advance(WriteVarULong(span, (ulong)((value << 1) ^ (value >> 63))));
    }

    private static void WriteLength(IBufferWriter<byte> into, int length)
    {
        var span = into.GetSpan(5);
        into.Advance(WriteVarULong(span, (ulong)length));
    }

    private static int WriteVarULong(Span<byte> into, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            into[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        into[i++] = (byte)value;
        return i;
    }

    private static int VarLongLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }

    private static Row ReadRow(ReadOnlySpan<byte> data, ref int position, SqlType[] types)
    {
        var row = new Row(types.Length);
        var bitmapLength = (types.Length + 7) >> 3;
        var bitmap = data.Slice(position, bitmapLength);
        position += bitmapLength;
        for (var i = 0; i < types.Length; i++)
        {
            if ((bitmap[i >> 3] & (1 << (i & 7))) != 0)
                continue;
            var type = types[i];
            if (type.IsPrimitive)
                row.SetRaw(i, ReadPrimitive(data, ref position, type.Kind));
            else
                row.SetValue(i, type, ReadObject(data, ref position, type));
        }
        return row;
    }

    private static long ReadPrimitive(ReadOnlySpan<byte> data, ref int position, SqlTypeKind kind)
    {
        switch (kind)
        {
            case SqlTypeKind.Boolean:
                return data[position++];
            case SqlTypeKind.Float:
                {
                    var value = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(position, 4));
                    position += 4;
                    return value;
                }
            case SqlTypeKind.Double:
                {
                    var value = BinaryPrimitives.ReadInt64LittleEndian(data.Slice(position, 8));
                    position += 8;
                    return value;
                }
            default:
                return ReadVarLong(data, ref position);
        }
    }

    private static object ReadObject(ReadOnlySpan<byte> data, ref int position, SqlType type)
    {
        switch (type.Kind)
        {
            case SqlTypeKind.Char or SqlTypeKind.VarChar:
                {
                    var length = Length(data, ref position);
                    var text = Encoding.UTF8.GetString(data.Slice(position, length));
                    position += length;
                    return text;
                }
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary:
                {
                    var length = Length(data, ref position);
                    var bytes = data.Slice(position, length).ToArray();
                    position += length;
                    return bytes;
                }
            case SqlTypeKind.Decimal:
                {
                    var value = new decimal(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(data.Slice(position, 16)));
                    position += 16;
                    return value;
                }
            case SqlTypeKind.Array:
                {
                    var array = new object?[Length(data, ref position)];
                    for (var i = 0; i < array.Length; i++)
                        array[i] = ReadBoxed(data, ref position, type.ElementType!);
                    return array;
                }
            case SqlTypeKind.Map or SqlTypeKind.Multiset:
                {
                    var count = Length(data, ref position);
                    var map = new Dictionary<object, object?>(count);
                    var valueType = type.Kind == SqlTypeKind.Map ? type.ValueType! : SqlType.Int;
                    for (var i = 0; i < count; i++)
                    {
                        var key = ReadBoxed(data, ref position, type.ElementType!) ?? throw new InvalidDataException("A map key is NULL.");
                        map[key] = ReadBoxed(data, ref position, valueType);
                    }
                    return map;
                }
            case SqlTypeKind.Row:
                return ReadRow(data, ref position, FieldTypes(type));
            default:
                throw new InvalidOperationException($"{type} is primitive.");
        }
    }

    private static object? ReadBoxed(ReadOnlySpan<byte> data, ref int position, SqlType type)
    {
        if (data[position++] == 0)
            return null;
        return type.IsPrimitive ? Slots.Box(type.Kind, ReadPrimitive(data, ref position, type.Kind)) : ReadObject(data, ref position, type);
    }

    private static int Length(ReadOnlySpan<byte> data, ref int position)
    {
        var length = ReadVarULong(data, ref position);
        return length <= (ulong)(data.Length - position) ? (int)length : throw new InvalidDataException($"A length of {length} runs past the data.");
    }

    private static long ReadVarLong(ReadOnlySpan<byte> data, ref int position)
    {
        var value = ReadVarULong(data, ref position);
        return (long)(value >> 1) ^ -(long)(value & 1);
    }

    private static ulong ReadVarULong(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        var shift = 0;
        while (true)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                break;
            shift += 7;
            if (shift > 63)
                throw new InvalidDataException("A varint is longer than 10 bytes.");
        }
        return value;
    }
}
