using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Eddy.Broker;
using Eddy.Broker.Configuration;
using Eddy.Broker.Metrics;
using Eddy.Cli.Configuration;
using Eddy.Registry;
using Eddy.Registry.Hosting;
using Microsoft.Extensions.Logging;

namespace Eddy.Cli.Commands;

/// <summary>
/// <c>eddy up</c>: runs the embedded broker until Ctrl-C or SIGTERM. The settings are Kafka broker keys layered by
/// <see cref="BrokerPropertyLayering"/>; the broker itself validates them and does all the work.
/// </summary>
public static class UpCommand
{
    internal static Command Create(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var dataDir = new Option<string>("--data-dir", "-d") { Description = "Where the partition logs and broker metadata live (log.dirs). Default: ./eddy-data.", HelpName = "dir" };
        var host = new Option<string>("--host") { Description = "The address the listener binds to (host of listeners). Default: 127.0.0.1; 0.0.0.0 for all interfaces.", HelpName = "host" };
        var port = new Option<int?>("--port") { Description = "The listener port (port of listeners; 0 picks a free one). Default: 9092.", HelpName = "n" };
        var advertisedHost = new Option<string>("--advertised-host") { Description = "The host clients are told to connect to (advertised.listeners). Default: the listener host, or 127.0.0.1 for a wildcard bind.", HelpName = "host" };
        var advertisedPort = new Option<int?>("--advertised-port") { Description = "The port clients are told to connect to (advertised.listeners). Default: the listener port.", HelpName = "n" };
        var config = new Option<string>("--config") { Description = "A settings file: server.properties format (key=value lines, # comments), or a JSON object of key to value if the name ends in .json.", HelpName = "file" };
        var set = new Option<string[]>("--set") { Description = "Any Kafka broker setting, key=value (repeatable), e.g. --set log.retention.ms=3600000.", HelpName = "key=value", Arity = ArgumentArity.OneOrMore };
        var listConfigs = new Option<bool>("--list-configs") { Description = "Print every broker setting Eddy accepts, with its default and meaning, and exit." };
        var registryPort = new Option<int?>("--registry-port") { Description = $"The schema registry's HTTP port, on the listener host (0 picks a free one). Default: {SchemaRegistryHost.DefaultPort}.", HelpName = "n" };
        var noRegistry = new Option<bool>("--no-registry") { Description = "Run the broker without the schema registry." };
        var metricsPort = new Option<int?>("--metrics-port") { Description = $"The Prometheus endpoint's port (http://host:port/metrics), on the listener host (0 picks a free one). Default: {PrometheusEndpoint.DefaultPort}; if that port is taken, a warning and no metrics.", HelpName = "n" };
        var noMetrics = new Option<bool>("--no-metrics") { Description = "Run without the Prometheus endpoint." };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Broker log verbosity on stderr: Trace, Debug, Information, Warning, Error, Critical or None.", HelpName = "level", DefaultValueFactory = _ => LogLevel.Information };

        var command = new Command("up", "Start an Eddy broker and its schema registry in the foreground; stop them with Ctrl-C or SIGTERM.")
        {
            dataDir, host, port, advertisedHost, advertisedPort, config, set, listConfigs, registryPort, noRegistry, metricsPort, noMetrics, logLevel,
        };
        command.SetAction((parseResult, ct) => RunAsync(
            new UpOptions
            {
                DataDir = parseResult.GetValue(dataDir),
                Host = parseResult.GetValue(host),
                Port = parseResult.GetValue(port),
                AdvertisedHost = parseResult.GetValue(advertisedHost),
                AdvertisedPort = parseResult.GetValue(advertisedPort),
                ConfigFile = parseResult.GetValue(config),
                Sets = parseResult.GetValue(set) ?? [],
                ListConfigs = parseResult.GetValue(listConfigs),
                RegistryPort = parseResult.GetValue(noRegistry) ? null : parseResult.GetValue(registryPort) ?? SchemaRegistryHost.DefaultPort,
                MetricsPort = parseResult.GetValue(noMetrics) ? null : parseResult.GetValue(metricsPort) ?? PrometheusEndpoint.DefaultPort,
                MetricsPortIsDefault = parseResult.GetValue(metricsPort) is null,
                LogLevel = parseResult.GetValue(logLevel),
            },
            console.Out, console.Error, environment, ct));
        return command;
    }

    /// <summary>
    /// Resolves the settings, starts the broker (and the schema registry when <see cref="UpOptions.RegistryPort"/> is set),
    /// prints where they listen, and runs until <paramref name="cancellationToken"/> fires. <paramref name="loggerFactory"/> defaults to a console logger on stderr at <see cref="UpOptions.LogLevel"/>.
    /// </summary>
    public static Task<int> RunAsync(UpOptions options, TextWriter stdout, TextWriter stderr, IEnumerable<KeyValuePair<string, string>> environment,
        CancellationToken cancellationToken, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        return CommandRunner.RunAsync(stderr, async () =>
        {
            if (options.ListConfigs)
            {
                await stdout.WriteAsync(ConfigListing());
                await stdout.FlushAsync(cancellationToken);
                return ExitCodes.Success;
            }
            var properties = BrokerPropertyLayering.Resolve(options, environment, stderr.WriteLine);
            var brokerOptions = BrokerOptions.Parse(properties);

            using var ownedLoggerFactory = loggerFactory is null ? CreateLoggerFactory(options.LogLevel) : null;
            KafkaBroker broker;
            try
            {
                broker = await KafkaBroker.StartAsync(brokerOptions, loggerFactory ?? ownedLoggerFactory, cancellationToken);
            }
            catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot start the broker: {e.Message}");
            }
            await using (broker)
            {
                var port = broker.LocalEndPoint.Port != 0 ? broker.LocalEndPoint.Port : brokerOptions.ListenPort;
                await stdout.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Eddy broker listening on {brokerOptions.ListenHost}:{port} (bootstrap.servers={broker.BootstrapServers}), data in {brokerOptions.DataDirectory}\n"));
                await stdout.FlushAsync(CancellationToken.None);
                if (options.RegistryPort is < 0 or > 65535)
                {
                    throw CliException.Usage($"Invalid value {options.RegistryPort} for --registry-port: must be between 0 and 65535");
                }
                // The registry is a Kafka client of the broker like any other: it reaches it on its bootstrap address.
                await using var registry = options.RegistryPort is { } registryPort
                    ? await RegistryCommand.StartAsync(
                        new RegistryOptions { KafkaConfig = new Dictionary<string, string> { ["bootstrap.servers"] = broker.BootstrapServers } },
                        brokerOptions.ListenHost, registryPort, loggerFactory ?? ownedLoggerFactory, cancellationToken)
                    : null;
                if (registry is not null)
                {
                    await stdout.WriteAsync($"Eddy schema registry listening on {registry.Url} (kafkastore.topic={registry.Registry.Topic})\n");
                    await stdout.FlushAsync(CancellationToken.None);
                }
                using var metrics = StartMetrics(options, brokerOptions.ListenHost, stderr, registry is null ? [broker.Metrics.Meter] : [broker.Metrics.Meter, registry.Metrics.Meter]);
                if (metrics is not null)
                {
                    await stdout.WriteAsync($"Eddy metrics on {metrics.Url}\n");
                    await stdout.FlushAsync(CancellationToken.None);
                }
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C / SIGTERM is the normal way to stop: stop the registry, dispose the broker (closing its logs), exit 0.
                }
            }
            return ExitCodes.Success;
        }, cancellationToken);
    }

    /// <summary>
    /// The Prometheus endpoint over the broker's and the registry's meters, or null without one: --no-metrics, or the
    /// default port taken (a warning; an explicit --metrics-port that cannot be served is an error).
    /// </summary>
    private static PrometheusEndpoint? StartMetrics(UpOptions options, string host, TextWriter stderr, System.Diagnostics.Metrics.Meter[] meters)
    {
        if (options.MetricsPort is not { } port)
        {
            return null;
        }
        if (port is < 0 or > 65535)
        {
            throw CliException.Usage($"Invalid value {port} for --metrics-port: must be between 0 and 65535");
        }
        try
        {
            return PrometheusEndpoint.Start(host, port, meters);
        }
        catch (IOException e) when (options.MetricsPortIsDefault)
        {
            stderr.WriteLine($"warning: {e.Message}; running without metrics (choose a port with --metrics-port, or --no-metrics)");
            return null;
        }
        catch (IOException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>The broker keys, defaults and meanings (--list-configs).</summary>
    public static string ConfigListing()
    {
        var sb = new StringBuilder();
        var width = BrokerConfigs.Broker.Max(d => d.Name.Length) + 2;
        sb.Append("Broker settings (give them with --set key=value, as EDDY_KEY_NAME environment variables, or in a --config file):\n\n");
        foreach (var definition in BrokerConfigs.Broker)
        {
            sb.Append(definition.Name.PadRight(width));
            sb.Append("default: ").Append(definition.Default ?? "(none)").Append('\n');
            sb.Append(' ', width).Append(definition.Documentation).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The help epilogue of <c>eddy up --help</c>: how settings are layered and which keys exist.</summary>
    public static string HelpEpilog()
    {
        var sb = new StringBuilder();
        sb.Append("Settings:\n");
        sb.Append("  Any Kafka broker key below can be given with --set key=value, as an environment variable EDDY_<KEY>\n");
        sb.Append("  (upper case, dots as underscores: EDDY_LOG_RETENTION_MS=60000), or in the --config file.\n");
        sb.Append("  Precedence: command line > environment > settings file > defaults. Details: eddy up --list-configs\n\n");
        sb.Append("Broker keys:\n");
        var width = BrokerConfigs.Broker.Max(d => d.Name.Length) + 4;
        foreach (var definition in BrokerConfigs.Broker)
        {
            sb.Append("  ").Append(definition.Default is { } d ? definition.Name.PadRight(width) + "default " + d : definition.Name).Append('\n');
        }
        return sb.ToString();
    }

    // Logs go to stderr so stdout carries only the "listening" line and can be read by scripts.
    internal static ILoggerFactory CreateLoggerFactory(LogLevel level) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(level)
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        })
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
}
