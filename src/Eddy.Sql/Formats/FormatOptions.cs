using System.Collections.Frozen;

namespace Eddy.Sql.Formats;

/// <summary>The kind of value a format option takes.</summary>
internal enum FormatOptionKind
{
    /// <summary><c>true</c> or <c>false</c> (any case), as Flink's boolean options.</summary>
    Boolean,

    /// <summary>Any text; the format checks the values it restricts.</summary>
    String,
}

/// <summary>One option of a format, under its full key (<c>json.fail-on-missing-field</c>), as Flink's <c>ConfigOption</c>.</summary>
/// <param name="Key">The full key, prefixed with the format's identifier.</param>
/// <param name="Kind">The kind of value.</param>
/// <param name="DefaultValue">The default, as text; null when the option has none (Flink's <c>noDefaultValue</c>).</param>
/// <param name="Description">What the option does, for documentation.</param>
internal sealed record FormatOption(string Key, FormatOptionKind Kind, string? DefaultValue, string Description)
{
    /// <summary>A boolean option.</summary>
    public static FormatOption Boolean(string key, bool defaultValue, string description) =>
        new(key, FormatOptionKind.Boolean, defaultValue ? "true" : "false", description);

    /// <summary>A text option.</summary>
    public static FormatOption Text(string key, string? defaultValue, string description) =>
        new(key, FormatOptionKind.String, defaultValue, description);
}

/// <summary>
/// A format's options after validation: every key is one of the format's options and every boolean parses. Read
/// them with the typed getters, which fall back to the option's default.
/// </summary>
internal sealed class FormatOptions
{
    private readonly FrozenDictionary<string, string> _values;

    private FormatOptions(string identifier, FrozenDictionary<string, string> values)
    {
        Identifier = identifier;
        _values = values;
    }

    /// <summary>The format's identifier.</summary>
    public string Identifier { get; }

    /// <summary>Whether the option was given (rather than defaulted).</summary>
    public bool Has(FormatOption option) => _values.ContainsKey(option.Key);

    /// <summary>The option's text, or its default (null when it has none).</summary>
    public string? GetString(FormatOption option) => _values.TryGetValue(option.Key, out var value) ? value : option.DefaultValue;

    /// <summary>The boolean option's value, or its default.</summary>
    public bool GetBoolean(FormatOption option) => ParseBoolean(option.Key, GetString(option) ?? "false");

    /// <summary>
    /// Validates <paramref name="given"/> (the format's options, keys prefixed with its identifier) against
    /// <paramref name="supported"/>: an unknown key is Flink's <c>Unsupported options found for 'json'.</c> listing
    /// the unsupported and the supported keys, a boolean that does not parse is Flink's <c>Could not parse value</c>.
    /// </summary>
    public static FormatOptions Validate(string identifier, IReadOnlyList<FormatOption> supported, IReadOnlyDictionary<string, string> given)
    {
        ArgumentNullException.ThrowIfNull(supported);
        ArgumentNullException.ThrowIfNull(given);
        var byKey = new Dictionary<string, FormatOption>(StringComparer.Ordinal);
        foreach (var option in supported)
            byKey.Add(option.Key, option);
        var unsupported = new List<string>();
        foreach (var (key, value) in given)
        {
            if (!byKey.TryGetValue(key, out var option))
                unsupported.Add(key);
            else if (option.Kind == FormatOptionKind.Boolean)
                ParseBoolean(key, value);
        }
        if (unsupported.Count > 0)
        {
            unsupported.Sort(StringComparer.Ordinal);
            var keys = new List<string>(byKey.Keys);
            keys.Sort(StringComparer.Ordinal);
            throw new FormatValidationException(
                $"Unsupported options found for '{identifier}'.\n\nUnsupported options:\n\n{string.Join('\n', unsupported)}\n\n"
                + $"Supported options:\n\n{string.Join('\n', keys)}");
        }
        return new FormatOptions(identifier, given.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static bool ParseBoolean(string key, string value) =>
        value.Equals("true", StringComparison.OrdinalIgnoreCase) ? true
        : value.Equals("false", StringComparison.OrdinalIgnoreCase) ? false
        : throw new FormatValidationException($"Could not parse value '{value}' for key '{key}'.");
}
