using Eddy.Protocol.Generator;

namespace Eddy.Protocol.Generator.Tests;

/// <summary>
/// The spec fixtures of this project (written here, not Kafka's) and what the generator makes of them. The golden
/// files live beside the fixtures in the source tree, so the tests find them from the repository root.
/// </summary>
internal static class Fixtures
{
    public static readonly KafkaSource Source = new("0.0.0-fixture", "0123456789abcdef0123456789abcdef01234567");

    private static readonly Lazy<SortedDictionary<string, string>> LazyGenerated = new(() =>
        new CodecGenerator(["Widget"], ["EnvelopeHeader"], Source).Generate(FixtureDir, Path.Combine(FixtureDir, "Errors.java")));

    public static string ProjectDir { get; } = FindProjectDir();

    public static string FixtureDir => Path.Combine(ProjectDir, "Fixtures");

    public static string GoldenDir => Path.Combine(ProjectDir, "Golden");

    /// <summary>The generated files by name.</summary>
    public static SortedDictionary<string, string> Generated => LazyGenerated.Value;

    /// <summary>Set EDDY_UPDATE_GOLDEN=1 to rewrite the golden files from the generator's output.</summary>
    public static bool UpdateGolden => Environment.GetEnvironmentVariable("EDDY_UPDATE_GOLDEN") == "1";

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(ProjectDir, "..", ".."));

    // The build output sits under the project (bin/Release/net10.0), in a checkout or a CI clone alike.
    private static string FindProjectDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Eddy.Protocol.Generator.Tests");
            if (File.Exists(Path.Combine(dir.FullName, "Eddy.slnx")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"No Eddy.slnx above {AppContext.BaseDirectory}.");
    }
}
