using System.Reflection;
using Eddy.Engine.Plan;

namespace Eddy.Engine.Tests;

/// <summary>docs/engine.md names every operation of the job API and every operator kind, so neither drifts from the other.</summary>
public class EngineDocumentationTests
{
    private static readonly Lazy<string> EngineDoc = new(() => RepositoryFile("docs/engine.md"));

    /// <summary>The file at <paramref name="relative"/> in the first directory above the test's output that has it (the repository's root).</summary>
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

    /// <summary>The names of the public methods a type declares itself (its partial files included), without property accessors.</summary>
    private static IEnumerable<string> PublicMethods(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName)
            .Select(m => m.Name)
            .Distinct(StringComparer.Ordinal);

    private static IEnumerable<(string Type, string Method)> Methods() =>
        new[] { typeof(Stream<,>), typeof(KeyedStream<,>), typeof(Table<,>), typeof(WindowedStream<,>), typeof(JobBuilder), typeof(Aggregates) }
            .SelectMany(type => PublicMethods(type).Select(method => (type.Name.Split('`')[0], method)));

    public static TheoryData<string, string> ApiMethods()
    {
        var data = new TheoryData<string, string>();
        foreach (var (type, method) in Methods())
        {
            data.Add(type, method);
        }
        return data;
    }

    public static TheoryData<string> OperatorKinds() => [.. Enum.GetNames<OperatorKind>()];

    [Theory]
    [MemberData(nameof(ApiMethods))]
    public void Engine_doc_mentions_every_public_method_of_the_job_api(string type, string method)
    {
        // A method is mentioned as code: `Name(`, `.Name(`, `Name<` or `Name` in backticks.
        var doc = EngineDoc.Value;
        Assert.True(doc.Contains($"`{method}", StringComparison.Ordinal) || doc.Contains($".{method}(", StringComparison.Ordinal)
                || doc.Contains($".{method}<", StringComparison.Ordinal),
            $"docs/engine.md does not mention {type}.{method}");
    }

    [Theory]
    [MemberData(nameof(OperatorKinds))]
    public void Engine_doc_lists_every_operator_kind(string kind)
    {
        Assert.Contains($"| `{kind}` |", EngineDoc.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void The_api_has_the_methods_the_doc_test_checks()
    {
        // Guards the reflection above: were it to find nothing, every theory would pass vacuously.
        var methods = Methods().ToList();
        Assert.Contains(("KeyedStream", "TopN"), methods);
        Assert.Contains(("Aggregates", "Combine"), methods);
        Assert.Contains(("JobBuilder", "Table"), methods);
    }
}
