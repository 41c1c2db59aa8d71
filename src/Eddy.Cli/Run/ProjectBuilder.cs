using System.Diagnostics;
using System.Text;

namespace Eddy.Cli.Run;

/// <summary>
/// Builds a user's job project with the .NET SDK (<c>dotnet build -c Release</c>) and finds the assembly it produced,
/// so <c>eddy run --project</c> always runs the current source.
/// </summary>
internal static class ProjectBuilder
{
    public static async Task<string> BuildAsync(string project, TextWriter progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(project) && !Directory.Exists(project))
        {
            throw CliException.Usage($"no such project file or directory: {project}");
        }
        await progress.WriteAsync($"Building {project} (dotnet build -c Release)...\n");
        await progress.FlushAsync(cancellationToken);
        var build = await DotnetAsync(["build", project, "-c", "Release", "-nologo", "-v", "quiet"], cancellationToken);
        if (build.ExitCode != 0)
        {
            throw new CliException($"building {project} failed:\n{build.Output.TrimEnd()}");
        }
        // Ask MSBuild itself where the output went, rather than guessing bin/Release/<framework>/<name>.dll.
        var target = await DotnetAsync(["msbuild", project, "-getProperty:TargetPath", "-p:Configuration=Release", "-nologo"], cancellationToken);
        var path = target.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (target.ExitCode != 0 || string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new CliException($"cannot find the assembly {project} builds: {target.Output.Trim()}");
        }
        return path;
    }

    private static async Task<(int ExitCode, string Output)> DotnetAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        // The SDK that runs eddy (dotnet run sets DOTNET_HOST_PATH), else the one on PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new CliException("cannot start dotnet");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
