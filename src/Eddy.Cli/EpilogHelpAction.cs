using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Eddy.Cli;

/// <summary>
/// System.CommandLine's help, followed by an epilogue for the commands that have one (e.g. the broker keys under
/// <c>eddy up --help</c>), since the library's help layout has no epilogue section of its own.
/// </summary>
internal sealed class EpilogHelpAction : SynchronousCommandLineAction
{
    private readonly HelpAction _help;
    private readonly IReadOnlyDictionary<Command, Func<string>> _epilogs;

    public EpilogHelpAction(HelpAction help, IReadOnlyDictionary<Command, Func<string>> epilogs)
    {
        _help = help;
        _epilogs = epilogs;
    }

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var result = _help.Invoke(parseResult);
        if (_epilogs.TryGetValue(parseResult.CommandResult.Command, out var epilog))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.Write(epilog());
            output.Write('\n');
            output.Flush();
        }
        return result;
    }

    /// <summary>Replaces the root's help option action so every subcommand's --help goes through this one.</summary>
    public static void Install(RootCommand root, IReadOnlyDictionary<Command, Func<string>> epilogs)
    {
        foreach (var option in root.Options)
        {
            if (option is HelpOption { Action: HelpAction help } helpOption)
            {
                helpOption.Action = new EpilogHelpAction(help, epilogs);
                return;
            }
        }
    }
}
