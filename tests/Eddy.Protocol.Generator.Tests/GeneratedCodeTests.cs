using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Eddy.Protocol.Generator.Tests;

/// <summary>
/// The generated fixture code is compiled with Roslyn together with Eddy.Protocol's hand-written primitives (its
/// generated messages and the framing written against them left out, so the fixtures' ApiKey and ErrorCode stand in
/// for Kafka's), then a probe writes and reads a message through the generated types.
/// </summary>
public class GeneratedCodeTests
{
    private static readonly Lazy<(Assembly? Assembly, IReadOnlyList<Diagnostic> Diagnostics)> Compiled = new(Compile);

    [Fact]
    public void Generated_fixture_code_compiles_without_errors_or_warnings()
    {
        var problems = Compiled.Value.Diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.ToString())
            .ToList();
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(0, "owner|null|5|9:1,2:7:null||origin:1|zero|-1|null")]
    [InlineData(1, "owner|label|5|9:1,2:7:red/0.5||origin:1|zero|-1|null")]
    [InlineData(2, "owner|label|5|9:1,2:7:red/0.5|note|origin:1|zero|5|fallback:2")]
    [InlineData(3, "owner|label|5|9:1,2:7:red/0.5|note|origin:1|set|5|fallback:2")]
    public void A_message_round_trips_through_the_generated_types_with_the_fields_of_its_version(short version, string expected)
    {
        var probe = Compiled.Value.Assembly!.GetType("Eddy.Protocol.Generator.Probe.WidgetProbe", throwOnError: true)!;
        var bytes = (byte[])probe.GetMethod("Write")!.Invoke(null, [version])!;
        var described = (string)probe.GetMethod("ReadBack")!.Invoke(null, [bytes, version])!;
        Assert.Equal(expected, described);
    }

    private static (Assembly?, IReadOnlyList<Diagnostic>) Compile()
    {
        var protocol = Path.Combine(Fixtures.RepositoryRoot, "src", "Eddy.Protocol");
        var handWritten = Directory.GetFiles(protocol, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".g.cs", StringComparison.Ordinal))
            // Framing/ is written against Kafka's generated API set (ApiMessages, ApiKey.ApiVersions), not the fixtures'.
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Framing{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText);
        // The SDK's implicit usings, which Eddy.Protocol's sources rely on.
        const string implicitUsings = "global using System; global using System.Collections.Generic; global using System.IO; "
            + "global using System.Linq; global using System.Threading; global using System.Threading.Tasks;";
        var sources = handWritten
            .Concat(Fixtures.Generated.Values)
            .Append(File.ReadAllText(Path.Combine(Fixtures.FixtureDir, "WidgetProbe.cs")))
            .Append(implicitUsings);
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s, options)).ToList();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "Eddy.Protocol.GeneratedFixtures",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            return (null, result.Diagnostics);
        }
        var context = new AssemblyLoadContext("generated-fixtures", isCollectible: true);
        return (context.LoadFromStream(new MemoryStream(image.ToArray())), result.Diagnostics);
    }
}
