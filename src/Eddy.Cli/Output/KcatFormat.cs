using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Eddy.Cli.Output;

/// <summary>
/// A kcat -f style output template, parsed once and rendered per record. Tokens: %t topic, %p partition, %o offset,
/// %k key, %s value, %K / %S key / value length (-1 for null), %T timestamp in ms (-1 when absent), %h headers as
/// name=value,..., %% a percent sign. Literal text understands \n, \t, \r, \\ and \xHH.
/// </summary>
public sealed class KcatFormat : IRecordFormatter
{
    /// <summary>The value followed by a newline, as kcat prints by default.</summary>
    public const string DefaultTemplate = "%s\\n";

    private readonly List<Segment> _segments;

    private KcatFormat(List<Segment> segments)
    {
        _segments = segments;
    }

    private enum Token
    {
        Literal,
        Topic,
        Partition,
        Offset,
        Key,
        Value,
        KeyLength,
        ValueLength,
        Timestamp,
        Headers,
    }

    public static KcatFormat Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '\\' && i + 1 < template.Length)
            {
                i = AppendEscape(template, i + 1, literal);
                continue;
            }
            if (c != '%')
            {
                literal.Append(c);
                continue;
            }
            if (i + 1 >= template.Length)
            {
                throw CliException.Usage("--format: empty formatter '%' at the end");
            }
            var spec = template[++i];
            if (spec == '%')
            {
                literal.Append('%');
                continue;
            }
            var token = spec switch
            {
                't' => Token.Topic,
                'p' => Token.Partition,
                'o' => Token.Offset,
                'k' => Token.Key,
                's' => Token.Value,
                'K' => Token.KeyLength,
                'S' => Token.ValueLength,
                'T' => Token.Timestamp,
                'h' => Token.Headers,
                _ => throw CliException.Usage($"--format: unsupported formatter %{spec}"),
            };
            if (literal.Length > 0)
            {
                segments.Add(new Segment(Token.Literal, literal.ToString()));
                literal.Clear();
            }
            segments.Add(new Segment(token, null));
        }
        if (literal.Length > 0)
        {
            segments.Add(new Segment(Token.Literal, literal.ToString()));
        }
        return new KcatFormat(segments);
    }

    public void Write(ConsumeResult<byte[], byte[]> record, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(output);
        var message = record.Message;
        foreach (var segment in _segments)
        {
            switch (segment.Token)
            {
                case Token.Literal:
                    output.Write(segment.Text);
                    break;
                case Token.Topic:
                    output.Write(record.Topic);
                    break;
                case Token.Partition:
                    output.Write(record.Partition.Value.ToString(CultureInfo.InvariantCulture));
                    break;
                case Token.Offset:
                    output.Write(record.Offset.Value.ToString(CultureInfo.InvariantCulture));
                    break;
                case Token.Key:
                    output.Write(RecordText.Decode(message.Key));
                    break;
                case Token.Value:
                    output.Write(RecordText.Decode(message.Value));
                    break;
                case Token.KeyLength:
                    output.Write((message.Key?.Length ?? -1).ToString(CultureInfo.InvariantCulture));
                    break;
                case Token.ValueLength:
                    output.Write((message.Value?.Length ?? -1).ToString(CultureInfo.InvariantCulture));
                    break;
                case Token.Timestamp:
                    var ts = message.Timestamp.Type == TimestampType.NotAvailable ? -1 : message.Timestamp.UnixTimestampMs;
                    output.Write(ts.ToString(CultureInfo.InvariantCulture));
                    break;
                case Token.Headers:
                    WriteHeaders(message.Headers, output);
                    break;
            }
        }
    }

    private static void WriteHeaders(Headers? headers, TextWriter output)
    {
        if (headers is null)
        {
            return;
        }
        var first = true;
        foreach (var header in headers)
        {
            if (!first)
            {
                output.Write(',');
            }
            first = false;
            output.Write(header.Key);
            output.Write('=');
            // kcat shows a null header value as its null string, NULL.
            output.Write(RecordText.Decode(header.GetValueBytes()) ?? "NULL");
        }
    }

    // Returns the index of the last character consumed by the escape that starts at template[start].
    private static int AppendEscape(string template, int start, StringBuilder literal)
    {
        var e = template[start];
        switch (e)
        {
            case 'n': literal.Append('\n'); return start;
            case 't': literal.Append('\t'); return start;
            case 'r': literal.Append('\r'); return start;
            case 'x':
                var end = start + 1;
                while (end < template.Length && end < start + 3 && char.IsAsciiHexDigit(template[end]))
                {
                    end++;
                }
                if (end == start + 1)
                {
                    literal.Append('x');
                    return start;
                }
                literal.Append((char)int.Parse(template.AsSpan(start + 1, end - start - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                return end - 1;
            default:
                literal.Append(e); // \\ is a backslash, \% a percent sign, and so on
                return start;
        }
    }

    private sealed record Segment(Token Token, string? Text);
}
