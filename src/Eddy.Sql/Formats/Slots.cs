using Eddy.Sql.Types;

namespace Eddy.Sql.Formats;

/// <summary>
/// A primitive column's 64-bit slot (as <see cref="Row.GetRaw"/> holds it) to and from its CLR value, for the
/// elements of arrays and maps, which hold boxed values: the only place a format boxes.
/// </summary>
internal static class Slots
{
    /// <summary>The CLR value of a primitive kind's slot bits.</summary>
    public static object Box(SqlTypeKind kind, long bits) => kind switch
    {
        SqlTypeKind.Boolean => bits != 0,
        SqlTypeKind.TinyInt => (sbyte)bits,
        SqlTypeKind.SmallInt => (short)bits,
        SqlTypeKind.Int or SqlTypeKind.IntervalYearMonth => (int)bits,
        SqlTypeKind.BigInt => bits,
        SqlTypeKind.Float => BitConverter.Int32BitsToSingle((int)bits),
        SqlTypeKind.Double => BitConverter.Int64BitsToDouble(bits),
        SqlTypeKind.Date => DateOnly.FromDayNumber((int)bits),
        SqlTypeKind.Time => new TimeOnly(bits),
        SqlTypeKind.Timestamp => new DateTime(bits, DateTimeKind.Unspecified),
        SqlTypeKind.TimestampLtz => new DateTimeOffset(bits, TimeSpan.Zero),
        SqlTypeKind.IntervalDayTime => new TimeSpan(bits),
        _ => throw new InvalidOperationException($"{kind} is not primitive."),
    };

    /// <summary>The slot bits of a primitive kind's CLR value.</summary>
    public static long Unbox(SqlTypeKind kind, object value) => kind switch
    {
        SqlTypeKind.Boolean => (bool)value ? 1 : 0,
        SqlTypeKind.TinyInt => (sbyte)value,
        SqlTypeKind.SmallInt => (short)value,
        SqlTypeKind.Int or SqlTypeKind.IntervalYearMonth => (int)value,
        SqlTypeKind.BigInt => (long)value,
        SqlTypeKind.Float => BitConverter.SingleToInt32Bits((float)value),
        SqlTypeKind.Double => BitConverter.DoubleToInt64Bits((double)value),
        SqlTypeKind.Date => ((DateOnly)value).DayNumber,
        SqlTypeKind.Time => ((TimeOnly)value).Ticks,
        SqlTypeKind.Timestamp => ((DateTime)value).Ticks,
        SqlTypeKind.TimestampLtz => ((DateTimeOffset)value).UtcTicks,
        SqlTypeKind.IntervalDayTime => ((TimeSpan)value).Ticks,
        _ => throw new InvalidOperationException($"{kind} is not primitive."),
    };
}
