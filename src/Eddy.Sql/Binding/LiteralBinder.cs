using System.Globalization;
using Eddy.Sql.Functions;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Binding;

/// <summary>
/// Types literals as Flink does: an integer literal is INT when it fits, else BIGINT, else DECIMAL(p, 0); an exact
/// numeric with a point DECIMAL(p, s) of its digits; one with an exponent DOUBLE; a string CHAR(n); date-time literals
/// their type with the written fractional digits as precision; an interval its year-month or day-time type. Every
/// literal but NULL is NOT NULL.
/// </summary>
internal static class LiteralBinder
{
    public static RexLiteral? TryBind(Expression expression) => expression switch
    {
        NumericLiteral number => Numeric(number, number.Text),
        StringLiteral text => Rex.String(text.Value),
        BinaryLiteral binary => Binary(binary),
        BooleanLiteral { Value: { } value } => Rex.Boolean(value),
        BooleanLiteral => Rex.Null(SqlType.Boolean),
        NullLiteral => Rex.Null(SqlType.Null),
        DateTimeLiteral dateTime => DateTime(dateTime),
        IntervalLiteral interval => Interval(interval),
        _ => null,
    };

    /// <summary>A numeric literal; <paramref name="text"/> is its digits with a leading '-' when negated (so INT's minimum fits).</summary>
    public static RexLiteral Numeric(SqlNode node, string text)
    {
        var c = CultureInfo.InvariantCulture;
        if (node is NumericLiteral { IsApproximate: true })
            return double.TryParse(text, NumberStyles.Float, c, out var d) && double.IsFinite(d)
                ? Rex.Literal(d, SqlType.Double.NotNull())
                : throw BindingErrors.At(node, $"Numeric literal '{text}' out of range");
        var point = text.IndexOf('.', StringComparison.Ordinal);
        if (point < 0)
        {
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, c, out var i))
                return Rex.Int(i);
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, c, out var l))
                return Rex.BigInt(l);
        }
        var digits = text.TrimStart('-').Replace(".", "", StringComparison.Ordinal).TrimStart('0');
        var scale = point < 0 ? 0 : text.Length - point - 1;
        var precision = Math.Max(Math.Max(digits.Length, scale), 1);
        if (precision > SqlType.MaxDecimalPrecision || !decimal.TryParse(text, NumberStyles.Number, c, out var value))
            throw BindingErrors.At(node, $"Numeric literal '{text}' out of range");
        return Rex.Literal(value, SqlType.Decimal(precision, scale).NotNull());
    }

    private static RexLiteral Binary(BinaryLiteral binary)
    {
        var bytes = Convert.FromHexString(binary.Hex);
        return Rex.Literal(bytes, SqlType.Binary(Math.Max(1, bytes.Length)).NotNull());
    }

    private static RexLiteral DateTime(DateTimeLiteral literal)
    {
        var text = literal.Text.Trim();
        switch (literal.Kind)
        {
            case DateTimeLiteralKind.Date:
                return DateTimeText.TryParseDate(text, out var date)
                    ? Rex.Literal(date, SqlType.Date.NotNull())
                    : throw BindingErrors.At(literal, $"Illegal DATE literal '{literal.Text}': not in format 'yyyy-MM-dd'");
            case DateTimeLiteralKind.Time:
                return DateTimeText.TryParseTime(text, out var time)
                    ? Rex.Literal(time, SqlType.Time(FractionDigits(text)).NotNull())
                    : throw BindingErrors.At(literal, $"Illegal TIME literal '{literal.Text}': not in format 'HH:mm:ss'");
            case DateTimeLiteralKind.Timestamp:
                return DateTimeText.TryParseTimestamp(text, out var timestamp)
                    ? Rex.Literal(timestamp, SqlType.Timestamp(FractionDigits(text)).NotNull())
                    : throw BindingErrors.At(literal, $"Illegal TIMESTAMP literal '{literal.Text}': not in format 'yyyy-MM-dd HH:mm:ss'");
            default:
                // The session time zone is UTC (Eddy's default, as the expression compiler's context).
                return DateTimeText.TryParseTimestamp(text, out var local)
                    ? Rex.Literal(new DateTimeOffset(System.DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeSpan.Zero), SqlType.TimestampLtz(FractionDigits(text)).NotNull())
                    : throw BindingErrors.At(literal, $"Illegal TIMESTAMP_LTZ literal '{literal.Text}': not in format 'yyyy-MM-dd HH:mm:ss'");
        }
    }

    private static int FractionDigits(string text)
    {
        var point = text.LastIndexOf('.');
        return point < 0 ? 0 : Math.Min(SqlType.MaxTimePrecision, text.Length - point - 1);
    }

    private static RexLiteral Interval(IntervalLiteral literal)
    {
        var qualifier = literal.Qualifier;
        var text = literal.Text.Trim();
        var negative = text.StartsWith('-');
        var magnitude = negative || text.StartsWith('+') ? text[1..].Trim() : text;
        var c = CultureInfo.InvariantCulture;
        if (qualifier.IsYearMonth)
        {
            int? months = (qualifier.Start, qualifier.End) switch
            {
                (TimeUnit.Year, null) when int.TryParse(magnitude, NumberStyles.None, c, out var years) => years * 12,
                (TimeUnit.Month, null) when int.TryParse(magnitude, NumberStyles.None, c, out var m) => m,
                (TimeUnit.Year, TimeUnit.Month) when DateTimeText.TryParseYearMonthInterval(magnitude, out var ym) => ym,
                _ => null,
            };
            return months is { } value
                ? Rex.Literal(negative ? -value : value, SqlType.IntervalYearMonth().NotNull())
                : throw IllegalInterval(literal);
        }
        TimeSpan? span = null;
        if (qualifier.End is null && decimal.TryParse(magnitude, NumberStyles.AllowDecimalPoint, c, out var amount)
            && (qualifier.Start == TimeUnit.Second || decimal.IsInteger(amount)))
        {
            var ticks = qualifier.Start switch
            {
                TimeUnit.Day => TimeSpan.TicksPerDay,
                TimeUnit.Hour => TimeSpan.TicksPerHour,
                TimeUnit.Minute => TimeSpan.TicksPerMinute,
                TimeUnit.Second => TimeSpan.TicksPerSecond,
                _ => 0,
            };
            if (ticks > 0 && amount * ticks <= long.MaxValue)
                span = TimeSpan.FromTicks((long)(amount * ticks));
        }
        else if (qualifier is { Start: TimeUnit.Day, End: TimeUnit.Second } && DateTimeText.TryParseDayTimeInterval(magnitude, out var parsed))
        {
            span = parsed;
        }
        else if (qualifier.End is { } end && RangeInterval(qualifier.Start, end, magnitude) is { } ranged)
        {
            span = ranged;
        }
        return span is { } result
            ? Rex.Literal(negative ? result.Negate() : result, SqlType.IntervalDayTime().NotNull())
            : throw IllegalInterval(literal);
    }

    /// <summary>
    /// <c>'d hh'</c> DAY TO HOUR, <c>'d hh:mm'</c> DAY TO MINUTE, <c>'hh:mm'</c> HOUR TO MINUTE, <c>'hh:mm:ss'</c> HOUR TO
    /// SECOND, <c>'mm:ss'</c> MINUTE TO SECOND: the fields of the range, leading one first.
    /// </summary>
    private static TimeSpan? RangeInterval(TimeUnit start, TimeUnit end, string text)
    {
        var parts = text.Split([' ', ':'], StringSplitOptions.None);
        TimeUnit[] units = (start, end) switch
        {
            (TimeUnit.Day, TimeUnit.Hour) => [TimeUnit.Day, TimeUnit.Hour],
            (TimeUnit.Day, TimeUnit.Minute) => [TimeUnit.Day, TimeUnit.Hour, TimeUnit.Minute],
            (TimeUnit.Hour, TimeUnit.Minute) => [TimeUnit.Hour, TimeUnit.Minute],
            (TimeUnit.Hour, TimeUnit.Second) => [TimeUnit.Hour, TimeUnit.Minute, TimeUnit.Second],
            (TimeUnit.Minute, TimeUnit.Second) => [TimeUnit.Minute, TimeUnit.Second],
            _ => [],
        };
        if (units.Length == 0 || parts.Length != units.Length)
            return null;
        var total = TimeSpan.Zero;
        for (var i = 0; i < units.Length; i++)
        {
            if (!decimal.TryParse(parts[i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                || (units[i] != TimeUnit.Second && !decimal.IsInteger(value)))
                return null;
            total += units[i] switch
            {
                TimeUnit.Day => TimeSpan.FromDays((double)value),
                TimeUnit.Hour => TimeSpan.FromHours((double)value),
                TimeUnit.Minute => TimeSpan.FromMinutes((double)value),
                _ => TimeSpan.FromTicks((long)(value * TimeSpan.TicksPerSecond)),
            };
        }
        return total;
    }

    private static SqlValidationException IllegalInterval(IntervalLiteral literal) =>
        BindingErrors.At(literal, $"Illegal interval literal format '{literal.Text}' for INTERVAL {literal.Qualifier.ToSql()}");
}
