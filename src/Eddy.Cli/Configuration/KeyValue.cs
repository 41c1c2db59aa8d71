namespace Eddy.Cli.Configuration;

/// <summary>Parses the <c>key=value</c> arguments of -X, --config, --set and --header.</summary>
public static class KeyValue
{
    /// <summary>Splits at the first '=' (values may contain '='); the key is trimmed and must not be empty.</summary>
    public static KeyValuePair<string, string> Parse(string text, string optionName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var key = eq < 0 ? "" : text[..eq].Trim();
        if (key.Length == 0)
        {
            throw CliException.Usage($"{optionName} expects key=value, got '{text}'");
        }
        return new KeyValuePair<string, string>(key, text[(eq + 1)..]);
    }

    /// <summary>Parses every argument; a later key replaces an earlier one, as repeating a flag does in Kafka's tools.</summary>
    public static Dictionary<string, string> ParseAll(IEnumerable<string>? texts, string optionName)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in texts ?? [])
        {
            var (key, value) = Parse(text, optionName);
            result[key] = value;
        }
        return result;
    }
}
