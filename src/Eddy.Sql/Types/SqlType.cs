using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Eddy.Sql.Types;

/// <summary>The kinds of Flink's logical types that Eddy's SQL supports.</summary>
public enum SqlTypeKind
{
    /// <summary>BOOLEAN.</summary>
    Boolean,
    /// <summary>TINYINT: 1-byte signed integer.</summary>
    TinyInt,
    /// <summary>SMALLINT: 2-byte signed integer.</summary>
    SmallInt,
    /// <summary>INT / INTEGER: 4-byte signed integer.</summary>
    Int,
    /// <summary>BIGINT: 8-byte signed integer.</summary>
    BigInt,
    /// <summary>FLOAT / REAL: 4-byte floating point.</summary>
    Float,
    /// <summary>DOUBLE: 8-byte floating point.</summary>
    Double,
    /// <summary>DECIMAL(p, s) / NUMERIC / DEC.</summary>
    Decimal,
    /// <summary>CHAR(n): fixed-length string.</summary>
    Char,
    /// <summary>VARCHAR(n); STRING is VARCHAR(2147483647).</summary>
    VarChar,
    /// <summary>BINARY(n): fixed-length bytes.</summary>
    Binary,
    /// <summary>VARBINARY(n); BYTES is VARBINARY(2147483647).</summary>
    VarBinary,
    /// <summary>DATE: a day without time zone.</summary>
    Date,
    /// <summary>TIME(p): a time of day without time zone.</summary>
    Time,
    /// <summary>TIMESTAMP(p) / TIMESTAMP(p) WITHOUT TIME ZONE: a date-time without time zone.</summary>
    Timestamp,
    /// <summary>TIMESTAMP_LTZ(p) / TIMESTAMP(p) WITH LOCAL TIME ZONE: an instant.</summary>
    TimestampLtz,
    /// <summary>INTERVAL YEAR TO MONTH (and YEAR, MONTH): a number of months.</summary>
    IntervalYearMonth,
    /// <summary>INTERVAL DAY TO SECOND (and its sub-ranges): a duration.</summary>
    IntervalDayTime,
    /// <summary>ARRAY&lt;t&gt;.</summary>
    Array,
    /// <summary>MAP&lt;k, v&gt;.</summary>
    Map,
    /// <summary>MULTISET&lt;t&gt;: a bag, represented as a map from element to count.</summary>
    Multiset,
    /// <summary>ROW&lt;name type, ...&gt;.</summary>
    Row,
    /// <summary>NULL: the type of an untyped NULL literal.</summary>
    Null,
}

/// <summary>A named field of a <see cref="SqlTypeKind.Row"/> type.</summary>
/// <param name="Name">The field's name, as declared (case is kept; lookups are case-sensitive, as Flink's).</param>
/// <param name="Type">The field's type.</param>
/// <param name="Description">The optional description (Flink's <c>ROW&lt;a INT 'comment'&gt;</c>).</param>
public sealed record SqlField(string Name, SqlType Type, string? Description = null);

/// <summary>
/// A SQL type as Flink's type system defines it (<c>LogicalType</c>): a kind, nullability and the kind's parameters.
/// Immutable and compared by value. <see cref="ToString"/> renders Flink's own spelling (<c>BIGINT NOT NULL</c>,
/// <c>STRING</c>, <c>DECIMAL(10, 2)</c>, <c>ROW&lt;`a` INT&gt;</c>), as <c>DESCRIBE</c> prints it.
/// </summary>
/// <remarks>
/// The CLR representation of each kind's values (the convention every function, format and row accessor follows)
/// is <see cref="ClrType"/>: BOOLEAN <see cref="bool"/>; TINYINT <see cref="sbyte"/>; SMALLINT <see cref="short"/>;
/// INT <see cref="int"/>; BIGINT <see cref="long"/>; FLOAT <see cref="float"/>; DOUBLE <see cref="double"/>;
/// DECIMAL <see cref="decimal"/> (a value beyond its 28–29 digits is an overflow, which yields NULL as in Flink);
/// CHAR/VARCHAR <see cref="string"/>; BINARY/VARBINARY <see cref="byte"/>[]; DATE <see cref="DateOnly"/>;
/// TIME <see cref="TimeOnly"/>; TIMESTAMP <see cref="DateTime"/> (kind Unspecified, 100 ns resolution, so
/// precisions 8 and 9 are truncated to 7 digits); TIMESTAMP_LTZ <see cref="DateTimeOffset"/> (offset zero);
/// INTERVAL YEAR TO MONTH <see cref="int"/> months; INTERVAL DAY TO SECOND <see cref="TimeSpan"/>;
/// ARRAY <see cref="object"/>?[] of element values; MAP and MULTISET <see cref="Dictionary{TKey,TValue}"/> of
/// <see cref="object"/> to <see cref="object"/>? (a multiset's values are <see cref="int"/> counts);
/// ROW <see cref="Types.Row"/>. SQL NULL is <see langword="null"/>.
/// </remarks>
public sealed class SqlType : IEquatable<SqlType>
{
    /// <summary>The largest length of CHAR/VARCHAR/BINARY/VARBINARY; VARCHAR of it is STRING.</summary>
    public const int MaxLength = int.MaxValue;

    /// <summary>The largest DECIMAL precision Flink accepts.</summary>
    public const int MaxDecimalPrecision = 38;

    /// <summary>The largest fractional-second precision of TIME and TIMESTAMP.</summary>
    public const int MaxTimePrecision = 9;

    private SqlType(
        SqlTypeKind kind, bool isNullable, int length = 0, int precision = 0, int scale = 0,
        SqlType? elementType = null, SqlType? valueType = null, ImmutableArray<SqlField> fields = default)
    {
        Kind = kind;
        IsNullable = isNullable;
        Length = length;
        Precision = precision;
        Scale = scale;
        ElementType = elementType;
        ValueType = valueType;
        Fields = fields.IsDefault ? [] : fields;
    }

    /// <summary>The type's kind.</summary>
    public SqlTypeKind Kind { get; }

    /// <summary>Whether the type admits NULL (Flink's default; <c>NOT NULL</c> clears it).</summary>
    public bool IsNullable { get; }

    /// <summary>The length of CHAR, VARCHAR, BINARY and VARBINARY; 0 for other kinds.</summary>
    public int Length { get; }

    /// <summary>
    /// The precision: digits of DECIMAL; fractional-second digits of TIME, TIMESTAMP, TIMESTAMP_LTZ and
    /// INTERVAL DAY TO SECOND; year digits of INTERVAL YEAR TO MONTH; 0 for other kinds.
    /// </summary>
    public int Precision { get; }

    /// <summary>The scale of DECIMAL; the day-precision of INTERVAL DAY TO SECOND; 0 for other kinds.</summary>
    public int Scale { get; }

    /// <summary>The element type of ARRAY and MULTISET, the key type of MAP.</summary>
    public SqlType? ElementType { get; }

    /// <summary>The value type of MAP.</summary>
    public SqlType? ValueType { get; }

    /// <summary>The fields of ROW; empty for other kinds.</summary>
    public ImmutableArray<SqlField> Fields { get; }

    /// <summary>BOOLEAN.</summary>
    public static SqlType Boolean { get; } = new(SqlTypeKind.Boolean, true);
    /// <summary>TINYINT.</summary>
    public static SqlType TinyInt { get; } = new(SqlTypeKind.TinyInt, true);
    /// <summary>SMALLINT.</summary>
    public static SqlType SmallInt { get; } = new(SqlTypeKind.SmallInt, true);
    /// <summary>INT.</summary>
    public static SqlType Int { get; } = new(SqlTypeKind.Int, true);
    /// <summary>BIGINT.</summary>
    public static SqlType BigInt { get; } = new(SqlTypeKind.BigInt, true);
    /// <summary>FLOAT.</summary>
    public static SqlType Float { get; } = new(SqlTypeKind.Float, true);
    /// <summary>DOUBLE.</summary>
    public static SqlType Double { get; } = new(SqlTypeKind.Double, true);
    /// <summary>STRING (VARCHAR(2147483647)).</summary>
    public static SqlType String { get; } = new(SqlTypeKind.VarChar, true, length: MaxLength);
    /// <summary>BYTES (VARBINARY(2147483647)).</summary>
    public static SqlType Bytes { get; } = new(SqlTypeKind.VarBinary, true, length: MaxLength);
    /// <summary>DATE.</summary>
    public static SqlType Date { get; } = new(SqlTypeKind.Date, true);
    /// <summary>NULL, the type of an untyped NULL literal.</summary>
    public static SqlType Null { get; } = new(SqlTypeKind.Null, true);

    /// <summary>DECIMAL(precision, scale); Flink's default DECIMAL is DECIMAL(10, 0).</summary>
    public static SqlType Decimal(int precision = 10, int scale = 0)
    {
        if (precision is < 1 or > MaxDecimalPrecision)
            throw new ArgumentOutOfRangeException(nameof(precision), precision, $"Decimal precision must be between 1 and {MaxDecimalPrecision} (both inclusive).");
        if (scale < 0 || scale > precision)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"Decimal scale must be between 0 and the precision {precision} (both inclusive).");
        return new(SqlTypeKind.Decimal, true, precision: precision, scale: scale);
    }

    /// <summary>CHAR(length); Flink's default CHAR is CHAR(1).</summary>
    public static SqlType Char(int length = 1) => new(SqlTypeKind.Char, true, length: CheckLength(length));

    /// <summary>VARCHAR(length); Flink's default VARCHAR is VARCHAR(1).</summary>
    public static SqlType VarChar(int length = 1) => new(SqlTypeKind.VarChar, true, length: CheckLength(length));

    /// <summary>BINARY(length); Flink's default BINARY is BINARY(1).</summary>
    public static SqlType Binary(int length = 1) => new(SqlTypeKind.Binary, true, length: CheckLength(length));

    /// <summary>VARBINARY(length); Flink's default VARBINARY is VARBINARY(1).</summary>
    public static SqlType VarBinary(int length = 1) => new(SqlTypeKind.VarBinary, true, length: CheckLength(length));

    /// <summary>TIME(precision); Flink's default TIME is TIME(0).</summary>
    public static SqlType Time(int precision = 0) => new(SqlTypeKind.Time, true, precision: CheckTimePrecision(precision));

    /// <summary>TIMESTAMP(precision); Flink's default TIMESTAMP is TIMESTAMP(6).</summary>
    public static SqlType Timestamp(int precision = 6) => new(SqlTypeKind.Timestamp, true, precision: CheckTimePrecision(precision));

    /// <summary>TIMESTAMP_LTZ(precision); Flink's default TIMESTAMP_LTZ is TIMESTAMP_LTZ(6).</summary>
    public static SqlType TimestampLtz(int precision = 6) => new(SqlTypeKind.TimestampLtz, true, precision: CheckTimePrecision(precision));

    /// <summary>INTERVAL YEAR(yearPrecision) TO MONTH; Flink's default year precision is 2.</summary>
    public static SqlType IntervalYearMonth(int yearPrecision = 2) =>
        yearPrecision is < 1 or > 4
            ? throw new ArgumentOutOfRangeException(nameof(yearPrecision), yearPrecision, "Year precision of year-month intervals must be between 1 and 4 (both inclusive).")
            : new(SqlTypeKind.IntervalYearMonth, true, precision: yearPrecision);

    /// <summary>INTERVAL DAY(dayPrecision) TO SECOND(fractionalPrecision); Flink's defaults are 2 and 6.</summary>
    public static SqlType IntervalDayTime(int dayPrecision = 2, int fractionalPrecision = 6)
    {
        if (dayPrecision is < 1 or > 6)
            throw new ArgumentOutOfRangeException(nameof(dayPrecision), dayPrecision, "Day precision of day-time intervals must be between 1 and 6 (both inclusive).");
        return new(SqlTypeKind.IntervalDayTime, true, precision: CheckTimePrecision(fractionalPrecision), scale: dayPrecision);
    }

    /// <summary>ARRAY&lt;element&gt;.</summary>
    public static SqlType Array(SqlType element) => new(SqlTypeKind.Array, true, elementType: element ?? throw new ArgumentNullException(nameof(element)));

    /// <summary>MULTISET&lt;element&gt;.</summary>
    public static SqlType Multiset(SqlType element) => new(SqlTypeKind.Multiset, true, elementType: element ?? throw new ArgumentNullException(nameof(element)));

    /// <summary>MAP&lt;key, value&gt;.</summary>
    public static SqlType Map(SqlType key, SqlType value) =>
        new(SqlTypeKind.Map, true, elementType: key ?? throw new ArgumentNullException(nameof(key)), valueType: value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>ROW&lt;fields&gt;; field names must be distinct.</summary>
    public static SqlType Row(IEnumerable<SqlField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var list = fields.ToImmutableArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in list)
        {
            if (!names.Add(field.Name))
                throw new ArgumentException($"Field names must be unique. Found duplicates: [{field.Name}]", nameof(fields));
        }
        return new(SqlTypeKind.Row, true, fields: list);
    }

    /// <summary>ROW&lt;fields&gt;.</summary>
    public static SqlType Row(params SqlField[] fields) => Row((IEnumerable<SqlField>)fields);

    /// <summary>This type with the given nullability (<c>NOT NULL</c> when <paramref name="nullable"/> is false).</summary>
    public SqlType WithNullability(bool nullable) =>
        nullable == IsNullable ? this : new(Kind, nullable, Length, Precision, Scale, ElementType, ValueType, Fields);

    /// <summary>This type, NOT NULL.</summary>
    public SqlType NotNull() => WithNullability(false);

    /// <summary>Whether the kind is an exact or approximate number (TINYINT to DOUBLE and DECIMAL).</summary>
    public bool IsNumeric => Kind is >= SqlTypeKind.TinyInt and <= SqlTypeKind.Decimal;

    /// <summary>Whether the kind is an integer (TINYINT, SMALLINT, INT, BIGINT).</summary>
    public bool IsInteger => Kind is >= SqlTypeKind.TinyInt and <= SqlTypeKind.BigInt;

    /// <summary>Whether the kind is a character string (CHAR, VARCHAR).</summary>
    public bool IsCharacterString => Kind is SqlTypeKind.Char or SqlTypeKind.VarChar;

    /// <summary>Whether the kind is a binary string (BINARY, VARBINARY).</summary>
    public bool IsBinaryString => Kind is SqlTypeKind.Binary or SqlTypeKind.VarBinary;

    /// <summary>Whether the kind is a date-time (DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ).</summary>
    public bool IsDateTime => Kind is >= SqlTypeKind.Date and <= SqlTypeKind.TimestampLtz;

    /// <summary>Whether the kind is an interval.</summary>
    public bool IsInterval => Kind is SqlTypeKind.IntervalYearMonth or SqlTypeKind.IntervalDayTime;

    /// <summary>Whether values of the kind are stored in a row's primitive slot rather than as objects.</summary>
    public bool IsPrimitive => Kind is >= SqlTypeKind.Boolean and <= SqlTypeKind.Double
        or >= SqlTypeKind.Date and <= SqlTypeKind.IntervalDayTime;

    /// <summary>The CLR type of the kind's values (see the remarks of <see cref="SqlType"/>).</summary>
    public Type ClrType => Kind switch
    {
        SqlTypeKind.Boolean => typeof(bool),
        SqlTypeKind.TinyInt => typeof(sbyte),
        SqlTypeKind.SmallInt => typeof(short),
        SqlTypeKind.Int => typeof(int),
        SqlTypeKind.BigInt => typeof(long),
        SqlTypeKind.Float => typeof(float),
        SqlTypeKind.Double => typeof(double),
        SqlTypeKind.Decimal => typeof(decimal),
        SqlTypeKind.Char or SqlTypeKind.VarChar => typeof(string),
        SqlTypeKind.Binary or SqlTypeKind.VarBinary => typeof(byte[]),
        SqlTypeKind.Date => typeof(DateOnly),
        SqlTypeKind.Time => typeof(TimeOnly),
        SqlTypeKind.Timestamp => typeof(DateTime),
        SqlTypeKind.TimestampLtz => typeof(DateTimeOffset),
        SqlTypeKind.IntervalYearMonth => typeof(int),
        SqlTypeKind.IntervalDayTime => typeof(TimeSpan),
        SqlTypeKind.Array => typeof(object[]),
        SqlTypeKind.Map or SqlTypeKind.Multiset => typeof(Dictionary<object, object?>),
        SqlTypeKind.Row => typeof(Row),
        SqlTypeKind.Null => typeof(object),
        _ => throw new InvalidOperationException($"Unknown type kind {Kind}."),
    };

    /// <summary>Flink's spelling of the type, as <c>DESCRIBE</c> prints it.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        Append(text);
        return text.ToString();
    }

    /// <summary>Flink's spelling of the type without <c>NOT NULL</c>.</summary>
    public string ToNullableString() => WithNullability(true).ToString();

    private void Append(StringBuilder text)
    {
        var c = CultureInfo.InvariantCulture;
        switch (Kind)
        {
            case SqlTypeKind.Boolean: text.Append("BOOLEAN"); break;
            case SqlTypeKind.TinyInt: text.Append("TINYINT"); break;
            case SqlTypeKind.SmallInt: text.Append("SMALLINT"); break;
            case SqlTypeKind.Int: text.Append("INT"); break;
            case SqlTypeKind.BigInt: text.Append("BIGINT"); break;
            case SqlTypeKind.Float: text.Append("FLOAT"); break;
            case SqlTypeKind.Double: text.Append("DOUBLE"); break;
            case SqlTypeKind.Decimal: text.Append(c, $"DECIMAL({Precision}, {Scale})"); break;
            case SqlTypeKind.Char: text.Append(c, $"CHAR({Length})"); break;
            case SqlTypeKind.VarChar: text.Append(Length == MaxLength ? "STRING" : string.Create(c, $"VARCHAR({Length})")); break;
            case SqlTypeKind.Binary: text.Append(c, $"BINARY({Length})"); break;
            case SqlTypeKind.VarBinary: text.Append(Length == MaxLength ? "BYTES" : string.Create(c, $"VARBINARY({Length})")); break;
            case SqlTypeKind.Date: text.Append("DATE"); break;
            case SqlTypeKind.Time: text.Append(c, $"TIME({Precision})"); break;
            case SqlTypeKind.Timestamp: text.Append(c, $"TIMESTAMP({Precision})"); break;
            case SqlTypeKind.TimestampLtz: text.Append(c, $"TIMESTAMP_LTZ({Precision})"); break;
            case SqlTypeKind.IntervalYearMonth: text.Append(c, $"INTERVAL YEAR({Precision}) TO MONTH"); break;
            case SqlTypeKind.IntervalDayTime: text.Append(c, $"INTERVAL DAY({Scale}) TO SECOND({Precision})"); break;
            case SqlTypeKind.Array:
                text.Append("ARRAY<");
                ElementType!.Append(text);
                text.Append('>');
                break;
            case SqlTypeKind.Multiset:
                text.Append("MULTISET<");
                ElementType!.Append(text);
                text.Append('>');
                break;
            case SqlTypeKind.Map:
                text.Append("MAP<");
                ElementType!.Append(text);
                text.Append(", ");
                ValueType!.Append(text);
                text.Append('>');
                break;
            case SqlTypeKind.Row:
                text.Append("ROW<");
                for (var i = 0; i < Fields.Length; i++)
                {
                    if (i > 0)
                        text.Append(", ");
                    text.Append('`').Append(Fields[i].Name.Replace("`", "``", StringComparison.Ordinal)).Append("` ");
                    Fields[i].Type.Append(text);
                    if (Fields[i].Description is { } description)
                        text.Append(" '").Append(description.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
                }
                text.Append('>');
                break;
            case SqlTypeKind.Null: text.Append("NULL"); return;
        }
        if (!IsNullable)
            text.Append(" NOT NULL");
    }

    /// <inheritdoc/>
    public bool Equals(SqlType? other)
    {
        if (ReferenceEquals(this, other))
            return true;
        if (other is null || other.Kind != Kind || other.IsNullable != IsNullable || other.Length != Length
            || other.Precision != Precision || other.Scale != Scale
            || !Equals(other.ElementType, ElementType) || !Equals(other.ValueType, ValueType)
            || other.Fields.Length != Fields.Length)
            return false;
        for (var i = 0; i < Fields.Length; i++)
        {
            if (Fields[i] != other.Fields[i])
                return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SqlType);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        hash.Add(IsNullable);
        hash.Add(Length);
        hash.Add(Precision);
        hash.Add(Scale);
        hash.Add(ElementType);
        hash.Add(ValueType);
        foreach (var field in Fields)
            hash.Add(field);
        return hash.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(SqlType? left, SqlType? right) => Equals(left, right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(SqlType? left, SqlType? right) => !Equals(left, right);

    private static int CheckLength(int length) =>
        length >= 1 ? length : throw new ArgumentOutOfRangeException(nameof(length), length, $"Length must be between 1 and {MaxLength} (both inclusive).");

    private static int CheckTimePrecision(int precision) =>
        precision is >= 0 and <= MaxTimePrecision
            ? precision
            : throw new ArgumentOutOfRangeException(nameof(precision), precision, $"Precision must be between 0 and {MaxTimePrecision} (both inclusive).");
}
