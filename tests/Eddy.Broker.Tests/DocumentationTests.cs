using System.Text.RegularExpressions;
using System.Xml.Linq;
using Eddy.Broker.Configuration;
using Eddy.Broker.Network;

namespace Eddy.Broker.Tests;

/// <summary>The docs list what the code accepts and advertises (so neither drifts from the other).</summary>
public class DocumentationTests
{
    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return File.ReadAllText(candidate);
            }
        }
        throw new FileNotFoundException(relative);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Eddy.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Eddy.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The projects (by name) a project file references.</summary>
    private static SortedSet<string> ProjectReferences(string projectFile) =>
        new(XDocument.Load(projectFile).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/'))), StringComparer.Ordinal);

    [Fact]
    public void Development_doc_maps_every_project_with_the_projects_it_references()
    {
        var root = RepositoryRoot();
        var rows = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (Match row in Regex.Matches(RepositoryFile("docs/development.md"), @"^\| `(?<path>(?:src|bench|tools|tests)/[^`]+)` \|[^\n]*\| (?<refs>[^|\n]+) \|$", RegexOptions.Multiline))
        {
            var refs = row.Groups["refs"].Value.Trim();
            rows[row.Groups["path"].Value] = new SortedSet<string>(
                refs == "—" ? [] : refs.Split(',', StringSplitOptions.TrimEntries), StringComparer.Ordinal);
        }

        var projects = new[] { "src", "bench", "tools" }
            .SelectMany(dir => Directory.GetFiles(Path.Combine(root, dir), "*.csproj", SearchOption.AllDirectories))
            .Concat(Directory.GetFiles(Path.Combine(root, "tests"), "Eddy.Testing*.csproj", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            var path = Path.GetRelativePath(root, Path.GetDirectoryName(project)!).Replace('\\', '/');
            Assert.True(rows.TryGetValue(path, out var documented), $"docs/development.md has no row for {path}");
            Assert.Equal(documented, ProjectReferences(project));
            Assert.DoesNotContain("Eddy.Cli", documented);
        }
        Assert.Equal(projects.Count, rows.Count);
    }

    [Fact]
    public void Configuration_doc_lists_every_broker_and_topic_key()
    {
        var doc = RepositoryFile("docs/configuration.md");
        foreach (var definition in BrokerConfigs.Broker.Concat(BrokerConfigs.Topic))
        {
            Assert.Contains($"| `{definition.Name}` |", doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compatibility_doc_lists_every_advertised_api_with_its_versions()
    {
        var doc = RepositoryFile("docs/compatibility.md");
        foreach (var (key, (min, max)) in SupportedApis.Versions)
        {
            Assert.Contains($"| {(short)key} | {key} | {min}–{max} |", doc, StringComparison.Ordinal);
        }
    }
}
