using System.CommandLine;
using System.Net.Sockets;
using Eddy.Cli.Kafka;
using Eddy.Registry;
using Eddy.Registry.Hosting;
using Microsoft.Extensions.Logging;

namespace Eddy.Cli.Commands;

/// <summary>What <c>eddy registry</c> was asked for.</summary>
public sealed record RegistryCommandOptions
{
    /// <summary>The Kafka connection (-b, --command-config, -X): the registry's store lives on that cluster.</summary>
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    /// <summary>--listen: the address the HTTP listener binds to.</summary>
    public string Listen { get; init; } = "127.0.0.1";

    /// <summary>--port: the HTTP port (0 picks a free one).</summary>
    public int Port { get; init; } = SchemaRegistryHost.DefaultPort;

    /// <summary>--topic: Confluent's kafkastore.topic.</summary>
    public string Topic { get; init; } = RegistryOptions.DefaultTopic;

    /// <summary>--log-level: the registry's log verbosity on stderr.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}

/// <summary>
/// <c>eddy registry</c>: a Confluent-compatible schema registry on its own, storing into a compacted topic of any Kafka
/// cluster (Eddy's broker, Apache Kafka, Redpanda ...). Runs until Ctrl-C or SIGTERM.
/// </summary>
public static class RegistryCommand
{
    internal static Command Create(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var client = new ClientOptions(environment);
        var listen = new Option<string>("--listen") { Description = "The address the HTTP listener binds to. Default: 127.0.0.1; 0.0.0.0 for all interfaces.", HelpName = "host" };
        var port = new Option<int?>("--port", "-p") { Description = $"The HTTP port (0 picks a free one). Default: {SchemaRegistryHost.DefaultPort}.", HelpName = "n" };
        var topic = new Option<string>("--topic") { Description = $"The compacted single-partition topic that stores the schemas (Confluent's kafkastore.topic). Created if missing. Default: {RegistryOptions.DefaultTopic}.", HelpName = "name" };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Log verbosity on stderr: Trace, Debug, Information, Warning, Error, Critical or None.", HelpName = "level", DefaultValueFactory = _ => LogLevel.Information };
        var command = new Command("registry",
            "Run a Confluent-compatible schema registry (REST on port 8081) against any Kafka cluster, storing schemas in its _schemas topic; stop it with Ctrl-C or SIGTERM.")
        {
            listen, port, topic, logLevel,
        };
        client.AddTo(command);
        command.SetAction((parseResult, ct) => RunAsync(
            new RegistryCommandOptions
            {
                Client = client.Read(parseResult),
                Listen = parseResult.GetValue(listen) ?? "127.0.0.1",
                Port = parseResult.GetValue(port) ?? SchemaRegistryHost.DefaultPort,
                Topic = parseResult.GetValue(topic) ?? RegistryOptions.DefaultTopic,
                LogLevel = parseResult.GetValue(logLevel),
            },
            console.Out, console.Error, ct));
        return command;
    }

    /// <summary>Starts the registry, prints where it listens, and serves until <paramref name="cancellationToken"/> fires.</summary>
    public static Task<int> RunAsync(RegistryCommandOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            if (options.Port is < 0 or > 65535)
            {
                throw CliException.Usage($"Invalid value {options.Port} for --port: must be between 0 and 65535");
            }
            if (string.IsNullOrWhiteSpace(options.Topic))
            {
                throw CliException.Usage("--topic must not be empty");
            }
            var kafka = KafkaClientFactory.BuildConfig(options.Client, new Dictionary<string, string> { ["client.id"] = "eddy-registry" });
            using var ownedLoggerFactory = loggerFactory is null ? UpCommand.CreateLoggerFactory(options.LogLevel) : null;
            await using var server = await StartAsync(
                new RegistryOptions { KafkaConfig = kafka, Topic = options.Topic },
                options.Listen, options.Port, loggerFactory ?? ownedLoggerFactory, cancellationToken);
            await stdout.WriteAsync(
                $"Eddy schema registry listening on {server.Url} (kafkastore.bootstrap.servers={kafka["bootstrap.servers"]}, kafkastore.topic={options.Topic})\n");
            await stdout.FlushAsync(CancellationToken.None);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C / SIGTERM: stop serving, close the Kafka clients, exit 0.
            }
            return ExitCodes.Success;
        }, cancellationToken);
    }

    /// <summary>Starts the registry's HTTP host, turning the expected start-up failures into one-line CLI errors.</summary>
    internal static async Task<SchemaRegistryHost> StartAsync(RegistryOptions options, string host, int port, ILoggerFactory? loggerFactory, CancellationToken cancellationToken)
    {
        try
        {
            return await SchemaRegistryHost.StartAsync(options, host, port, loggerFactory, cancellationToken);
        }
        catch (RegistryStartupException e)
        {
            throw new CliException($"cannot start the schema registry: {e.Message}");
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot start the schema registry on {host}:{port}: {e.Message}");
        }
    }
}
