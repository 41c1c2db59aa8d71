using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Eddy.Cli.Sql;

/// <summary>
/// <c>--output json</c>: one JSON object per change and line, <c>{"op":"+I","row":{"name":"Bob","cnt":2}}</c>:
/// <c>op</c> is Flink's row kind short string, <c>row</c> maps each column name to its value. SQL NULL is
/// <c>null</c>; a value of a numeric type (TINYINT ... BIGINT, FLOAT, DOUBLE, DECIMAL) is a JSON number and a
/// BOOLEAN is <c>true</c>/<c>false</c> when its text is one (Infinity and NaN stay strings); every other value is its
/// text as the table views print it. Nothing else is printed, so the output is JSON Lines.
/// </summary>
internal sealed class JsonChangeView(TextWriter output) : ISqlChangeView
{
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private IReadOnlyList<SqlResultColumn> _columns = [];
    private ValueKind[] _kinds = [];

    private enum ValueKind
    {
        Text,
        Number,
        Boolean,
    }

    public Task BeginAsync(IReadOnlyList<SqlResultColumn> columns)
    {
        _columns = columns;
        _kinds = new ValueKind[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            _kinds[i] = KindOf(columns[i].TypeName);
        }
        return Task.CompletedTask;
    }

    public async Task ChangeAsync(SqlChange change)
    {
        await output.WriteAsync(Line(change) + "\n");
        await output.FlushAsync();
    }

    public Task TickAsync() => Task.CompletedTask;

    public Task EndAsync(bool cancelled) => Task.CompletedTask;

    internal string Line(SqlChange change)
    {
        _buffer.Clear();
        using (var json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("op", RowKinds.ShortString(change.Kind));
            json.WriteStartObject("row");
            for (var i = 0; i < _columns.Count; i++)
            {
                json.WritePropertyName(_columns[i].Name);
                var value = i < change.Values.Count ? change.Values[i] : null;
                if (value is null)
                {
                    json.WriteNullValue();
                }
                else if (_kinds[i] == ValueKind.Number && IsJsonNumber(value))
                {
                    json.WriteRawValue(value, skipInputValidation: true);
                }
                else if (_kinds[i] == ValueKind.Boolean && value is "true" or "false" or "TRUE" or "FALSE")
                {
                    json.WriteBooleanValue(value is "true" or "TRUE");
                }
                else
                {
                    json.WriteStringValue(value);
                }
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    private static ValueKind KindOf(string typeName)
    {
        var type = typeName.AsSpan().TrimStart();
        var end = 0;
        while (end < type.Length && char.IsAsciiLetter(type[end]))
        {
            end++;
        }
        return type[..end].ToString().ToUpperInvariant() switch
        {
            "TINYINT" or "SMALLINT" or "INT" or "INTEGER" or "BIGINT" or "FLOAT" or "REAL" or "DOUBLE" or "DECIMAL" or "DEC" or "NUMERIC" => ValueKind.Number,
            "BOOLEAN" => ValueKind.Boolean,
            _ => ValueKind.Text,
        };
    }

    /// <summary>Whether text is a JSON number literal (RFC 8259: -? int frac? exp?); 1.0E10 is, Infinity and 007 are not.</summary>
    internal static bool IsJsonNumber(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }
        if (i >= text.Length || !char.IsAsciiDigit(text[i]))
        {
            return false;
        }
        if (text[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }
        if (i < text.Length && text[i] == '.')
        {
            i++;
            var digits = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == digits)
            {
                return false;
            }
        }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }
            var digits = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == digits)
            {
                return false;
            }
        }
        return i == text.Length;
    }
}
