using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Eddy.Protocol.Generator;

/// <summary>One Kafka protocol error: its code, its constant name (UNKNOWN_TOPIC_OR_PARTITION) and default message.</summary>
internal sealed record ErrorRow(short Code, string Name, string Message);

/// <summary>
/// Kafka's error codes, read either from Kafka's own <c>Errors.java</c> enum or from a TSV of
/// <c>code, name, exception, message</c> rows (with a header line) made from it.
/// </summary>
internal static partial class ErrorTable
{
    public static IReadOnlyList<ErrorRow> Load(string path) =>
        path.EndsWith(".java", StringComparison.OrdinalIgnoreCase) ? FromJava(File.ReadAllText(path)) : FromTsv(File.ReadAllLines(path));

    public static IReadOnlyList<ErrorRow> FromTsv(IEnumerable<string> lines) =>
    [
        .. lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')).Select(row =>
            new ErrorRow(short.Parse(row[0], CultureInfo.InvariantCulture), row[1], row.Length > 3 ? row[3] : "")),
    ];

    /// <summary>
    /// Reads the constants of <c>public enum Errors</c>: <c>NAME(code, "message" + "more", Exception::new)</c>, where
    /// the message may be <c>null</c> and may be split into concatenated literals over several lines.
    /// </summary>
    public static IReadOnlyList<ErrorRow> FromJava(string source)
    {
        var start = source.IndexOf("public enum Errors", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidDataException("No 'public enum Errors' in the given Java file.");
        }
        var rows = new List<ErrorRow>();
        foreach (Match m in JavaConstant().Matches(source, start))
        {
            var message = new StringBuilder();
            foreach (Capture part in m.Groups["part"].Captures)
            {
                message.Append(Regex.Unescape(part.Value));
            }
            rows.Add(new ErrorRow(short.Parse(m.Groups["code"].Value, CultureInfo.InvariantCulture), m.Groups["name"].Value, message.ToString()));
        }
        return rows;
    }

    // NAME(code, null | "text" [+ "text"]..., — the exception factory that follows is not needed.
    [GeneratedRegex("""^\s*(?<name>[A-Z][A-Z0-9_]*)\((?<code>-?\d+),\s*(?:null|"(?<part>(?:[^"\\]|\\.)*)"(?:\s*\+\s*"(?<part>(?:[^"\\]|\\.)*)")*)\s*,""", RegexOptions.Multiline)]
    private static partial Regex JavaConstant();
}
