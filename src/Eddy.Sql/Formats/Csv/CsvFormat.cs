using System.Text;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Csv;

/// <summary>Flink's <c>csv</c> format: one line of delimited fields per row, in the table's column order.</summary>
internal sealed class CsvFormatFactory : FormatFactory
{
    /// <summary><c>csv.field-delimiter</c>.</summary>
    public static readonly FormatOption FieldDelimiter = FormatOption.Text("csv.field-delimiter", ",",
        "The field delimiter, a single character; Java escapes such as '\\t' are read.");
    /// <summary><c>csv.disable-quote-character</c>.</summary>
    public static readonly FormatOption DisableQuoteCharacter = FormatOption.Boolean("csv.disable-quote-character", false,
        "Disable quoting of values; csv.quote-character must not be set then.");
    /// <summary><c>csv.quote-character</c>.</summary>
    public static readonly FormatOption QuoteCharacter = FormatOption.Text("csv.quote-character", "\"", "The quote character enclosing values.");
    /// <summary><c>csv.allow-comments</c>.</summary>
    public static readonly FormatOption AllowComments = FormatOption.Boolean("csv.allow-comments", false,
        "Ignore comment lines, which start with '#'.");
    /// <summary><c>csv.ignore-parse-errors</c>.</summary>
    public static readonly FormatOption IgnoreParseErrors = FormatOption.Boolean("csv.ignore-parse-errors", false,
        "Skip fields and rows with parse errors instead of failing; fields are set to null in case of errors.");
    /// <summary><c>csv.array-element-delimiter</c>.</summary>
    public static readonly FormatOption ArrayElementDelimiter = FormatOption.Text("csv.array-element-delimiter", ";",
        "The delimiter of the elements of an ARRAY and of the fields of a nested ROW.");
    /// <summary><c>csv.escape-character</c>.</summary>
    public static readonly FormatOption EscapeCharacter = FormatOption.Text("csv.escape-character", null, "The escape character (none by default).");
    /// <summary><c>csv.null-literal</c>.</summary>
    public static readonly FormatOption NullLiteral = FormatOption.Text("csv.null-literal", null,
        "The text read and written as NULL (none by default: NULL is written as an empty field).");
    /// <summary><c>csv.write-bigdecimal-in-scientific-notation</c>.</summary>
    public static readonly FormatOption WriteBigDecimalInScientificNotation = FormatOption.Boolean("csv.write-bigdecimal-in-scientific-notation", true,
        "Write DECIMAL as Java's BigDecimal.toString (2.7E-8) rather than plainly (0.000000027).");

    private static readonly IReadOnlyList<FormatOption> AllOptions =
    [
        FieldDelimiter, DisableQuoteCharacter, QuoteCharacter, AllowComments, IgnoreParseErrors, ArrayElementDelimiter,
        EscapeCharacter, NullLiteral, WriteBigDecimalInScientificNotation,
    ];

    /// <inheritdoc/>
    public override string Identifier => "csv";

    /// <inheritdoc/>
    public override IReadOnlyList<FormatOption> SupportedOptions => AllOptions;

    /// <inheritdoc/>
    protected override RowFormat CreateFormat(FormatOptions options, FormatContext context)
    {
        var disableQuote = options.GetBoolean(DisableQuoteCharacter);
        if (disableQuote && options.Has(QuoteCharacter))
            throw new FormatValidationException("Format cannot define a quote character and disabled quote character at the same time.");
        var settings = new CsvSettings(
            Character(options, FieldDelimiter, unescape: true)!.Value,
            disableQuote ? null : Character(options, QuoteCharacter, unescape: false),
            options.GetBoolean(AllowComments),
            options.GetBoolean(IgnoreParseErrors),
            Character(options, ArrayElementDelimiter, unescape: false)!.Value,
            Character(options, EscapeCharacter, unescape: false),
            options.GetString(NullLiteral),
            !options.GetBoolean(WriteBigDecimalInScientificNotation));
        return new CsvFormat(settings);
    }

    private static char? Character(FormatOptions options, FormatOption option, bool unescape)
    {
        var text = options.GetString(option);
        if (text is null)
            return null;
        var value = unescape ? UnescapeJava(text) : text;
        if (value.Length != 1)
            throw new FormatValidationException($"Option '{option.Key}' must be a string with single character, but was: {text}");
        return value[0];
    }

    // The escapes Flink's StringEscapeUtils.unescapeJava reads in a delimiter: \t, \n, \r, \f, \b, \\, \', \" and \uXXXX.
    private static string UnescapeJava(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
            return text;
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\' || i == text.Length - 1)
            {
                result.Append(c);
                continue;
            }
            var next = text[++i];
            switch (next)
            {
                case 't': result.Append('\t'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 'f': result.Append('\f'); break;
                case 'b': result.Append('\b'); break;
                case 'u' when i + 4 < text.Length
                    && int.TryParse(text.AsSpan(i + 1, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var code):
                    result.Append((char)code);
                    i += 4;
                    break;
                default: result.Append(next); break;
            }
        }
        return result.ToString();
    }
}

/// <summary>The CSV options, resolved.</summary>
internal sealed record CsvSettings(
    char FieldDelimiter = ',',
    char? QuoteCharacter = '"',
    bool AllowComments = false,
    bool IgnoreParseErrors = false,
    char ArrayElementDelimiter = ';',
    char? EscapeCharacter = null,
    string? NullLiteral = null,
    bool DecimalAsPlainNumber = false)
{
    /// <summary>Flink's defaults.</summary>
    public static CsvSettings Default { get; } = new();
}

/// <summary>The <c>csv</c> format with its settings.</summary>
internal sealed class CsvFormat(CsvSettings settings) : RowFormat
{
    /// <summary>The settings.</summary>
    public CsvSettings Settings { get; } = settings;

    /// <inheritdoc/>
    public override string Identifier => "csv";

    /// <inheritdoc/>
    public override IRowDeserializer CreateDeserializer(SqlType rowType, IReadOnlyList<int>? projection = null)
    {
        CheckTypes(rowType);
        return new CsvRowDeserializer(rowType, Project(rowType, projection), projection, Settings);
    }

    /// <inheritdoc/>
    public override IRowSerializer CreateSerializer(SqlType rowType)
    {
        CheckTypes(rowType);
        return new CsvRowSerializer(rowType, Settings);
    }

    // CSV nests one level: an ARRAY's elements and a ROW's fields are scalars, joined by the array-element delimiter.
    private static void CheckTypes(SqlType rowType)
    {
        CheckRowType(rowType);
        foreach (var field in rowType.Fields)
        {
            var type = field.Type;
            switch (type.Kind)
            {
                case SqlTypeKind.Array:
                    CheckScalar(type.ElementType!, type);
                    break;
                case SqlTypeKind.Row:
                    foreach (var nested in type.Fields)
                        CheckScalar(nested.Type, type);
                    break;
                default:
                    CheckScalar(type, type);
                    break;
            }
        }
    }

    private static void CheckScalar(SqlType type, SqlType column)
    {
        if (type.Kind is SqlTypeKind.Array or SqlTypeKind.Map or SqlTypeKind.Multiset or SqlTypeKind.Row or SqlTypeKind.Null)
            throw new FormatValidationException($"Unsupported type: {column.ToNullableString()}. The 'csv' format nests only scalars in an ARRAY or ROW column, and has no MAP or MULTISET.");
    }
}
