using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Eddy.Cli.Commands;
using Eddy.Cli.Configuration;

namespace Eddy.Cli;

/// <summary>
/// The <c>eddy</c> command tree, and the in-process entry point that parses and runs a command line against any
/// streams and environment (what Program does with the real console, and what end-to-end tests call).
/// </summary>
public static class CliApp
{
    /// <summary>Runs <paramref name="args"/> as <c>eddy</c> would and returns the exit code.</summary>
    /// <param name="environment">The environment variables (EDDY_BOOTSTRAP, EDDY_* broker keys); the process's when null.</param>
    public static async Task<int> RunAsync(string[] args, CliConsole console, IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        environment ??= BrokerPropertyLayering.ProcessEnvironment().ToDictionary(StringComparer.Ordinal);
        var root = BuildRootCommand(console, environment);
        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            // One line, like every other failure, instead of the library's multi-line error block.
            var messages = string.Join("; ", parseResult.Errors.Select(e => OneLine(e.Message)));
            await CommandRunner.Error(console.Error, $"{messages} (see '{CommandPath(parseResult.CommandResult)} --help')");
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            // Program owns Ctrl-C/SIGTERM handling (ShutdownSignal) and passes it in as the token; the library's own
            // handler would force an exit after a timeout, cutting short the broker's clean shutdown.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }

    public static RootCommand BuildRootCommand(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var root = new RootCommand("Eddy: a Kafka-compatible streaming platform. The client verbs work against any Kafka cluster.");
        var up = UpCommand.Create(console, environment);
        root.Add(up);
        root.Add(TopicsCommand.Create(console, environment));
        root.Add(ProduceCommand.Create(console, environment));
        root.Add(ConsumeCommand.Create(console, environment));
        root.Add(GroupsCommand.Create(console, environment));
        root.Add(JobsCommand.Create(console, environment));
        root.Add(TransactionsCommand.Create(console, environment));
        root.Add(RegistryCommand.Create(console, environment));
        var run = RunCommand.Create(console, environment);
        root.Add(run);
        root.Add(BenchCommand.Create(console));
        root.Add(Nexmark.NexmarkCommand.Create(console, environment));
        var sql = Sql.SqlCommand.Create(console, environment);
        root.Add(sql);
        EpilogHelpAction.Install(root, new Dictionary<Command, Func<string>> { [up] = UpCommand.HelpEpilog, [run] = RunCommand.HelpEpilog, [sql] = Sql.SqlCommand.HelpEpilog });
        return root;
    }

    // Some library messages list choices on separate tab-indented lines.
    private static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is not null; current = current.Parent)
        {
            if (current is CommandResult command)
            {
                names.Add(command.Parent is null ? "eddy" : command.Command.Name);
            }
        }
        names.Reverse();
        return string.Join(' ', names);
    }
}
