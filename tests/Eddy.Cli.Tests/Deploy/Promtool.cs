using System.Diagnostics;

namespace Eddy.Cli.Tests.Deploy;

/// <summary>Runs Debian's promtool (the prometheus package, which .ci/run installs) and returns its exit code and output.</summary>
internal static class Promtool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var promtool = Process.Start(info)!;
        var output = promtool.StandardOutput.ReadToEndAsync();
        var error = promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        return (promtool.ExitCode, await output + await error);
    }
}
