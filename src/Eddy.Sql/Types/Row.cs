using System.Collections;
using System.Runtime.CompilerServices;

namespace Eddy.Sql.Types;

/// <summary>
/// One SQL row: a fixed number of columns whose types are known at plan time, stored without boxing. Every column
/// has a 64-bit slot and an object slot; a column of a primitive kind (<see cref="SqlType.IsPrimitive"/>) lives in
/// the first, any other (strings, bytes, decimals, arrays, maps, rows) in the second. Nulls are a bit per column.
/// </summary>
/// <remarks>
/// The row does not know its column types (the plan does), so a typed accessor must match the column's kind; the
/// compiled expressions read and write slots directly with the accessor of the column's <see cref="SqlType.ClrType"/>.
/// <see cref="GetValue"/> and <see cref="SetValue"/> are the boxed slow path for formats and tests. A row is not
/// thread-safe; operators that keep rows must not mutate one already emitted.
/// </remarks>
public sealed class Row : IEquatable<Row>
{
    // The slots, then one null bit per column in the trailing words: one array for all primitive data.
    private readonly long[] _slots;
    private readonly object?[] _objects;

    /// <summary>A row of <paramref name="arity"/> columns, all NULL.</summary>
    public Row(int arity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(arity);
        Arity = arity;
        var nullWords = (arity + 63) >> 6;
        _slots = new long[arity + nullWords];
        _objects = arity == 0 ? [] : new object?[arity];
        for (var w = 0; w < nullWords; w++)
            _slots[arity + w] = -1L;
        if ((arity & 63) != 0)
            _slots[arity + nullWords - 1] = (long)((1UL << (arity & 63)) - 1);
    }

    /// <summary>The number of columns.</summary>
    public int Arity { get; }

    /// <summary>Whether column <paramref name="i"/> is NULL.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsNull(int i)
    {
        CheckIndex(i);
        return (_slots[Arity + (i >> 6)] & (1L << (i & 63))) != 0;
    }

    /// <summary>Sets column <paramref name="i"/> to NULL.</summary>
    public void SetNull(int i)
    {
        CheckIndex(i);
        _slots[i] = 0;
        _objects[i] = null;
        _slots[Arity + (i >> 6)] |= 1L << (i & 63);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetPrimitive(int i, long value)
    {
        CheckIndex(i);
        _slots[i] = value;
        _slots[Arity + (i >> 6)] &= ~(1L << (i & 63));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetObject(int i, object? value)
    {
        if (value is null)
        {
            SetNull(i);
            return;
        }
        CheckIndex(i);
        _objects[i] = value;
        _slots[Arity + (i >> 6)] &= ~(1L << (i & 63));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckIndex(int i)
    {
        if ((uint)i >= (uint)Arity)
            throw new ArgumentOutOfRangeException(nameof(i), i, $"The row has {Arity} columns.");
    }

    /// <summary>The raw 64-bit slot of a primitive column (its value's bits; 0 when NULL).</summary>
    public long GetRaw(int i)
    {
        CheckIndex(i);
        return _slots[i];
    }

    /// <summary>Sets the raw 64-bit slot of a primitive column (as read by <see cref="GetRaw"/>) and clears its NULL.</summary>
    public void SetRaw(int i, long bits) => SetPrimitive(i, bits);

    /// <summary>BOOLEAN column.</summary>
    public bool GetBoolean(int i) => GetRaw(i) != 0;
    /// <summary>TINYINT column.</summary>
    public sbyte GetTinyInt(int i) => (sbyte)GetRaw(i);
    /// <summary>SMALLINT column.</summary>
    public short GetSmallInt(int i) => (short)GetRaw(i);
    /// <summary>INT column (and INTERVAL YEAR TO MONTH, in months).</summary>
    public int GetInt(int i) => (int)GetRaw(i);
    /// <summary>BIGINT column.</summary>
    public long GetBigInt(int i) => GetRaw(i);
    /// <summary>FLOAT column.</summary>
    public float GetFloat(int i) => BitConverter.Int32BitsToSingle((int)GetRaw(i));
    /// <summary>DOUBLE column.</summary>
    public double GetDouble(int i) => BitConverter.Int64BitsToDouble(GetRaw(i));
    /// <summary>DATE column.</summary>
    public DateOnly GetDate(int i) => DateOnly.FromDayNumber((int)GetRaw(i));
    /// <summary>TIME column.</summary>
    public TimeOnly GetTime(int i) => new(GetRaw(i));
    /// <summary>TIMESTAMP column.</summary>
    public DateTime GetTimestamp(int i) => new(GetRaw(i), DateTimeKind.Unspecified);
    /// <summary>TIMESTAMP_LTZ column.</summary>
    public DateTimeOffset GetTimestampLtz(int i) => new(GetRaw(i), TimeSpan.Zero);
    /// <summary>INTERVAL DAY TO SECOND column.</summary>
    public TimeSpan GetIntervalDayTime(int i) => new(GetRaw(i));
    /// <summary>CHAR/VARCHAR column (null when NULL).</summary>
    public string? GetString(int i) => (string?)GetObject(i);
    /// <summary>BINARY/VARBINARY column (null when NULL).</summary>
    public byte[]? GetBytes(int i) => (byte[]?)GetObject(i);
    /// <summary>DECIMAL column (0 when NULL).</summary>
    public decimal GetDecimal(int i) => GetObject(i) is decimal d ? d : 0m;
    /// <summary>ARRAY column (null when NULL).</summary>
    public object?[]? GetArray(int i) => (object?[]?)GetObject(i);
    /// <summary>MAP or MULTISET column (null when NULL).</summary>
    public Dictionary<object, object?>? GetMap(int i) => (Dictionary<object, object?>?)GetObject(i);
    /// <summary>ROW column (null when NULL).</summary>
    public Row? GetRow(int i) => (Row?)GetObject(i);

    /// <summary>The object slot of a non-primitive column (null when NULL).</summary>
    public object? GetObject(int i)
    {
        CheckIndex(i);
        return _objects[i];
    }

    /// <summary>Sets a BOOLEAN column.</summary>
    public void SetBoolean(int i, bool value) => SetPrimitive(i, value ? 1 : 0);
    /// <summary>Sets a TINYINT column.</summary>
    public void SetTinyInt(int i, sbyte value) => SetPrimitive(i, value);
    /// <summary>Sets a SMALLINT column.</summary>
    public void SetSmallInt(int i, short value) => SetPrimitive(i, value);
    /// <summary>Sets an INT (or INTERVAL YEAR TO MONTH) column.</summary>
    public void SetInt(int i, int value) => SetPrimitive(i, value);
    /// <summary>Sets a BIGINT column.</summary>
    public void SetBigInt(int i, long value) => SetPrimitive(i, value);
    /// <summary>Sets a FLOAT column.</summary>
    public void SetFloat(int i, float value) => SetPrimitive(i, BitConverter.SingleToInt32Bits(value));
    /// <summary>Sets a DOUBLE column.</summary>
    public void SetDouble(int i, double value) => SetPrimitive(i, BitConverter.DoubleToInt64Bits(value));
    /// <summary>Sets a DATE column.</summary>
    public void SetDate(int i, DateOnly value) => SetPrimitive(i, value.DayNumber);
    /// <summary>Sets a TIME column.</summary>
    public void SetTime(int i, TimeOnly value) => SetPrimitive(i, value.Ticks);
    /// <summary>Sets a TIMESTAMP column.</summary>
    public void SetTimestamp(int i, DateTime value) => SetPrimitive(i, value.Ticks);
    /// <summary>Sets a TIMESTAMP_LTZ column (stored as its UTC instant).</summary>
    public void SetTimestampLtz(int i, DateTimeOffset value) => SetPrimitive(i, value.UtcTicks);
    /// <summary>Sets an INTERVAL DAY TO SECOND column.</summary>
    public void SetIntervalDayTime(int i, TimeSpan value) => SetPrimitive(i, value.Ticks);
    /// <summary>Sets a CHAR/VARCHAR column (null sets NULL).</summary>
    public void SetString(int i, string? value) => SetObject(i, value);
    /// <summary>Sets a BINARY/VARBINARY column (null sets NULL).</summary>
    public void SetBytes(int i, byte[]? value) => SetObject(i, value);
    /// <summary>Sets a DECIMAL column.</summary>
    public void SetDecimal(int i, decimal value) => SetObject(i, value);
    /// <summary>Sets an ARRAY column (null sets NULL).</summary>
    public void SetArray(int i, object?[]? value) => SetObject(i, value);
    /// <summary>Sets a MAP or MULTISET column (null sets NULL).</summary>
    public void SetMap(int i, Dictionary<object, object?>? value) => SetObject(i, value);
    /// <summary>Sets a ROW column (null sets NULL).</summary>
    public void SetRow(int i, Row? value) => SetObject(i, value);

    /// <summary>Column <paramref name="i"/> boxed as <paramref name="type"/>'s CLR type, or null (the slow path).</summary>
    public object? GetValue(int i, SqlType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (IsNull(i))
            return null;
        return type.Kind switch
        {
            SqlTypeKind.Boolean => GetBoolean(i),
            SqlTypeKind.TinyInt => GetTinyInt(i),
            SqlTypeKind.SmallInt => GetSmallInt(i),
            SqlTypeKind.Int or SqlTypeKind.IntervalYearMonth => GetInt(i),
            SqlTypeKind.BigInt => GetBigInt(i),
            SqlTypeKind.Float => GetFloat(i),
            SqlTypeKind.Double => GetDouble(i),
            SqlTypeKind.Date => GetDate(i),
            SqlTypeKind.Time => GetTime(i),
            SqlTypeKind.Timestamp => GetTimestamp(i),
            SqlTypeKind.TimestampLtz => GetTimestampLtz(i),
            SqlTypeKind.IntervalDayTime => GetIntervalDayTime(i),
            _ => GetObject(i),
        };
    }

    /// <summary>Sets column <paramref name="i"/> from a value of <paramref name="type"/>'s CLR type, or NULL (the slow path).</summary>
    public void SetValue(int i, SqlType type, object? value)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (value is null)
        {
            SetNull(i);
            return;
        }
        switch (type.Kind)
        {
            case SqlTypeKind.Boolean: SetBoolean(i, (bool)value); break;
            case SqlTypeKind.TinyInt: SetTinyInt(i, (sbyte)value); break;
            case SqlTypeKind.SmallInt: SetSmallInt(i, (short)value); break;
            case SqlTypeKind.Int or SqlTypeKind.IntervalYearMonth: SetInt(i, (int)value); break;
            case SqlTypeKind.BigInt: SetBigInt(i, (long)value); break;
            case SqlTypeKind.Float: SetFloat(i, (float)value); break;
            case SqlTypeKind.Double: SetDouble(i, (double)value); break;
            case SqlTypeKind.Date: SetDate(i, (DateOnly)value); break;
            case SqlTypeKind.Time: SetTime(i, (TimeOnly)value); break;
            case SqlTypeKind.Timestamp: SetTimestamp(i, (DateTime)value); break;
            case SqlTypeKind.TimestampLtz: SetTimestampLtz(i, (DateTimeOffset)value); break;
            case SqlTypeKind.IntervalDayTime: SetIntervalDayTime(i, (TimeSpan)value); break;
            default:
                if (!type.ClrType.IsInstanceOfType(value))
                    throw new ArgumentException($"A {type} column holds {type.ClrType.Name} values, not {value.GetType().Name}.", nameof(value));
                SetObject(i, value);
                break;
        }
    }

    /// <summary>A copy of this row (column values are shared; they are immutable by convention).</summary>
    public Row Copy()
    {
        var copy = new Row(Arity);
        System.Array.Copy(_slots, copy._slots, _slots.Length);
        System.Array.Copy(_objects, copy._objects, _objects.Length);
        return copy;
    }

    /// <summary>A row of the given values (slow path, for tests and literals).</summary>
    public static Row Of(IReadOnlyList<SqlType> types, params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values);
        if (types.Count != values.Length)
            throw new ArgumentException($"{values.Length} values for {types.Count} columns.", nameof(values));
        var row = new Row(values.Length);
        for (var i = 0; i < values.Length; i++)
            row.SetValue(i, types[i], values[i]);
        return row;
    }

    /// <summary>Value equality: same arity, same NULLs, same slots, and equal objects (byte arrays, arrays and maps by content).</summary>
    public bool Equals(Row? other)
    {
        if (ReferenceEquals(this, other))
            return true;
        if (other is null || other.Arity != Arity || !_slots.AsSpan().SequenceEqual(other._slots))
            return false;
        for (var i = 0; i < Arity; i++)
        {
            if (!ValueEquals(_objects[i], other._objects[i]))
                return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Row);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var slot in _slots)
            hash.Add(slot);
        foreach (var value in _objects)
            hash.Add(ValueHash(value));
        return hash.ToHashCode();
    }

    /// <summary>Structural equality of two column values (byte arrays, arrays and maps by content).</summary>
    public static bool ValueEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
            return true;
        if (a is null || b is null)
            return false;
        switch (a)
        {
            case byte[] x when b is byte[] y:
                return x.AsSpan().SequenceEqual(y);
            case object?[] x when b is object?[] y:
                if (x.Length != y.Length)
                    return false;
                for (var i = 0; i < x.Length; i++)
                {
                    if (!ValueEquals(x[i], y[i]))
                        return false;
                }
                return true;
            case IDictionary x when b is IDictionary y:
                if (x.Count != y.Count)
                    return false;
                foreach (DictionaryEntry entry in x)
                {
                    if (!y.Contains(entry.Key) || !ValueEquals(entry.Value, y[entry.Key]))
                        return false;
                }
                return true;
            default:
                return a.Equals(b);
        }
    }

    private static int ValueHash(object? value) => value switch
    {
        null => 0,
        byte[] bytes => bytes.Length,
        object?[] array => array.Length,
        IDictionary map => map.Count,
        _ => value.GetHashCode(),
    };

    /// <summary>The row's columns as Flink prints a row without types: <c>+I[1, a, null]</c> needs the kind, this gives <c>[...]</c> of raw slots.</summary>
    public override string ToString()
    {
        var parts = new string[Arity];
        for (var i = 0; i < Arity; i++)
            parts[i] = IsNull(i) ? "null" : _objects[i]?.ToString() ?? _slots[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }
}
