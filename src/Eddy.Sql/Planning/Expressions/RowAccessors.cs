using System.Reflection;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Expressions;

/// <summary>The typed <see cref="Row"/> accessor of each kind, for compiled code that reads and writes columns without boxing.</summary>
internal static class RowAccessors
{
    public static readonly MethodInfo IsNull = typeof(Row).GetMethod(nameof(Row.IsNull))!;

    public static readonly MethodInfo SetNull = typeof(Row).GetMethod(nameof(Row.SetNull))!;

    /// <summary>The getter reading a column of <paramref name="type"/> as its CLR value.</summary>
    public static MethodInfo Getter(SqlType type) => typeof(Row).GetMethod(type.Kind switch
    {
        SqlTypeKind.Boolean => nameof(Row.GetBoolean),
        SqlTypeKind.TinyInt => nameof(Row.GetTinyInt),
        SqlTypeKind.SmallInt => nameof(Row.GetSmallInt),
        SqlTypeKind.Int or SqlTypeKind.IntervalYearMonth => nameof(Row.GetInt),
        SqlTypeKind.BigInt => nameof(Row.GetBigInt),
        SqlTypeKind.Float => nameof(Row.GetFloat),
        SqlTypeKind.Double => nameof(Row.GetDouble),
        SqlTypeKind.Decimal => nameof(Row.GetDecimal),
        SqlTypeKind.Char or SqlTypeKind.VarChar => nameof(Row.GetString),
        SqlTypeKind.Binary or SqlTypeKind.VarBinary => nameof(Row.GetBytes),
        SqlTypeKind.Date => nameof(Row.GetDate),
        SqlTypeKind.Time => nameof(Row.GetTime),
        SqlTypeKind.Timestamp => nameof(Row.GetTimestamp),
        SqlTypeKind.TimestampLtz => nameof(Row.GetTimestampLtz),
        SqlTypeKind.IntervalDayTime => nameof(Row.GetIntervalDayTime),
        SqlTypeKind.Array => nameof(Row.GetArray),
        SqlTypeKind.Map or SqlTypeKind.Multiset => nameof(Row.GetMap),
        SqlTypeKind.Row => nameof(Row.GetRow),
        _ => nameof(Row.GetObject),
    })!;

    /// <summary>The setter writing a non-NULL CLR value of <paramref name="type"/> into a column.</summary>
    public static MethodInfo Setter(SqlType type) => typeof(Row).GetMethod(type.Kind switch
    {
        SqlTypeKind.Boolean => nameof(Row.SetBoolean),
        SqlTypeKind.TinyInt => nameof(Row.SetTinyInt),
        SqlTypeKind.SmallInt => nameof(Row.SetSmallInt),
        SqlTypeKind.Int or SqlTypeKind.IntervalYearMonth => nameof(Row.SetInt),
        SqlTypeKind.BigInt => nameof(Row.SetBigInt),
        SqlTypeKind.Float => nameof(Row.SetFloat),
        SqlTypeKind.Double => nameof(Row.SetDouble),
        SqlTypeKind.Decimal => nameof(Row.SetDecimal),
        SqlTypeKind.Char or SqlTypeKind.VarChar => nameof(Row.SetString),
        SqlTypeKind.Binary or SqlTypeKind.VarBinary => nameof(Row.SetBytes),
        SqlTypeKind.Date => nameof(Row.SetDate),
        SqlTypeKind.Time => nameof(Row.SetTime),
        SqlTypeKind.Timestamp => nameof(Row.SetTimestamp),
        SqlTypeKind.TimestampLtz => nameof(Row.SetTimestampLtz),
        SqlTypeKind.IntervalDayTime => nameof(Row.SetIntervalDayTime),
        SqlTypeKind.Array => nameof(Row.SetArray),
        SqlTypeKind.Map or SqlTypeKind.Multiset => nameof(Row.SetMap),
        SqlTypeKind.Row => nameof(Row.SetRow),
        _ => throw new PlanningException($"A column of type {type} cannot be written."),
    })!;
}
