using Eddy.Sql.Formats.Avro;
using Eddy.Sql.Formats.Csv;
using Eddy.Sql.Formats.Json;
using Eddy.Sql.Formats.Raw;

namespace Eddy.Sql.Formats;

/// <summary>
/// Creates a format from its options: Flink's <c>DeserializationFormatFactory</c> and <c>SerializationFormatFactory</c>,
/// found by identifier. <see cref="Create"/> validates the options (unknown keys, bad values) before the format sees them.
/// </summary>
internal abstract class FormatFactory
{
    /// <summary>The identifier a table names in <c>'format'</c> (<c>json</c>, <c>avro-confluent</c>, ...).</summary>
    public abstract string Identifier { get; }

    /// <summary>The options the format takes, under their full keys.</summary>
    public abstract IReadOnlyList<FormatOption> SupportedOptions { get; }

    /// <summary>
    /// The format configured by <paramref name="options"/>: the format's own keys (<c>json.ignore-parse-errors</c>,
    /// without a <c>key.</c> or <c>value.</c> prefix and without <c>format</c> itself).
    /// </summary>
    /// <exception cref="FormatValidationException">An unknown option, or a value the option does not take.</exception>
    public RowFormat Create(IReadOnlyDictionary<string, string> options, FormatContext? context = null)
    {
        var validated = FormatOptions.Validate(Identifier, SupportedOptions, options);
        return CreateFormat(validated, context ?? FormatContext.None);
    }

    /// <summary>The format for validated options.</summary>
    protected abstract RowFormat CreateFormat(FormatOptions options, FormatContext context);

    /// <summary>Flink's error for an option restricted to a set of values.</summary>
    protected static FormatValidationException UnsupportedValue(string value, string key, string supported) =>
        new($"Unsupported value '{value}' for {key}. Supported values are [{supported}].");
}

/// <summary>The formats by identifier, and the lookup a planner does from a table's <c>WITH</c> options.</summary>
internal sealed class FormatRegistry
{
    private readonly Dictionary<string, FormatFactory> _factories = new(StringComparer.Ordinal);

    /// <summary>A registry of <paramref name="factories"/>.</summary>
    public FormatRegistry(IEnumerable<FormatFactory> factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        foreach (var factory in factories)
            _factories.Add(factory.Identifier, factory);
    }

    /// <summary>Every built-in format: json, csv, raw, debezium-json, avro, avro-confluent.</summary>
    public static FormatRegistry Default { get; } = new(
    [
        new JsonFormatFactory(), new CsvFormatFactory(), new RawFormatFactory(), new DebeziumJsonFormatFactory(),
        new AvroFormatFactory(), new AvroConfluentFormatFactory(),
    ]);

    /// <summary>The identifiers, sorted.</summary>
    public IReadOnlyList<string> Identifiers
    {
        get
        {
            var ids = new List<string>(_factories.Keys);
            ids.Sort(StringComparer.Ordinal);
            return ids;
        }
    }

    /// <summary>The factory of <paramref name="identifier"/>; an unknown one is Flink's error listing the available identifiers.</summary>
    public FormatFactory Find(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return _factories.TryGetValue(identifier, out var factory)
            ? factory
            : throw new FormatValidationException(
                $"Could not find any format factory for identifier '{identifier}'.\n\nAvailable factory identifiers are:\n\n{string.Join('\n', Identifiers)}");
    }

    /// <summary>
    /// The format a table's <c>WITH</c> options name under <paramref name="formatKey"/> (<c>format</c>,
    /// <c>key.format</c> or <c>value.format</c>), configured by the options under the same prefix and the format's
    /// identifier (<c>value.json.ignore-parse-errors</c> for <c>value.format</c> = <c>json</c>), as Flink's Kafka connector.
    /// </summary>
    public RowFormat CreateFromTableOptions(IReadOnlyDictionary<string, string> tableOptions, string formatKey = "format", FormatContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(tableOptions);
        ArgumentNullException.ThrowIfNull(formatKey);
        if (!formatKey.EndsWith("format", StringComparison.Ordinal))
            throw new ArgumentException($"'{formatKey}' is not a format option key.", nameof(formatKey));
        if (!tableOptions.TryGetValue(formatKey, out var identifier))
            throw new FormatValidationException($"Could not find required format option '{formatKey}'.");
        var factory = Find(identifier);
        var outer = formatKey[..^"format".Length];
        var prefix = outer + identifier + ".";
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tableOptions)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
                options[key[outer.Length..]] = value;
        }
        return factory.Create(options, context);
    }
}
