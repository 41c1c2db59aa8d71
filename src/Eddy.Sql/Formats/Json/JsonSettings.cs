namespace Eddy.Sql.Formats.Json;

/// <summary>Flink's <c>json.timestamp-format.standard</c>.</summary>
internal enum TimestampStandard
{
    /// <summary><c>2020-12-30 12:13:14.123</c>, and <c>2020-12-30 12:13:14.123Z</c> for TIMESTAMP_LTZ.</summary>
    Sql,

    /// <summary><c>2020-12-30T12:13:14.123</c>, and <c>2020-12-30T12:13:14.123Z</c> for TIMESTAMP_LTZ.</summary>
    Iso8601,
}

/// <summary>Flink's <c>json.map-null-key.mode</c>: what writing a map's NULL key does.</summary>
internal enum MapNullKeyMode
{
    /// <summary>Fail the record.</summary>
    Fail,

    /// <summary>Drop the entry.</summary>
    Drop,

    /// <summary>Write the key as <c>json.map-null-key.literal</c>.</summary>
    Literal,
}

/// <summary>The JSON options that shape decoding and encoding, shared by <c>json</c> and the JSON inside <c>debezium-json</c>.</summary>
internal sealed record JsonSettings(
    bool FailOnMissingField = false,
    bool IgnoreParseErrors = false,
    TimestampStandard TimestampStandard = TimestampStandard.Sql,
    MapNullKeyMode MapNullKeyMode = MapNullKeyMode.Fail,
    string MapNullKeyLiteral = "null",
    bool DecimalAsPlainNumber = false,
    bool IgnoreNullFields = false)
{
    /// <summary>Flink's defaults.</summary>
    public static JsonSettings Default { get; } = new();

    /// <summary>The options of a JSON-based format under <paramref name="prefix"/> (<c>json.</c>, <c>debezium-json.</c>).</summary>
    public static IReadOnlyList<FormatOption> Options(string prefix, bool withFailOnMissingField) =>
    [
        .. withFailOnMissingField
            ? new[] { FormatOption.Boolean(prefix + "fail-on-missing-field", false, "Whether to fail if a field is missing or not.") }
            : [],
        FormatOption.Boolean(prefix + "ignore-parse-errors", false,
            "Skip fields and rows with parse errors instead of failing. Fields are set to null in case of errors."),
        FormatOption.Text(prefix + "timestamp-format.standard", "SQL",
            "The text form of TIMESTAMP and TIMESTAMP_LTZ: 'SQL' (2020-12-30 12:13:14.123) or 'ISO-8601' (2020-12-30T12:13:14.123)."),
        FormatOption.Text(prefix + "map-null-key.mode", "FAIL",
            "Writing a map's null key: 'FAIL' fails, 'DROP' drops the entry, 'LITERAL' writes the map-null-key.literal."),
        FormatOption.Text(prefix + "map-null-key.literal", "null", "The key written for a map's null key when map-null-key.mode is LITERAL."),
        FormatOption.Boolean(prefix + "encode.decimal-as-plain-number", false,
            "Write decimals as plain numbers (0.000000027) rather than in scientific notation (2.7E-8)."),
        FormatOption.Boolean(prefix + "encode.ignore-null-fields", false, "Write only non-null fields."),
    ];

    /// <summary>Reads and checks the settings from validated options, with Flink's messages.</summary>
    public static JsonSettings From(FormatOptions options, IReadOnlyList<FormatOption> supported, string prefix)
    {
        FormatOption Option(string name)
        {
            foreach (var option in supported)
            {
                if (option.Key == prefix + name)
                    return option;
            }
            throw new InvalidOperationException($"No option {prefix}{name}.");
        }
        var failOnMissing = false;
        foreach (var option in supported)
        {
            if (option.Key == prefix + "fail-on-missing-field")
                failOnMissing = options.GetBoolean(option);
        }
        var ignoreParseErrors = options.GetBoolean(Option("ignore-parse-errors"));
        if (failOnMissing && ignoreParseErrors)
            throw new FormatValidationException($"{prefix}fail-on-missing-field and {prefix}ignore-parse-errors shouldn't both be true.");
        var standardOption = Option("timestamp-format.standard");
        var standardText = options.GetString(standardOption)!;
        var standard = standardText switch
        {
            "SQL" => TimestampStandard.Sql,
            "ISO-8601" => TimestampStandard.Iso8601,
            _ => throw new FormatValidationException(
                $"Unsupported value '{standardText}' for {standardOption.Key}. Supported values are [SQL, ISO-8601]."),
        };
        var modeOption = Option("map-null-key.mode");
        var modeText = options.GetString(modeOption)!;
        var mode = modeText.ToUpperInvariant() switch
        {
            "FAIL" => MapNullKeyMode.Fail,
            "DROP" => MapNullKeyMode.Drop,
            "LITERAL" => MapNullKeyMode.Literal,
            _ => throw new FormatValidationException(
                $"Unsupported value '{modeText}' for option {modeOption.Key}. Supported values are [LITERAL, FAIL, DROP]."),
        };
        return new JsonSettings(
            failOnMissing, ignoreParseErrors, standard, mode, options.GetString(Option("map-null-key.literal"))!,
            options.GetBoolean(Option("encode.decimal-as-plain-number")), options.GetBoolean(Option("encode.ignore-null-fields")));
    }
}
