using System.Globalization;
using System.Text;
using Eddy.Engine.Records;
using Eddy.Sql.Functions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Connectors;

/// <summary>
/// Prints rows as Flink's print sink does (<c>Row.toString</c> of the external row): the row kind's short form and
/// the fields in brackets, <c>+I[1, abc, null]</c>, prefixed <c>identifier&gt; </c> when the table names one. Values
/// print as Java prints them: timestamps as <c>LocalDateTime</c> (<c>2024-01-02T03:04:05.123</c>), doubles as Java's
/// <c>Double.toString</c>, arrays and bytes as <c>[1, 2]</c>, maps as <c>{k=v}</c>.
/// </summary>
internal sealed class RowPrinter(IReadOnlyList<SqlType> types, string? identifier, bool standardError)
{
    /// <summary>Where the lines go in tests (the worker's stdout or stderr otherwise).</summary>
    internal static AsyncLocal<TextWriter?> Redirect { get; } = new();

    /// <summary>Prints one row.</summary>
    public void Print(RowKind kind, Row row)
    {
        var line = Format(kind, row);
        var writer = Redirect.Value ?? (standardError ? Console.Error : Console.Out);
        writer.WriteLine(line);
    }

    /// <summary>The line of one row.</summary>
    public string Format(RowKind kind, Row row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var text = new StringBuilder();
        if (identifier is not null)
            text.Append(identifier).Append("> ");
        AppendRow(text, kind, row, types);
        return text.ToString();
    }

    private static string ShortKind(RowKind kind) => kind switch
    {
        RowKind.UpdateBefore => "-U",
        RowKind.UpdateAfter => "+U",
        RowKind.Delete => "-D",
        _ => "+I",
    };

    private static void AppendRow(StringBuilder text, RowKind kind, Row row, IReadOnlyList<SqlType> types)
    {
        text.Append(ShortKind(kind)).Append('[');
        for (var i = 0; i < row.Arity; i++)
        {
            if (i > 0)
                text.Append(", ");
            AppendValue(text, row.GetValue(i, types[i]), types[i]);
        }
        text.Append(']');
    }

    private static void AppendValue(StringBuilder text, object? value, SqlType type)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case bool b:
                text.Append(b ? "true" : "false");
                break;
            case double d:
                text.Append(JavaText.FormatDouble(d));
                break;
            case float f:
                text.Append(JavaText.FormatFloat(f));
                break;
            case decimal m:
                text.Append(m.ToString(CultureInfo.InvariantCulture));
                break;
            case DateTime t:
                AppendLocal(text, t.Ticks, withDate: true);
                break;
            case DateTimeOffset t:
                AppendLocal(text, t.UtcTicks, withDate: true);
                text.Append('Z');
                break;
            case TimeOnly t:
                AppendLocal(text, t.Ticks, withDate: false);
                break;
            case DateOnly d:
                text.Append(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case byte[] bytes:
                text.Append('[');
                for (var i = 0; i < bytes.Length; i++)
                    text.Append(i > 0 ? ", " : "").Append(((sbyte)bytes[i]).ToString(CultureInfo.InvariantCulture));
                text.Append(']');
                break;
            case object?[] array:
                text.Append('[');
                for (var i = 0; i < array.Length; i++)
                {
                    if (i > 0)
                        text.Append(", ");
                    AppendValue(text, array[i], type.ElementType!);
                }
                text.Append(']');
                break;
            case Dictionary<object, object?> map:
                text.Append('{');
                var first = true;
                foreach (var (k, v) in map)
                {
                    text.Append(first ? "" : ", ");
                    first = false;
                    AppendValue(text, k, type.ElementType ?? type);
                    text.Append('=');
                    AppendValue(text, v, type.ValueType ?? SqlType.Int);
                }
                text.Append('}');
                break;
            case Row nested:
                AppendRow(text, RowKind.Insert, nested, [.. type.Fields.Select(f => f.Type)]);
                break;
            case IFormattable formattable:
                text.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                text.Append(value);
                break;
        }
    }

    /// <summary>Java's <c>LocalDateTime</c>/<c>LocalTime</c> text: seconds only when not zero, then ms, µs or ns as needed.</summary>
    private static void AppendLocal(StringBuilder text, long ticks, bool withDate)
    {
        var time = new DateTime(ticks, DateTimeKind.Unspecified);
        if (withDate)
            text.Append(time.ToString("yyyy-MM-dd'T'", CultureInfo.InvariantCulture));
        text.Append(time.ToString("HH:mm", CultureInfo.InvariantCulture));
        var fraction = ticks % TimeSpan.TicksPerSecond;
        if (time.Second == 0 && fraction == 0)
            return;
        text.Append(':').Append(time.Second.ToString("00", CultureInfo.InvariantCulture));
        if (fraction == 0)
            return;
        var nanos = fraction * 100;
        if (nanos % 1_000_000 == 0)
            text.Append('.').Append((nanos / 1_000_000).ToString("000", CultureInfo.InvariantCulture));
        else if (nanos % 1_000 == 0)
            text.Append('.').Append((nanos / 1_000).ToString("000000", CultureInfo.InvariantCulture));
        else
            text.Append('.').Append(nanos.ToString("000000000", CultureInfo.InvariantCulture));
    }
}
