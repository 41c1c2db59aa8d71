namespace Eddy.Cli.Tests;

/// <summary>Runs <c>eddy</c> in-process with string streams and a fixed environment.</summary>
internal static class CliHarness
{
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(string[] args, string input = "",
        Dictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, new CliConsole(new StringReader(input), stdout, stderr), environment ?? [], cancellationToken);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
