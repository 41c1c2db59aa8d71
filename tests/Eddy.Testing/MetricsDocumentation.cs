using System.Text.RegularExpressions;

namespace Eddy.Testing;

/// <summary>
/// The metrics docs/metrics.md documents, by section: each table row <c>| `name` | type | labels | meaning |</c>
/// belongs to the <c>### </c> heading above it (Broker, Registry, Worker, ...). The tests compare them with what the
/// live endpoints expose, and the Grafana dashboard's queries with them, so the document cannot drift.
/// </summary>
public static partial class MetricsDocumentation
{
    /// <summary>Documented metric name → (type, section), for every row of the file.</summary>
    public static IReadOnlyDictionary<string, (string Type, string Section)> All()
    {
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var section = "";
        foreach (var line in File.ReadAllLines(Path.Combine(RepositoryFiles.Root, "docs", "metrics.md")))
        {
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                section = line[4..].Trim();
            }
            else if (Row().Match(line) is { Success: true } row)
            {
                result[row.Groups["name"].Value] = (row.Groups["type"].Value, section);
            }
        }
        return result;
    }

    /// <summary>Documented metric name → type, for the rows under the headings <paramref name="sections"/> accepts.</summary>
    public static Dictionary<string, string> In(Func<string, bool> sections) =>
        All().Where(m => sections(m.Value.Section)).ToDictionary(m => m.Key, m => m.Value.Type, StringComparer.Ordinal);

    [GeneratedRegex(@"^\| `(?<name>eddy_[a-z_]+)` \| (?<type>counter|gauge|histogram) \|")]
    private static partial Regex Row();
}

/// <summary>The repository's checkout, found upwards from the test's output directory.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Eddy.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("the repository root (Eddy.slnx) above " + AppContext.BaseDirectory);
    }
}
