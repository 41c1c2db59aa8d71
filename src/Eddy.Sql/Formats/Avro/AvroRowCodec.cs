using System.Numerics;
using Eddy.Avro;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Avro;

/// <summary>
/// Reads and writes the Avro binary encoding of one SQL type under the schema <see cref="AvroSchemaConverter"/>
/// derives for it (so no schema resolution: the writer's schema is the reader's), primitives straight to and from
/// the row's slots. <see cref="FromGeneric"/> converts a value of Eddy.Avro's generic model (decoded under another
/// writer schema and resolved to this one) into the same representation.
/// </summary>
internal sealed class AvroRowCodec
{
    private const int EpochDayNumber = 719162;
    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    private readonly SqlType _type;
    private readonly SqlTypeKind _kind;
    private readonly bool _legacy;
    private readonly AvroRowCodec? _element;
    private readonly AvroRowCodec? _value;
    private readonly AvroRowCodec[] _fields = [];
    private readonly List<object?>? _elements;
    private readonly byte[] _decimalBytes = new byte[32];

    public AvroRowCodec(SqlType type, bool legacyTimestampMapping)
    {
        _type = type;
        _kind = type.Kind;
        _legacy = legacyTimestampMapping;
        switch (_kind)
        {
            case SqlTypeKind.Array:
                _element = new AvroRowCodec(type.ElementType!, legacyTimestampMapping);
                _elements = [];
                break;
            case SqlTypeKind.Map:
                _value = new AvroRowCodec(type.ValueType!, legacyTimestampMapping);
                break;
            case SqlTypeKind.Multiset:
                _value = new AvroRowCodec(SqlType.Int.NotNull(), legacyTimestampMapping);
                break;
            case SqlTypeKind.Row:
                _fields = new AvroRowCodec[type.Fields.Length];
                for (var i = 0; i < _fields.Length; i++)
                    _fields[i] = new AvroRowCodec(type.Fields[i].Type, legacyTimestampMapping);
                break;
        }
    }

    // Microseconds for precisions above 3 where the mapping has them; milliseconds otherwise.
    private bool Micros => _type.Precision > 3 && !(_legacy && _kind == SqlTypeKind.Timestamp);

    /// <summary>Writes the fields of <paramref name="row"/> (this codec's type is a ROW).</summary>
    public void WriteRow(ref AvroBinaryWriter writer, Row row)
    {
        for (var i = 0; i < _fields.Length; i++)
        {
            var field = _fields[i];
            var isNull = row.IsNull(i);
            if (field._type.IsNullable)
                writer.WriteUnionIndex(isNull ? 0 : 1);
            else if (isNull)
                throw new FieldError($"a NULL in the NOT NULL column of type {field._type}.").InField(_type.Fields[i].Name);
            if (isNull)
                continue;
            if (field._type.IsPrimitive)
                field.WritePrimitive(ref writer, row.GetRaw(i));
            else
                field.WriteObject(ref writer, row.GetObject(i)!);
        }
    }

    private void WriteValue(ref AvroBinaryWriter writer, object? value)
    {
        if (_type.IsNullable)
            writer.WriteUnionIndex(value is null ? 0 : 1);
        else if (value is null)
            throw new FieldError($"a NULL in a NOT NULL {_type}.");
        if (value is null)
            return;
        if (_type.IsPrimitive)
            WritePrimitive(ref writer, Slots.Unbox(_kind, value));
        else
            WriteObject(ref writer, value);
    }

    private void WritePrimitive(ref AvroBinaryWriter writer, long bits)
    {
        switch (_kind)
        {
            case SqlTypeKind.Boolean: writer.WriteBoolean(bits != 0); break;
            case SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int: writer.WriteInt((int)bits); break;
            case SqlTypeKind.BigInt: writer.WriteLong(bits); break;
            case SqlTypeKind.Float: writer.WriteFloat(BitConverter.Int32BitsToSingle((int)bits)); break;
            case SqlTypeKind.Double: writer.WriteDouble(BitConverter.Int64BitsToDouble(bits)); break;
            case SqlTypeKind.Date: writer.WriteInt((int)bits - EpochDayNumber); break;
            case SqlTypeKind.Time: writer.WriteInt((int)(bits / TimeSpan.TicksPerMillisecond)); break;
            case SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz:
                writer.WriteLong(Micros
                    ? Math.DivRem(bits - EpochTicks, TimeSpan.TicksPerMicrosecond) is var (q, r) && r < 0 ? q - 1 : (bits - EpochTicks) / TimeSpan.TicksPerMicrosecond
                    : FloorDiv(bits - EpochTicks, TimeSpan.TicksPerMillisecond));
                break;
            default: throw new InvalidOperationException($"{_type} has no Avro form.");
        }
    }

    private static long FloorDiv(long value, long divisor)
    {
        var quotient = value / divisor;
        return value % divisor < 0 ? quotient - 1 : quotient;
    }

    private void WriteObject(ref AvroBinaryWriter writer, object value)
    {
        switch (_kind)
        {
            case SqlTypeKind.Char or SqlTypeKind.VarChar: writer.WriteString((string)value); break;
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary: writer.WriteBytes((byte[])value); break;
            case SqlTypeKind.Decimal:
                {
                    var number = (decimal)value;
                    if (TextForms.TryFitDecimal(number, _type.Precision, _type.Scale, out var fitted))
                        number = fitted;
                    writer.WriteBytes(_decimalBytes.AsSpan(0, UnscaledBytes(number, _type.Scale, _decimalBytes)));
                    break;
                }
            case SqlTypeKind.Array:
                {
                    var array = (object?[])value;
                    if (array.Length > 0)
                    {
                        writer.WriteBlockCount(array.Length);
                        for (var i = 0; i < array.Length; i++)
                        {
                            try
                            {
                                _element!.WriteValue(ref writer, array[i]);
                            }
                            catch (FieldError error)
                            {
                                throw error.AtIndex(i);
                            }
                        }
                    }
                    writer.WriteEndOfBlocks();
                    break;
                }
            case SqlTypeKind.Map or SqlTypeKind.Multiset:
                {
                    var map = (Dictionary<object, object?>)value;
                    if (map.Count > 0)
                    {
                        writer.WriteBlockCount(map.Count);
                        foreach (var (key, entry) in map)
                        {
                            writer.WriteString((string)key);
                            try
                            {
                                _value!.WriteValue(ref writer, entry);
                            }
                            catch (FieldError error)
                            {
                                throw error.AtKey((string)key);
                            }
                        }
                    }
                    writer.WriteEndOfBlocks();
                    break;
                }
            case SqlTypeKind.Row:
                WriteRow(ref writer, (Row)value);
                break;
            default: throw new InvalidOperationException($"{_type} is primitive.");
        }
    }

    /// <summary>The unscaled value of <paramref name="value"/> at <paramref name="scale"/> as big-endian two's complement, minimal (Java's <c>BigInteger.toByteArray</c>).</summary>
    private static int UnscaledBytes(decimal value, int scale, Span<byte> into)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var unscaled = ((BigInteger)(uint)bits[2] << 64) | ((BigInteger)(uint)bits[1] << 32) | (uint)bits[0];
        for (var s = value.Scale; s < scale; s++)
            unscaled *= 10;
        if (bits[3] < 0)
            unscaled = -unscaled;
        unscaled.TryWriteBytes(into, out var written, isUnsigned: false, isBigEndian: true);
        return written;
    }

    /// <summary>Reads a record of this codec's ROW type into a new row.</summary>
    public Row ReadRow(ref AvroBinaryReader reader)
    {
        var row = new Row(_fields.Length);
        for (var i = 0; i < _fields.Length; i++)
        {
            var field = _fields[i];
            try
            {
                if (field._type.IsNullable && ReadNullBranch(ref reader))
                    continue;
                if (field._type.IsPrimitive)
                    row.SetRaw(i, field.ReadPrimitive(ref reader));
                else
                    row.SetValue(i, field._type, field.ReadObject(ref reader));
            }
            catch (FieldError error)
            {
                throw error.InField(_type.Fields[i].Name);
            }
        }
        return row;
    }

    private static bool ReadNullBranch(ref AvroBinaryReader reader)
    {
        var branch = reader.ReadUnionIndex();
        return branch switch
        {
            0 => true,
            1 => false,
            _ => throw new FieldError($"expected the union branch 0 (null) or 1, found {branch}."),
        };
    }

    private object? ReadValue(ref AvroBinaryReader reader)
    {
        if (_type.IsNullable && ReadNullBranch(ref reader))
            return null;
        return _type.IsPrimitive ? Slots.Box(_kind, ReadPrimitive(ref reader)) : ReadObject(ref reader);
    }

    private long ReadPrimitive(ref AvroBinaryReader reader)
    {
        switch (_kind)
        {
            case SqlTypeKind.Boolean: return reader.ReadBoolean() ? 1 : 0;
            case SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int: return Narrow(reader.ReadInt());
            case SqlTypeKind.BigInt: return reader.ReadLong();
            case SqlTypeKind.Float: return BitConverter.SingleToInt32Bits(reader.ReadFloat());
            case SqlTypeKind.Double: return BitConverter.DoubleToInt64Bits(reader.ReadDouble());
            default: return FromUnderlying(_kind == SqlTypeKind.Date || _kind == SqlTypeKind.Time ? reader.ReadInt() : reader.ReadLong());
        }
    }

    private long Narrow(long value)
    {
        var fits = _kind switch
        {
            SqlTypeKind.TinyInt => value is >= sbyte.MinValue and <= sbyte.MaxValue,
            SqlTypeKind.SmallInt => value is >= short.MinValue and <= short.MaxValue,
            _ => true,
        };
        return fits ? value : throw new FieldError($"the value {value} is out of the range of {_type.ToNullableString()}.");
    }

    // Dates, times and timestamps from their Avro numbers (days, milliseconds or microseconds since the epoch or midnight).
    private long FromUnderlying(long value)
    {
        switch (_kind)
        {
            case SqlTypeKind.Date:
                {
                    var day = value + EpochDayNumber;
                    return day is >= 0 and <= 3652058 ? day : throw new FieldError($"the date {value} (days since 1970-01-01) is out of range.");
                }
            case SqlTypeKind.Time:
                {
                    var ticks = value * TimeSpan.TicksPerMillisecond;
                    return ticks is >= 0 and < TimeSpan.TicksPerDay ? ticks : throw new FieldError($"the time {value} (milliseconds of the day) is out of range.");
                }
            default:
                {
                    var unit = Micros ? TimeSpan.TicksPerMicrosecond : TimeSpan.TicksPerMillisecond;
                    var limit = (DateTime.MaxValue.Ticks - EpochTicks) / unit;
                    var lowest = -EpochTicks / unit;
                    return value >= lowest && value <= limit
                        ? EpochTicks + value * unit
                        : throw new FieldError($"the timestamp {value} ({(Micros ? "microseconds" : "milliseconds")} since the epoch) is out of range.");
                }
        }
    }

    private object? ReadObject(ref AvroBinaryReader reader)
    {
        switch (_kind)
        {
            case SqlTypeKind.Char or SqlTypeKind.VarChar: return reader.ReadString();
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary: return reader.ReadBytes();
            case SqlTypeKind.Decimal: return DecimalOf(reader.ReadBytesSpan());
            case SqlTypeKind.Array:
                {
                    var elements = _elements!;
                    elements.Clear();
                    long count;
                    while ((count = reader.ReadBlockCount()) != 0)
                    {
                        for (var i = 0; i < count; i++)
                        {
                            try
                            {
                                elements.Add(_element!.ReadValue(ref reader));
                            }
                            catch (FieldError error)
                            {
                                throw error.AtIndex(elements.Count);
                            }
                        }
                    }
                    var array = elements.ToArray();
                    elements.Clear();
                    return array;
                }
            case SqlTypeKind.Map or SqlTypeKind.Multiset:
                {
                    var map = new Dictionary<object, object?>();
                    long count;
                    while ((count = reader.ReadBlockCount()) != 0)
                    {
                        for (var i = 0; i < count; i++)
                        {
                            var key = reader.ReadString();
                            try
                            {
                                map[key] = _value!.ReadValue(ref reader);
                            }
                            catch (FieldError error)
                            {
                                throw error.AtKey(key);
                            }
                        }
                    }
                    return map;
                }
            case SqlTypeKind.Row: return ReadRow(ref reader);
            default: throw new InvalidOperationException($"{_type} is primitive.");
        }
    }

    // A decimal beyond decimal's 96 bits, or beyond the type's precision, is Flink's overflow: NULL.
    private decimal? DecimalOf(ReadOnlySpan<byte> bytes)
    {
        var unscaled = new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
        var negative = unscaled.Sign < 0;
        var magnitude = BigInteger.Abs(unscaled);
        var scale = _type.Scale;
        while (scale > 28 && !magnitude.IsZero)
        {
            magnitude /= 10;
            scale--;
        }
        if (magnitude.GetBitLength() > 96)
            return null;
        var value = new decimal((int)(uint)(magnitude & uint.MaxValue), (int)(uint)((magnitude >> 32) & uint.MaxValue),
            (int)(uint)((magnitude >> 64) & uint.MaxValue), negative, (byte)Math.Min(scale, 28));
        return TextForms.TryFitDecimal(value, _type.Precision, _type.Scale, out var fitted) ? fitted : null;
    }

    /// <summary>
    /// The row of a record of Eddy.Avro's generic model, resolved to this codec's schema: records as
    /// <see cref="GenericRecord"/>, arrays as lists, maps as string dictionaries, logical types as their numbers and bytes.
    /// </summary>
    public Row FromGenericRecord(GenericRecord record)
    {
        var row = new Row(_fields.Length);
        for (var i = 0; i < _fields.Length; i++)
        {
            try
            {
                row.SetValue(i, _fields[i]._type, _fields[i].FromGeneric(record[i]));
            }
            catch (FieldError error)
            {
                throw error.InField(_type.Fields[i].Name);
            }
        }
        return row;
    }

    /// <summary>The CLR value of a generic datum of this codec's type.</summary>
    public object? FromGeneric(object? value)
    {
        if (value is null)
            return null;
        switch (_kind)
        {
            case SqlTypeKind.Boolean: return (bool)value;
            case SqlTypeKind.TinyInt: return (sbyte)Narrow(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
            case SqlTypeKind.SmallInt: return (short)Narrow(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
            case SqlTypeKind.Int: return Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
            case SqlTypeKind.BigInt: return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
            case SqlTypeKind.Float: return Convert.ToSingle(value, System.Globalization.CultureInfo.InvariantCulture);
            case SqlTypeKind.Double: return Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
            case SqlTypeKind.Date or SqlTypeKind.Time or SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz:
                return Slots.Box(_kind, FromUnderlying(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)));
            case SqlTypeKind.Char or SqlTypeKind.VarChar: return value as string ?? value.ToString();
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary: return value is GenericFixed fixedValue ? fixedValue.Value : (byte[])value;
            case SqlTypeKind.Decimal: return DecimalOf(value is GenericFixed fixedDecimal ? fixedDecimal.Value : (byte[])value);
            case SqlTypeKind.Array:
                {
                    var list = (System.Collections.IList)value;
                    var array = new object?[list.Count];
                    for (var i = 0; i < array.Length; i++)
                        array[i] = _element!.FromGeneric(list[i]);
                    return array;
                }
            case SqlTypeKind.Map or SqlTypeKind.Multiset:
                {
                    var map = new Dictionary<object, object?>();
                    foreach (var (key, entry) in (IDictionary<string, object?>)value)
                        map[key] = _value!.FromGeneric(entry);
                    return map;
                }
            case SqlTypeKind.Row: return FromGenericRecord((GenericRecord)value);
            default: throw new InvalidOperationException($"{_type} has no Avro form.");
        }
    }
}
