using System.Buffers;
using CsCheck;
using Eddy.Engine.Records;
using Eddy.Sql.Formats;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Formats;

/// <summary>What a format can carry, so that random types and values stay within it.</summary>
public sealed record TypeRules
{
    public int Depth { get; init; } = 2;
    public bool Maps { get; init; } = true;
    public bool Multisets { get; init; } = true;
    public bool Arrays { get; init; } = true;
    public bool Rows { get; init; } = true;
    public bool Intervals { get; init; } = true;
    public bool TimestampLtz { get; init; } = true;
    public bool NarrowIntegers { get; init; } = true;
    public int MaxTimePrecision { get; init; } = 9;
    public int MaxTimestampPrecision { get; init; } = 9;
    public int MaxDecimalPrecision { get; init; } = 18;
    public string Chars { get; init; } = "abcXYZ 09é漢,;:\"'\\\t\n{}[]";
    public string NestedChars { get; init; } = "abcXYZ 09é漢";
    public bool EmptyCollections { get; init; } = true;
    public bool EmptyNestedStrings { get; init; } = true;
    public bool NullNested { get; init; } = true;
}

/// <summary>CsCheck generators of SQL types and of rows of them, in the CLR representation of <see cref="SqlType"/>.</summary>
internal static class RandomRows
{
    public static Gen<SqlType> Scalar(TypeRules rules)
    {
        var scalars = new List<IGen<SqlType>>
        {
            Gen.Const(SqlType.Boolean), Gen.Const(SqlType.Int), Gen.Const(SqlType.BigInt),
            Gen.Const(SqlType.Float), Gen.Const(SqlType.Double), Gen.Const(SqlType.String), Gen.Const(SqlType.Bytes),
            Gen.Const(SqlType.Date),
            Gen.Int[1, rules.MaxDecimalPrecision].SelectMany(p => Gen.Int[0, p].Select(s => SqlType.Decimal(p, s))),
            Gen.Int[0, rules.MaxTimePrecision].Select(p => SqlType.Time(p)),
            Gen.Int[0, rules.MaxTimestampPrecision].Select(p => SqlType.Timestamp(p)),
        };
        if (rules.NarrowIntegers)
        {
            scalars.Add(Gen.Const(SqlType.TinyInt));
            scalars.Add(Gen.Const(SqlType.SmallInt));
        }
        if (rules.TimestampLtz)
            scalars.Add(Gen.Int[0, rules.MaxTimestampPrecision].Select(p => SqlType.TimestampLtz(p)));
        if (rules.Intervals)
        {
            scalars.Add(Gen.Const(SqlType.IntervalYearMonth()));
            scalars.Add(Gen.Const(SqlType.IntervalDayTime()));
        }
        return Gen.OneOf(scalars.ToArray());
    }

    public static Gen<SqlType> Type(TypeRules rules, int depth)
    {
        var scalar = Scalar(rules);
        if (depth == 0)
            return scalar;
        var inner = Type(rules, depth - 1);
        var choices = new List<(int, IGen<SqlType>)> { (8, scalar) };
        if (rules.Arrays)
            choices.Add((1, inner.Select(SqlType.Array)));
        if (rules.Maps)
            choices.Add((1, inner.Select(v => SqlType.Map(SqlType.String, v))));
        if (rules.Multisets)
            choices.Add((1, Gen.Const(SqlType.Multiset(SqlType.String))));
        if (rules.Rows)
            choices.Add((1, RowType(rules, depth - 1, 1, 3)));
        return Gen.Frequency(choices.ToArray());
    }

    public static Gen<SqlType> RowType(TypeRules rules, int depth, int min, int max) =>
        Type(rules, depth).Array[min, max].Select(types =>
        {
            var fields = new SqlField[types.Length];
            for (var i = 0; i < types.Length; i++)
                fields[i] = new SqlField($"f{i}", types[i]);
            return SqlType.Row(fields);
        });

    public static Gen<object?> Value(SqlType type, TypeRules rules, bool nested = false) =>
        nested && !rules.NullNested ? NonNull(type, rules, nested) : Gen.Frequency<object?>((1, Gen.Bool.Select(_ => (object?)null)), (6, NonNull(type, rules, nested)));

    private static Gen<object?> NonNull(SqlType type, TypeRules rules, bool nested)
    {
        switch (type.Kind)
        {
            case SqlTypeKind.Boolean: return Gen.Bool.Select(b => (object?)b);
            case SqlTypeKind.TinyInt: return Gen.SByte.Select(b => (object?)b);
            case SqlTypeKind.SmallInt: return Gen.Short.Select(b => (object?)b);
            case SqlTypeKind.Int or SqlTypeKind.IntervalYearMonth: return Gen.Int.Select(b => (object?)b);
            case SqlTypeKind.BigInt: return Gen.Long.Select(b => (object?)b);
            case SqlTypeKind.Float: return Gen.Float.Select(f => (object?)(float.IsNaN(f) ? float.NaN : f));
            case SqlTypeKind.Double: return Gen.Double.Select(f => (object?)(double.IsNaN(f) ? double.NaN : f));
            case SqlTypeKind.Decimal:
                {
                    var max = (long)Math.Pow(10, type.Precision) - 1;
                    return Gen.Long[-max, max].Select(unscaled =>
                    {
                        var magnitude = (ulong)Math.Abs(unscaled);
                        return (object?)new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, unscaled < 0, (byte)type.Scale);
                    });
                }
            case SqlTypeKind.Char or SqlTypeKind.VarChar:
                return Gen.Char[nested ? rules.NestedChars : rules.Chars].Array[nested && !rules.EmptyNestedStrings ? 1 : 0, 8]
                    .Select(chars => (object?)new string(chars));
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary: return Gen.Byte.Array[nested && !rules.EmptyNestedStrings ? 1 : 0, 8].Select(b => (object?)b);
            case SqlTypeKind.Date: return Gen.Int[0, 3652058].Select(d => (object?)DateOnly.FromDayNumber(d));
            case SqlTypeKind.Time:
                return Gen.Long[0, TimeSpan.TicksPerDay - 1].Select(t => (object?)new TimeOnly(TextForms.Truncate(t, type.Precision)));
            case SqlTypeKind.Timestamp:
                return Gen.Long[0, DateTime.MaxValue.Ticks].Select(t => (object?)new DateTime(TextForms.Truncate(t, type.Precision)));
            case SqlTypeKind.TimestampLtz:
                return Gen.Long[0, DateTime.MaxValue.Ticks].Select(t => (object?)new DateTimeOffset(TextForms.Truncate(t, type.Precision), TimeSpan.Zero));
            case SqlTypeKind.IntervalDayTime:
                return Gen.Long[-1_000_000_000_000, 1_000_000_000_000].Select(ms => (object?)new TimeSpan(ms * TimeSpan.TicksPerMillisecond));
            case SqlTypeKind.Array:
                return Value(type.ElementType!, rules, true).Array[rules.EmptyCollections ? 0 : 1, 4].Select(a => (object?)a);
            case SqlTypeKind.Map or SqlTypeKind.Multiset:
                {
                    var values = type.Kind == SqlTypeKind.Map ? Value(type.ValueType!, rules, true) : Gen.Int[1, 5].Select(c => (object?)c);
                    return Gen.Select(NonNull(type.ElementType!, rules, true), values).Array[rules.EmptyCollections ? 0 : 1, 4].Select(entries =>
                    {
                        var map = new Dictionary<object, object?>();
                        foreach (var (key, value) in entries)
                            map.TryAdd(key!, value);
                        return (object?)map;
                    });
                }
            case SqlTypeKind.Row: return Row(type, rules, true).Select(r => (object?)r);
            default: throw new InvalidOperationException($"No values of {type}.");
        }
    }

    public static Gen<Row> Row(SqlType rowType, TypeRules rules, bool nested = false)
    {
        var values = Gen.Const(Array.Empty<object?>());
        var types = new SqlType[rowType.Fields.Length];
        for (var i = 0; i < types.Length; i++)
        {
            var type = rowType.Fields[i].Type;
            types[i] = type;
            values = values.SelectMany(previous => Value(type, rules, nested).Select(v => (object?[])[.. previous, v]));
        }
        return values.Select(v => Sql.Types.Row.Of(types, v));
    }

    /// <summary>A random row type and a row of it.</summary>
    public static Gen<(SqlType Type, Row Row)> TypedRow(TypeRules rules, int minFields = 1, int maxFields = 6) =>
        RowType(rules, rules.Depth, minFields, maxFields).SelectMany(type => Row(type, rules).Select(row => (type, row)));

    /// <summary>The bytes a serializer writes for the row, or null when it writes a null message.</summary>
    public static byte[]? Serialize(IRowSerializer serializer, Row row, RowKind kind = RowKind.Insert)
    {
        var buffer = new ArrayBufferWriter<byte>();
        return serializer.Serialize(kind, row, buffer) ? buffer.WrittenSpan.ToArray() : null;
    }

    /// <summary>The rows a deserializer reads from the message.</summary>
    public static IReadOnlyList<(RowKind Kind, Row Row)> Deserialize(IRowDeserializer deserializer, ReadOnlySpan<byte> message)
    {
        var rows = new RowBuffer();
        deserializer.Deserialize(message, rows);
        return rows.Rows;
    }

    /// <summary>The row after its format's serializer and deserializer.</summary>
    public static Row RoundTrip(RowFormat format, SqlType type, Row row)
    {
        var bytes = Serialize(format.CreateSerializer(type), row)!;
        var rows = Deserialize(format.CreateDeserializer(type), bytes);
        Assert.Single(rows);
        Assert.Equal(RowKind.Insert, rows[0].Kind);
        return rows[0].Row;
    }

    /// <summary>The row's values as text with their types, for a failing round trip's message.</summary>
    public static string Describe(SqlType type, Row row)
    {
        var parts = new List<string>();
        for (var i = 0; i < row.Arity; i++)
            parts.Add($"{type.Fields[i].Type}={Show(row.GetValue(i, type.Fields[i].Type))}");
        return string.Join(", ", parts);
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        byte[] b => Convert.ToBase64String(b),
        object?[] a => "[" + string.Join(", ", a.Select(Show)) + "]",
        Dictionary<object, object?> m => "{" + string.Join(", ", m.Select(e => $"{Show(e.Key)}: {Show(e.Value)}")) + "}",
        DateTime d => d.ToString("O"),
        DateTimeOffset d => d.ToString("O"),
        _ => value.ToString() ?? "",
    };
}
