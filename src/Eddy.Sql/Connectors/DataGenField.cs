using System.Buffers.Binary;
using System.Globalization;
using Eddy.Sql.Planning;
using Eddy.Sql.Types;

namespace Eddy.Sql.Connectors;

/// <summary>
/// The generator of one column of a datagen table, as Flink's <c>RandomGeneratorVisitor</c> and
/// <c>SequenceGeneratorVisitor</c> build them from the <c>fields.#.*</c> options: a random value within the column's
/// bounds (or NULL at <c>null-rate</c>), or the next value of a sequence, which is a function of the row's index so a
/// restarted generator continues where the topic ends.
/// </summary>
internal abstract class DataGenField(SqlType type, double nullRate)
{
    /// <summary>The column's type.</summary>
    public SqlType Type { get; } = type;

    /// <summary>The rows a sequence has (<c>end - start + 1</c>); null for a random column, which never ends.</summary>
    public virtual long? Length => null;

    /// <summary>Writes the value of row <paramref name="index"/> (0 for the first row ever generated) into a column.</summary>
    public void Write(Row row, int column, long index, Random random)
    {
        if (nullRate > 0 && random.NextDouble() < nullRate)
        {
            row.SetNull(column);
            return;
        }
        WriteValue(row, column, index, random);
    }

    /// <summary>The value of row <paramref name="index"/>, boxed (the slow path, for nested types).</summary>
    public object? Value(long index, Random random) => nullRate > 0 && random.NextDouble() < nullRate ? null : NextValue(index, random);

    protected abstract object? NextValue(long index, Random random);

    protected virtual void WriteValue(Row row, int column, long index, Random random) => row.SetValue(column, Type, NextValue(index, random));

    /// <summary>
    /// The generator of a column named <paramref name="name"/> (<c>fields.{name}.*</c>); nested columns (an array's
    /// element, a map's key and value, a row's fields) take their defaults, named as Flink names them
    /// (<c>{name}.element</c>, <c>{name}.key</c>, <c>{name}.{field}</c>).
    /// </summary>
    /// <exception cref="PlanningException">An option does not parse as the column's type, or the type has no generator.</exception>
    public static DataGenField Of(string name, SqlType type, IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(options);
        var settings = new Settings(name, options);
        return settings.Text("kind")?.Trim().Equals("sequence", StringComparison.OrdinalIgnoreCase) == true ? Sequence(settings, type) : Random(settings, type);
    }

    private static DataGenField Random(Settings s, SqlType type)
    {
        var nullRate = s.Double("null-rate") ?? 0;
        if (nullRate is < 0 or > 1)
            throw new PlanningException($"'{s.Key("null-rate")}' must be between 0 and 1, but is {nullRate.ToString(CultureInfo.InvariantCulture)}.");
        switch (type.Kind)
        {
            case SqlTypeKind.Boolean:
                return new RandomBoolean(type, nullRate);
            case SqlTypeKind.TinyInt:
                return new RandomInteger(type, nullRate, s.Bounds(sbyte.MinValue, sbyte.MaxValue));
            case SqlTypeKind.SmallInt:
                return new RandomInteger(type, nullRate, s.Bounds(short.MinValue, short.MaxValue));
            case SqlTypeKind.Int:
                return new RandomInteger(type, nullRate, s.Bounds(int.MinValue, int.MaxValue));
            case SqlTypeKind.BigInt:
                return new RandomInteger(type, nullRate, s.Bounds(long.MinValue, long.MaxValue));
            case SqlTypeKind.IntervalYearMonth:
                return new RandomInteger(type, nullRate, s.Bounds(0, 120000));
            case SqlTypeKind.IntervalDayTime:
                // Flink's value is milliseconds over the whole long range; a TimeSpan holds about ±29 000 years of them.
                return new RandomInteger(type, nullRate, s.Bounds(TimeSpan.MinValue.Ticks / TimeSpan.TicksPerMillisecond, TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMillisecond));
            case SqlTypeKind.Float:
                return new RandomReal(type, nullRate, s.RealBounds(float.Epsilon, float.MaxValue));
            case SqlTypeKind.Double:
                return new RandomReal(type, nullRate, s.RealBounds(double.Epsilon, double.MaxValue));
            case SqlTypeKind.Decimal:
                return new RandomDecimal(type, nullRate, s.RealBounds(double.Epsilon, double.MaxValue));
            case SqlTypeKind.Char:
                return new RandomText(type, nullRate, type.Length, varLength: false);
            case SqlTypeKind.VarChar:
                return new RandomText(type, nullRate, s.Length(type.Length == SqlType.MaxLength ? 100 : type.Length), s.Boolean("var-len"));
            case SqlTypeKind.Binary:
                return new RandomBytes(type, nullRate, type.Length, varLength: false);
            case SqlTypeKind.VarBinary:
                return new RandomBytes(type, nullRate, s.Length(type.Length == SqlType.MaxLength ? 100 : type.Length), s.Boolean("var-len"));
            case SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz:
                return new RandomPastTimestamp(type, nullRate, s.Duration("max-past"));
            case SqlTypeKind.Array:
                return new RandomArray(type, nullRate, s.Length(3), Of($"{s.Name}.element", type.ElementType!, s.Options));
            case SqlTypeKind.Multiset:
                return new RandomMap(type, nullRate, s.Length(3), Of($"{s.Name}.element", type.ElementType!, s.Options), new RandomInteger(SqlType.Int, 0, (0, 10)));
            case SqlTypeKind.Map:
                return new RandomMap(type, nullRate, s.Length(3), Of($"{s.Name}.key", type.ElementType!, s.Options), Of($"{s.Name}.value", type.ValueType!, s.Options));
            case SqlTypeKind.Row:
                return new RandomRow(type, nullRate, [.. type.Fields.Select(f => Of($"{s.Name}.{f.Name}", f.Type, s.Options))]);
            default:
                throw new PlanningException($"Unsupported type: {type}");
        }
    }

    private static DataGenField Sequence(Settings s, SqlType type)
    {
        var start = s.Long("start") ?? throw new PlanningException($"Could not find required property '{s.Key("start")}' for sequence generator.");
        var end = s.Long("end") ?? throw new PlanningException($"Could not find required property '{s.Key("end")}' for sequence generator.");
        if (start > end)
            throw new PlanningException($"'{s.Key("start")}' ({start}) must not be greater than '{s.Key("end")}' ({end}).");
        var (min, max) = type.Kind switch
        {
            SqlTypeKind.TinyInt => (sbyte.MinValue, sbyte.MaxValue),
            SqlTypeKind.SmallInt => (short.MinValue, short.MaxValue),
            SqlTypeKind.Int => (int.MinValue, int.MaxValue),
            _ => (long.MinValue, long.MaxValue),
        };
        if (start < min || end > max)
            throw new PlanningException($"The sequence {start}..{end} of '{s.Name}' does not fit its type {type}.");
        return type.Kind switch
        {
            // As Flink: a BOOLEAN "sequence" is random.
            SqlTypeKind.Boolean => new RandomBoolean(type, 0),
            SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt or SqlTypeKind.Float or SqlTypeKind.Double
                or SqlTypeKind.Decimal or SqlTypeKind.Char or SqlTypeKind.VarChar or SqlTypeKind.Binary or SqlTypeKind.VarBinary => new SequenceField(type, start, end),
            _ => throw new PlanningException($"Unsupported type: {type}"),
        };
    }

    /// <summary>The <c>fields.{name}.*</c> options of one column, parsed with Flink's messages.</summary>
    private readonly record struct Settings(string Name, IReadOnlyDictionary<string, string> Options)
    {
        public string Key(string option) => $"fields.{Name}.{option}";

        public string? Text(string option) => Options.TryGetValue(Key(option), out var text) ? text : null;

        public long? Long(string option) => Text(option) is { } text
            ? long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw CannotParse(option, text)
            : null;

        public double? Double(string option) => Text(option) is { } text
            ? double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw CannotParse(option, text)
            : null;

        public bool Boolean(string option) => Text(option) is { } text && text.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);

        public int Length(int defaultLength)
        {
            var length = Long("length") ?? defaultLength;
            return length is < 1 or > int.MaxValue ? throw new PlanningException($"'{Key("length")}' must be at least 1, but is {length}.") : (int)length;
        }

        public (long Min, long Max) Bounds(long defaultMin, long defaultMax)
        {
            var min = Long("min") ?? defaultMin;
            var max = Long("max") ?? defaultMax;
            if (min < defaultMin || max > defaultMax)
                throw new PlanningException($"The bounds {min}..{max} of '{Name}' do not fit its type ({defaultMin}..{defaultMax}).");
            return min > max ? throw new PlanningException($"'{Key("min")}' ({min}) must not be greater than '{Key("max")}' ({max}).") : (min, max);
        }

        public (double Min, double Max) RealBounds(double defaultMin, double defaultMax)
        {
            var min = Double("min") ?? defaultMin;
            var max = Double("max") ?? defaultMax;
            return min > max ? throw new PlanningException($"'{Key("min")}' ({min.ToString(CultureInfo.InvariantCulture)}) must not be greater than '{Key("max")}' ({max.ToString(CultureInfo.InvariantCulture)}).") : (min, max);
        }

        public TimeSpan Duration(string option) => Text(option) is { } text
            ? DataGenDuration.Parse(text) ?? throw CannotParse(option, text)
            : TimeSpan.Zero;

        private PlanningException CannotParse(string option, string text) => new($"Could not parse value '{text}' for key '{Key(option)}'.");
    }

    private sealed class RandomBoolean(SqlType type, double nullRate) : DataGenField(type, nullRate)
    {
        protected override object? NextValue(long index, Random random) => random.Next(2) == 1;

        protected override void WriteValue(Row row, int column, long index, Random random) => row.SetBoolean(column, random.Next(2) == 1);
    }

    /// <summary>An integer kind (and the intervals, which are integers of months or milliseconds), uniform over [min, max].</summary>
    private sealed class RandomInteger(SqlType type, double nullRate, (long Min, long Max) bounds) : DataGenField(type, nullRate)
    {
        // The width as an unsigned number, so the whole long range (Flink's BIGINT default) does not overflow.
        private readonly ulong _width = unchecked((ulong)(bounds.Max - bounds.Min));

        private long Next(Random random)
        {
            var bits = ((ulong)random.NextInt64() << 1) ^ (ulong)random.Next(2);
            return unchecked(bounds.Min + (long)(_width == ulong.MaxValue ? bits : bits % (_width + 1)));
        }

        protected override object? NextValue(long index, Random random) => Box(Type.Kind, Next(random));

        protected override void WriteValue(Row row, int column, long index, Random random)
        {
            var value = Next(random);
            if (Type.Kind == SqlTypeKind.IntervalDayTime)
                row.SetIntervalDayTime(column, TimeSpan.FromMilliseconds(value));
            else
                row.SetRaw(column, value);
        }
    }

    private sealed class RandomReal(SqlType type, double nullRate, (double Min, double Max) bounds) : DataGenField(type, nullRate)
    {
        private double Next(Random random) => bounds.Min + (random.NextDouble() * (bounds.Max - bounds.Min));

        protected override object? NextValue(long index, Random random) => Type.Kind == SqlTypeKind.Float ? (float)Next(random) : Next(random);

        protected override void WriteValue(Row row, int column, long index, Random random)
        {
            if (Type.Kind == SqlTypeKind.Float)
                row.SetFloat(column, (float)Next(random));
            else
                row.SetDouble(column, Next(random));
        }
    }

    /// <summary>A DECIMAL(p, s) uniform over [min, max] clipped to what the precision (and a CLR decimal) holds, rounded to the scale.</summary>
    private sealed class RandomDecimal(SqlType type, double nullRate, (double Min, double Max) bounds) : DataGenField(type, nullRate)
    {
        private readonly double _limit = Math.Min(Math.Pow(10, type.Precision - type.Scale) - Math.Pow(10, -type.Scale), 7.9e28);

        protected override object? NextValue(long index, Random random)
        {
            var min = Math.Max(bounds.Min, -_limit);
            var max = Math.Min(bounds.Max, _limit);
            var value = min + (random.NextDouble() * (max - min));
            return Math.Round((decimal)Math.Clamp(value, -_limit, _limit), Type.Scale, MidpointRounding.AwayFromZero);
        }
    }

    /// <summary>Random hexadecimal text (Flink's <c>nextHexString</c>); of a random length in [1, length) with <c>var-len</c>.</summary>
    private sealed class RandomText(SqlType type, double nullRate, int length, bool varLength) : DataGenField(type, nullRate)
    {
        protected override object? NextValue(long index, Random random)
        {
            var size = varLength && length > 1 ? random.Next(1, length) : length;
            return string.Create(size, random, static (chars, r) =>
            {
                for (var i = 0; i < chars.Length; i++)
                    chars[i] = "0123456789abcdef"[r.Next(16)];
            });
        }
    }

    private sealed class RandomBytes(SqlType type, double nullRate, int length, bool varLength) : DataGenField(type, nullRate)
    {
        protected override object? NextValue(long index, Random random)
        {
            var bytes = new byte[varLength && length > 1 ? random.Next(1, length) : length];
            random.NextBytes(bytes);
            return bytes;
        }
    }

    /// <summary>The current time less a random duration in [0, max-past).</summary>
    private sealed class RandomPastTimestamp(SqlType type, double nullRate, TimeSpan maxPast) : DataGenField(type, nullRate)
    {
        private long Ticks(Random random)
        {
            var now = DateTime.UtcNow.Ticks;
            var maxPastMillis = (long)maxPast.TotalMilliseconds;
            // Flink's TimestampData.fromEpochMillis: millisecond precision.
            now -= now % TimeSpan.TicksPerMillisecond;
            return maxPastMillis > 0 ? now - (random.NextInt64(0, maxPastMillis) * TimeSpan.TicksPerMillisecond) : now;
        }

        protected override object? NextValue(long index, Random random) => Type.Kind == SqlTypeKind.Timestamp
            ? new DateTime(Ticks(random), DateTimeKind.Unspecified)
            : new DateTimeOffset(Ticks(random), TimeSpan.Zero);

        protected override void WriteValue(Row row, int column, long index, Random random) => row.SetRaw(column, Ticks(random));
    }

    private sealed class RandomArray(SqlType type, double nullRate, int length, DataGenField element) : DataGenField(type, nullRate)
    {
        protected override object? NextValue(long index, Random random)
        {
            var values = new object?[length];
            for (var i = 0; i < values.Length; i++)
                values[i] = element.Value(index, random);
            return values;
        }
    }

    /// <summary>A MAP (or a MULTISET, whose values are counts) of up to <c>length</c> entries: generated keys may repeat.</summary>
    private sealed class RandomMap(SqlType type, double nullRate, int length, DataGenField key, DataGenField value) : DataGenField(type, nullRate)
    {
        protected override object? NextValue(long index, Random random)
        {
            var map = new Dictionary<object, object?>(length);
            for (var i = 0; i < length; i++)
            {
                if (key.Value(index, random) is { } k)
                    map[k] = value.Value(index, random);
            }
            return map;
        }
    }

    private sealed class RandomRow(SqlType type, double nullRate, DataGenField[] fields) : DataGenField(type, nullRate)
    {
        protected override object? NextValue(long index, Random random)
        {
            var row = new Row(fields.Length);
            for (var i = 0; i < fields.Length; i++)
                fields[i].Write(row, i, index, random);
            return row;
        }
    }

    /// <summary>
    /// <c>start + index</c> as the column's type (decimal numbers, text of the number, or its 8 big-endian bytes, as
    /// Flink's sequence generators write them).
    /// </summary>
    private sealed class SequenceField(SqlType type, long start, long end) : DataGenField(type, 0)
    {
        public override long? Length => end - start + 1;

        protected override object? NextValue(long index, Random random)
        {
            var value = start + index;
            return Type.Kind switch
            {
                SqlTypeKind.Float => (float)value,
                SqlTypeKind.Double => (double)value,
                SqlTypeKind.Decimal => (decimal)value,
                SqlTypeKind.Char or SqlTypeKind.VarChar => value.ToString(CultureInfo.InvariantCulture),
                SqlTypeKind.Binary or SqlTypeKind.VarBinary => BigEndian(value),
                _ => Box(Type.Kind, value),
            };
        }

        protected override void WriteValue(Row row, int column, long index, Random random)
        {
            switch (Type.Kind)
            {
                case SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt:
                    row.SetRaw(column, start + index);
                    break;
                case SqlTypeKind.Double:
                    row.SetDouble(column, start + index);
                    break;
                default:
                    row.SetValue(column, Type, NextValue(index, random));
                    break;
            }
        }

        private static byte[] BigEndian(long value)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            return bytes;
        }
    }

    private static object Box(SqlTypeKind kind, long value) => kind switch
    {
        SqlTypeKind.TinyInt => (sbyte)value,
        SqlTypeKind.SmallInt => (short)value,
        SqlTypeKind.Int or SqlTypeKind.IntervalYearMonth => (int)value,
        SqlTypeKind.IntervalDayTime => TimeSpan.FromMilliseconds(value),
        _ => value,
    };
}
