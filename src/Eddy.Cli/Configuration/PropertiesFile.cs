using System.Globalization;
using System.Text;

namespace Eddy.Cli.Configuration;

/// <summary>
/// Reads Java .properties text (server.properties, client.properties for --command-config): <c>key=value</c>,
/// <c>key: value</c> or <c>key value</c> lines, <c>#</c>/<c>!</c> comments, trailing-backslash continuation and
/// the usual escapes. Kafka's own tools read these files with java.util.Properties, so the same files work here.
/// </summary>
public static class PropertiesFile
{
    /// <summary>Reads a file; a missing or unreadable file is a <see cref="CliException"/> with a usage exit code.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw CliException.Usage($"cannot read {path}: {e.Message}");
        }
        return Parse(text);
    }

    /// <summary>The entries in file order (a later duplicate wins when they are put into a dictionary).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var logical in LogicalLines(text))
        {
            var (key, value) = SplitEntry(logical);
            entries.Add(new KeyValuePair<string, string>(Unescape(key), Unescape(value)));
        }
        return entries;
    }

    // Joins continuation lines (an odd number of trailing backslashes) and drops blanks and comments.
    private static IEnumerable<string> LogicalLines(string text)
    {
        var pending = new StringBuilder();
        var continuing = false;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.TrimStart(' ', '\t', '\f');
            if (!continuing && (trimmed.Length == 0 || trimmed[0] is '#' or '!'))
            {
                continue;
            }
            var trailing = 0;
            for (var i = trimmed.Length - 1; i >= 0 && trimmed[i] == '\\'; i--)
            {
                trailing++;
            }
            continuing = trailing % 2 == 1;
            pending.Append(continuing ? trimmed[..^1] : trimmed);
            if (!continuing)
            {
                yield return pending.ToString();
                pending.Clear();
            }
        }
        if (pending.Length > 0)
        {
            yield return pending.ToString();
        }
    }

    // The key ends at the first unescaped '=', ':' or whitespace; whitespace then one optional '='/':' separate it from the value.
    private static (string Key, string Value) SplitEntry(string line)
    {
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == '\\')
            {
                i += 2;
                continue;
            }
            if (c is '=' or ':' or ' ' or '\t' or '\f')
            {
                break;
            }
            i++;
        }
        var keyEnd = Math.Min(i, line.Length);
        var j = keyEnd;
        while (j < line.Length && line[j] is ' ' or '\t' or '\f')
        {
            j++;
        }
        if (j < line.Length && line[j] is '=' or ':')
        {
            j++;
            while (j < line.Length && line[j] is ' ' or '\t' or '\f')
            {
                j++;
            }
        }
        return (line[..keyEnd], line[j..]);
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '\\' || i + 1 >= s.Length)
            {
                sb.Append(c);
                continue;
            }
            var next = s[++i];
            switch (next)
            {
                case 't': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case 'u' when i + 4 < s.Length
                    && int.TryParse(s.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                default: sb.Append(next); break;
            }
        }
        return sb.ToString();
    }
}
