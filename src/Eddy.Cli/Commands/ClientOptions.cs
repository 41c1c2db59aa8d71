using System.CommandLine;
using Eddy.Cli.Kafka;

namespace Eddy.Cli.Commands;

/// <summary>
/// The connection options every client verb takes (-b, --command-config, -X), created once per command so each
/// command's help lists them, and read back into <see cref="ClientSettings"/>.
/// </summary>
internal sealed class ClientOptions
{
    public const string BootstrapVariable = "EDDY_BOOTSTRAP";

    private readonly IReadOnlyDictionary<string, string> _environment;

    public ClientOptions(IReadOnlyDictionary<string, string> environment)
    {
        _environment = environment;
    }

    public Option<string> Bootstrap { get; } = new("--bootstrap", "-b", "--bootstrap-server")
    {
        Description = $"Kafka bootstrap servers, host:port[,host:port...]. Default: ${BootstrapVariable}, else {ClientSettings.DefaultBootstrap}.",
        HelpName = "host:port",
    };

    public Option<string> CommandConfig { get; } = NewCommandConfigOption();

    public Option<string[]> Properties { get; } = NewPropertiesOption();

    /// <summary>--command-config, for commands that take it without -b's meaning (eddy run).</summary>
    public static Option<string> NewCommandConfigOption() => new("--command-config")
    {
        Description = "A client properties file (key=value lines, as kafka-topics.sh --command-config takes) with extra client settings such as security.protocol.",
        HelpName = "file",
    };

    /// <summary>-X, for commands that take it without -b's meaning (eddy run).</summary>
    public static Option<string[]> NewPropertiesOption() => new("-X")
    {
        Description = "A librdkafka client property, key=value (repeatable), e.g. -X security.protocol=SSL -X debug=broker.",
        HelpName = "key=value",
        Arity = ArgumentArity.OneOrMore,
    };

    public void AddTo(Command command)
    {
        command.Add(Bootstrap);
        command.Add(CommandConfig);
        command.Add(Properties);
    }

    public ClientSettings Read(ParseResult parseResult) => new()
    {
        Bootstrap = parseResult.GetValue(Bootstrap),
        EnvironmentBootstrap = _environment.GetValueOrDefault(BootstrapVariable),
        CommandConfigFile = parseResult.GetValue(CommandConfig),
        Properties = parseResult.GetValue(Properties) ?? [],
    };
}
