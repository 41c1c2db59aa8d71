namespace Eddy.Bench;

/// <summary>
/// Where the engine benchmark finds its Streamiz.Kafka.Net reference (bench/Eddy.Bench.Streamiz, a program of its own
/// run as a child process): the path it is given, or the copy a program's build puts in <c>streamiz/</c> beside it
/// (StreamizReference.targets). Nothing here knows where a repository or its build output lies.
/// </summary>
public static class StreamizReference
{
    /// <summary>The reference program's entry assembly, run with <c>dotnet</c>.</summary>
    public const string FileName = "Eddy.Bench.Streamiz.dll";

    /// <summary>The folder beside the running program that the build copies the reference into.</summary>
    public const string Folder = "streamiz";

    /// <summary>Where the build of the running program puts the reference.</summary>
    public static string BesideProgram => Path.Combine(AppContext.BaseDirectory, Folder, FileName);

    /// <summary>The path the engine benchmark runs: <paramref name="explicitPath"/> when given, else <see cref="BesideProgram"/>.</summary>
    public static string Resolve(string? explicitPath) => explicitPath ?? BesideProgram;
}
