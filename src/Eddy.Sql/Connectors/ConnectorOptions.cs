using System.Collections.Frozen;
using System.Globalization;
using Eddy.Sql.Planning;

namespace Eddy.Sql.Connectors;

/// <summary>
/// A table's connector options after validation (Flink's <c>FactoryUtil.TableFactoryHelper.validate</c>): every
/// required option is there, every value parses as its option's kind, and every key is the connector's, a Kafka
/// client property (<c>properties.*</c>, when the connector takes them) or an option of the table's format. Read
/// them with the typed getters, which fall back to the option's default.
/// </summary>
internal sealed class ConnectorOptions
{
    private readonly FrozenDictionary<string, string> _values;

    private ConnectorOptions(string connector, FrozenDictionary<string, string> values)
    {
        Connector = connector;
        _values = values;
    }

    /// <summary>The connector's identifier.</summary>
    public string Connector { get; }

    /// <summary>Every option given, keys as written (format and client properties included).</summary>
    public IReadOnlyDictionary<string, string> All => _values;

    /// <summary>Whether the option was given rather than defaulted.</summary>
    public bool Has(ConnectorOption option) => _values.ContainsKey(option.Key);

    /// <summary>The option's text, or its default (null when it has none).</summary>
    public string? GetString(ConnectorOption option) => _values.TryGetValue(option.Key, out var value) ? value : option.DefaultValue;

    /// <summary>The boolean option's value, or its default.</summary>
    public bool GetBoolean(ConnectorOption option) => GetString(option) is { } text && text.Equals("true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The integer option's value, or its default, or null.</summary>
    public long? GetLong(ConnectorOption option) =>
        GetString(option) is { } text ? long.Parse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    /// <summary>The floating-point option's value, or its default, or null.</summary>
    public double? GetDouble(ConnectorOption option) =>
        GetString(option) is { } text ? double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture) : null;

    /// <summary>The enumeration option's value as the option spells it (matched ignoring case), or its default.</summary>
    public string? GetEnum(ConnectorOption option)
    {
        var text = GetString(option);
        if (text is null)
            return null;
        foreach (var value in option.Values)
        {
            if (value.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase))
                return value;
        }
        return text;
    }

    /// <summary>The client properties: the <c>properties.*</c> options without their prefix.</summary>
    public IReadOnlyDictionary<string, string> Properties
    {
        get
        {
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in _values)
            {
                if (key.StartsWith(PropertiesPrefix, StringComparison.Ordinal))
                    properties[key[PropertiesPrefix.Length..]] = value;
            }
            return properties;
        }
    }

    /// <summary>The prefix of the Kafka client properties.</summary>
    public const string PropertiesPrefix = "properties.";

    /// <summary>
    /// Validates <paramref name="given"/> for <paramref name="factory"/>: missing required options first (Flink's
    /// <c>Missing required options are:</c>), then values that do not parse, then keys nobody consumes (Flink's
    /// <c>Unsupported options found for 'kafka'.</c>, with a closest-name suggestion Flink does not give).
    /// </summary>
    /// <param name="factory">The connector.</param>
    /// <param name="required">The required options (for this table).</param>
    /// <param name="optional">The optional options (for this table).</param>
    /// <param name="given">The table's options.</param>
    /// <exception cref="PlanningException">An option is missing, unknown, or does not parse.</exception>
    public static ConnectorOptions Validate(ConnectorFactory factory, IReadOnlyList<ConnectorOption> required, IReadOnlyList<ConnectorOption> optional,
        IReadOnlyDictionary<string, string> given)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(given);
        var missing = new List<string>();
        foreach (var option in required)
        {
            if (!given.ContainsKey(option.Key))
                missing.Add(option.Key);
        }
        if (missing.Count > 0)
        {
            missing.Sort(StringComparer.Ordinal);
            throw new PlanningException($"One or more required options are missing.\n\nMissing required options are:\n\n{string.Join('\n', missing)}");
        }

        var known = new Dictionary<string, ConnectorOption>(StringComparer.Ordinal) { [ConnectorFactory.ConnectorKey.Key] = ConnectorFactory.ConnectorKey };
        foreach (var option in required)
            known[option.Key] = option;
        foreach (var option in optional)
            known[option.Key] = option;

        // The format options pass to the format: the keys under '{outer}{identifier}.' for each format key given
        // ('value.json.ignore-parse-errors' for 'value.format' = 'json'); the format validates them itself.
        var formatPrefixes = new List<string>();
        foreach (var formatKey in factory.FormatKeys)
        {
            if (given.TryGetValue(formatKey, out var identifier))
                formatPrefixes.Add(formatKey[..^"format".Length] + identifier + ".");
        }

        var unsupported = new List<string>();
        foreach (var (key, value) in given)
        {
            if (known.TryGetValue(key, out var option))
                CheckValue(option, value);
            else if (!(factory.TakesClientProperties && key.StartsWith(PropertiesPrefix, StringComparison.Ordinal)) && !StartsWithAny(key, formatPrefixes))
                unsupported.Add(key);
        }
        if (unsupported.Count > 0)
        {
            unsupported.Sort(StringComparer.Ordinal);
            var keys = new List<string>(known.Keys);
            if (factory.TakesClientProperties)
                keys.Add(PropertiesPrefix + "*");
            keys.Sort(StringComparer.Ordinal);
            var message = $"Unsupported options found for '{factory.Identifier}'.\n\nUnsupported options:\n\n{string.Join('\n', unsupported)}\n\n"
                + $"Supported options:\n\n{string.Join('\n', keys)}";
            foreach (var key in unsupported)
            {
                if (Closest(key, known.Keys) is { } suggestion)
                    message += $"\n\nDid you mean '{suggestion}' instead of '{key}'?";
            }
            throw new PlanningException(message);
        }
        return new ConnectorOptions(factory.Identifier, given.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static bool StartsWithAny(string key, List<string> prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    private static void CheckValue(ConnectorOption option, string value)
    {
        var text = value.Trim();
        var parses = option.Kind switch
        {
            ConnectorOptionKind.Boolean => text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("false", StringComparison.OrdinalIgnoreCase),
            ConnectorOptionKind.Int => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            ConnectorOptionKind.Long => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            ConnectorOptionKind.Double => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            ConnectorOptionKind.Enum => option.Values.Any(v => v.Equals(text, StringComparison.OrdinalIgnoreCase)),
            _ => true,
        };
        if (parses)
            return;
        var message = $"Could not parse value '{value}' for key '{option.Key}'.";
        if (option.Kind == ConnectorOptionKind.Enum)
            message += $"\n\nValue for config option '{option.Key}' must be one of [{string.Join(", ", option.Values)}].";
        throw new PlanningException(message);
    }

    /// <summary>The known key closest to a mistyped one (at most a third of its length in edits away), or null.</summary>
    internal static string? Closest(string key, IEnumerable<string> candidates)
    {
        var limit = Math.Max(2, key.Length / 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(key, candidate);
            if (distance <= limit && (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0)))
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>Levenshtein distance, two rows.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
