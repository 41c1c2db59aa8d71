using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Functions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Runtime;

// The aggregate states beyond COUNT/SUM/AVG/MIN/MAX: the variance family, FIRST_VALUE/LAST_VALUE, LISTAGG, DISTINCT
// and user-defined aggregate functions. All are retraction-aware, as Flink's "with retract" functions.

/// <summary>
/// VAR_POP, VAR_SAMP, STDDEV_POP and STDDEV_SAMP from the count, sum and sum of squares in DOUBLE (Flink rewrites them
/// into SUMs in the argument's type, so an integer result can differ in the last digit), written in the result's
/// type; NULL over no value, and a sample of one value is NULL.
/// </summary>
internal sealed class MomentsAggregateState(int argument, SqlType argumentType, SqlType result, bool sample, bool root) : AggregateState
{
    private long _count;
    private double _sum;
    private double _squares;

    public override void Add(Row row) => Change(row, 1);

    public override void Retract(Row row) => Change(row, -1);

    private void Change(Row row, int sign)
    {
        if (row.IsNull(argument))
            return;
        var value = ToDouble(row);
        _count += sign;
        _sum += sign * value;
        _squares += sign * value * value;
    }

    private double ToDouble(Row row) => argumentType.Kind switch
    {
        SqlTypeKind.Float => row.GetFloat(argument),
        SqlTypeKind.Double => row.GetDouble(argument),
        SqlTypeKind.Decimal => (double)row.GetDecimal(argument),
        _ => row.GetRaw(argument),
    };

    public override void WriteResult(Row output, int column)
    {
        var divisor = sample ? _count - 1 : _count;
        if (_count == 0 || divisor <= 0)
        {
            output.SetNull(column);
            return;
        }
        var variance = Math.Max(0, (_squares - (_sum * _sum / _count)) / divisor);
        var value = root ? Math.Sqrt(variance) : variance;
        switch (result.Kind)
        {
            case SqlTypeKind.Double: output.SetDouble(column, value); break;
            case SqlTypeKind.Float: output.SetFloat(column, (float)value); break;
            case SqlTypeKind.Decimal: output.SetDecimal(column, Math.Round((decimal)value, Math.Min(result.Scale, 28))); break;
            case SqlTypeKind.TinyInt: output.SetTinyInt(column, unchecked((sbyte)value)); break;
            case SqlTypeKind.SmallInt: output.SetSmallInt(column, unchecked((short)value)); break;
            case SqlTypeKind.Int: output.SetInt(column, unchecked((int)value)); break;
            default: output.SetBigInt(column, unchecked((long)value)); break;
        }
    }

    public override void Write(IBufferWriter<byte> into)
    {
        WriteLong(into, _count);
        WriteLong(into, BitConverter.DoubleToInt64Bits(_sum));
        WriteLong(into, BitConverter.DoubleToInt64Bits(_squares));
    }

    public override void Read(ReadOnlySpan<byte> data, ref int offset)
    {
        _count = ReadLong(data, ref offset);
        _sum = BitConverter.Int64BitsToDouble(ReadLong(data, ref offset));
        _squares = BitConverter.Int64BitsToDouble(ReadLong(data, ref offset));
    }
}

/// <summary>
/// FIRST_VALUE, LAST_VALUE and LISTAGG with retraction, as Flink's "with retract" versions: the non-NULL values in
/// arrival order; a retraction removes the latest equal value. Its state grows with the group's values.
/// </summary>
internal sealed class OrderedValuesAggregateState(int argument, SqlType type, AggregateKind kind, string separator) : AggregateState
{
    private readonly List<object> _values = [];
    private readonly BinaryRowSerde _serde = new([type]);
    private readonly SqlType[] _types = [type];

    public override void Add(Row row)
    {
        if (row.GetValue(argument, type) is { } value)
            _values.Add(value);
    }

    public override void Retract(Row row)
    {
        if (row.GetValue(argument, type) is not { } value)
            return;
        for (var i = _values.Count - 1; i >= 0; i--)
        {
            if (SqlValueEquality.Instance.Equals(_values[i], value))
            {
                _values.RemoveAt(i);
                return;
            }
        }
    }

    public override void WriteResult(Row output, int column)
    {
        if (_values.Count == 0)
        {
            output.SetNull(column);
            return;
        }
        switch (kind)
        {
            case AggregateKind.FirstValue:
                output.SetValue(column, type, _values[0]);
                break;
            case AggregateKind.LastValue:
                output.SetValue(column, type, _values[^1]);
                break;
            default:
                var text = new StringBuilder();
                for (var i = 0; i < _values.Count; i++)
                {
                    if (i > 0)
                        text.Append(separator);
                    text.Append((string)_values[i]);
                }
                output.SetString(column, text.ToString());
                break;
        }
    }

    public override void Write(IBufferWriter<byte> into)
    {
        WriteLong(into, _values.Count);
        foreach (var value in _values)
            _serde.Serialize(Row.Of(_types, value), into);
    }

    public override void Read(ReadOnlySpan<byte> data, ref int offset)
    {
        var count = ReadLong(data, ref offset);
        _values.Clear();
        for (var i = 0; i < count; i++)
            _values.Add(_serde.ReadAt(data, ref offset).GetValue(0, type)!);
    }
}

/// <summary>
/// <c>agg(DISTINCT x)</c>: how many times each distinct non-NULL value is in the group; the aggregate underneath sees a
/// value when its count becomes 1 and loses it when its count drops to 0, as Flink's distinct-view state does.
/// </summary>
internal sealed class DistinctAggregateState(int argument, SqlType type, AggregateState inner) : AggregateState
{
    private readonly Dictionary<object, long> _counts = new(SqlValueEquality.Instance);
    private readonly BinaryRowSerde _serde = new([type]);
    private readonly SqlType[] _types = [type];

    public override void Add(Row row)
    {
        if (row.GetValue(argument, type) is not { } value)
            return;
        var count = _counts.GetValueOrDefault(value) + 1;
        _counts[value] = count;
        if (count == 1)
            inner.Add(row);
    }

    public override void Retract(Row row)
    {
        if (row.GetValue(argument, type) is not { } value || !_counts.TryGetValue(value, out var count))
            return;
        if (count > 1)
        {
            _counts[value] = count - 1;
            return;
        }
        _counts.Remove(value);
        inner.Retract(row);
    }

    public override void WriteResult(Row output, int column) => inner.WriteResult(output, column);

    public override void Write(IBufferWriter<byte> into)
    {
        WriteLong(into, _counts.Count);
        foreach (var (value, count) in _counts)
        {
            _serde.Serialize(Row.Of(_types, value), into);
            WriteLong(into, count);
        }
        inner.Write(into);
    }

    public override void Read(ReadOnlySpan<byte> data, ref int offset)
    {
        _counts.Clear();
        var entries = ReadLong(data, ref offset);
        for (var e = 0; e < entries; e++)
        {
            var value = _serde.ReadAt(data, ref offset).GetValue(0, type)!;
            _counts[value] = ReadLong(data, ref offset);
        }
        inner.Read(data, ref offset);
    }
}

/// <summary>A user-defined aggregate function's accumulator, kept in state as its JSON.</summary>
internal sealed class UserDefinedAggregateState(UserDefinedAggregateCall call) : AggregateState
{
    private object _accumulator = call.CreateAccumulator();

    public override void Add(Row row) => call.Accumulate(_accumulator, row);

    public override void Retract(Row row) => call.Retract(_accumulator, row);

    public override void WriteResult(Row output, int column) => call.WriteResult(_accumulator, output, column);

    public override void Write(IBufferWriter<byte> into)
    {
        var json = call.Serialize(_accumulator);
        BinaryPrimitives.WriteInt32LittleEndian(into.GetSpan(4), json.Length);
        into.Advance(4);
        into.Write(json);
    }

    public override void Read(ReadOnlySpan<byte> data, ref int offset)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
        offset += 4;
        _accumulator = call.Deserialize(data.Slice(offset, length));
        offset += length;
    }
}

/// <summary>Equality of boxed SQL values: BYTES by content, the rest by their own equality.</summary>
internal sealed class SqlValueEquality : IEqualityComparer<object>
{
    public static SqlValueEquality Instance { get; } = new();

    public new bool Equals(object? x, object? y) => x is byte[] a && y is byte[] b ? a.AsSpan().SequenceEqual(b) : object.Equals(x, y);

    public int GetHashCode(object obj)
    {
        if (obj is not byte[] bytes)
            return obj.GetHashCode();
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}
