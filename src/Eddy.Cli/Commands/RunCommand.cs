using System.CommandLine;
using System.Globalization;
using Eddy.Cli.Kafka;
using Eddy.Cli.Run;
using Eddy.Cli.Run.View;
using Eddy.Engine;
using Eddy.Engine.Plan;
using Microsoft.Extensions.Logging;

namespace Eddy.Cli.Commands;

/// <summary>
/// <c>eddy run [JOB]</c>: hosts a stream job (a built-in sample, or one from the user's assembly or project) on a
/// worker, against the embedded broker or an existing cluster, and shows its numbers live until Ctrl-C.
/// </summary>
public static class RunCommand
{
    internal static Command Create(CliConsole console, IReadOnlyDictionary<string, string> environment)
    {
        var job = new Argument<string?>("job") { Description = "The job to run (see --list). Default: the pageviews sample, or the only job of --assembly/--project.", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<bool>("--list") { Description = "List the jobs available (built-in samples, or those of --assembly/--project) and exit." };
        var plan = new Option<bool>("--plan", "--explain") { Description = "Print the job's plan (stages, operators, state stores, topics) and exit." };
        var bootstrap = new Option<string>("--bootstrap", "-b") { Description = "Run against an existing Kafka cluster, host:port[,host:port...]. Default: start the embedded broker in this process.", HelpName = "host:port" };
        var commandConfig = ClientOptions.NewCommandConfigOption();
        commandConfig.Description = "A client properties file (key=value lines) for every client of the run — the worker's consumers, producers and admin client, the generator: security.protocol, sasl.*, ssl.*, tuning. The worker keeps the settings exactly-once depends on.";
        var clientProperties = ClientOptions.NewPropertiesOption();
        clientProperties.Description = "A librdkafka client property for every client of the run, key=value (repeatable, over --command-config), e.g. -X security.protocol=SASL_SSL -X sasl.mechanism=PLAIN.";
        var dataDir = new Option<string>("--data-dir", "-d") { Description = "The embedded broker's data directory (as 'eddy up'). Default: ./eddy-data.", HelpName = "dir" };
        var port = new Option<int?>("--port") { Description = "The embedded broker's port (0 picks a free one). Default: 9092.", HelpName = "n" };
        var assembly = new Option<string>("--assembly") { Description = "A built class library whose public IJob classes are the jobs.", HelpName = "path.dll" };
        var project = new Option<string>("--project") { Description = "A job project (.csproj or its directory): built with 'dotnet build -c Release', then loaded as --assembly.", HelpName = "path" };
        var workerId = new Option<string>("--worker-id") { Description = "This worker's id, unique among the job's workers: start several 'eddy run --bootstrap ... --worker-id N' to share the job's partitions.", HelpName = "id", DefaultValueFactory = _ => "0" };
        var stateDir = new Option<string>("--state-dir") { Description = "The worker's local state (RocksDB), restored from the changelog topics when missing. Default: ./eddy-state/JOB/WORKER-ID.", HelpName = "dir" };
        var atLeastOnce = new Option<bool>("--at-least-once") { Description = "Commit offsets after flushing the outputs instead of in transactions: cheaper, but a crash may duplicate results. Default: exactly-once." };
        var commitInterval = DurationOption("--commit-interval", "How often results and offsets are committed (the latency of results under exactly-once), e.g. 100ms, 1s.", "100ms");
        var rate = new Option<double>("--rate") { Description = "Records per second the sample generator produces.", HelpName = "n", DefaultValueFactory = _ => 1000 };
        var noGenerator = new Option<bool>("--no-generator") { Description = "Do not generate the sample's input (another process does, or a second worker runs)." };
        var duration = DurationOption("--duration", "Stop cleanly after this long, e.g. 30s, 5m. Default: run until Ctrl-C or SIGTERM.", null);
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the input topics created when missing.", HelpName = "n", DefaultValueFactory = _ => 4 };
        var output = TopicsCommand.OutputOption("The live view: text (redrawn in place on a terminal, a line per second otherwise) or json (an object per second).");
        var logLevel = new Option<LogLevel>("--log-level") { Description = "The embedded broker's log verbosity on stderr.", HelpName = "level", DefaultValueFactory = _ => LogLevel.Warning };
        var (metricsPort, metricsHost) = MetricsOptions();

        var command = new Command("run", "Run a stream job on a worker with a live view of records in/out per second, watermark, lag and commit latency; Ctrl-C stops it cleanly. Without --bootstrap an embedded broker starts and a generator feeds the sample job's input.")
        {
            job, list, plan, bootstrap, commandConfig, clientProperties, dataDir, port, assembly, project, workerId, stateDir, atLeastOnce, commitInterval, rate, noGenerator, duration,
            partitions, output, logLevel, metricsPort, metricsHost,
        };
        command.SetAction((parseResult, ct) => RunAsync(
            new RunOptions
            {
                Job = parseResult.GetValue(job),
                List = parseResult.GetValue(list),
                Plan = parseResult.GetValue(plan),
                Bootstrap = parseResult.GetValue(bootstrap),
                CommandConfigFile = parseResult.GetValue(commandConfig),
                ClientProperties = parseResult.GetValue(clientProperties) ?? [],
                DataDir = parseResult.GetValue(dataDir),
                Port = parseResult.GetValue(port),
                Assembly = parseResult.GetValue(assembly),
                Project = parseResult.GetValue(project),
                WorkerId = parseResult.GetValue(workerId)!,
                StateDir = parseResult.GetValue(stateDir),
                AtLeastOnce = parseResult.GetValue(atLeastOnce),
                CommitInterval = parseResult.GetValue(commitInterval) ?? TimeSpan.FromMilliseconds(100),
                Rate = parseResult.GetValue(rate),
                NoGenerator = parseResult.GetValue(noGenerator),
                Duration = parseResult.GetValue(duration),
                Partitions = parseResult.GetValue(partitions),
                Output = parseResult.GetValue(output),
                LogLevel = parseResult.GetValue(logLevel),
                MetricsPort = parseResult.GetValue(metricsPort),
                MetricsHost = parseResult.GetValue(metricsHost)!,
            },
            console, environment, ct));
        return command;
    }

    /// <summary>The worker's <c>--metrics-port</c> and <c>--metrics-host</c> (<c>eddy run</c>, <c>eddy sql -f</c>).</summary>
    internal static (Option<int?> Port, Option<string> Host) MetricsOptions() =>
    (
        new Option<int?>("--metrics-port") { Description = "Serve the worker's metrics to Prometheus at http://HOST:n/metrics (0 picks a free one; the 'Worker metrics on ...' line says which). Default: no endpoint.", HelpName = "n" },
        new Option<string>("--metrics-host") { Description = "The address the metrics endpoint listens on (0.0.0.0: every interface).", HelpName = "address", DefaultValueFactory = _ => "127.0.0.1" }
    );

    /// <summary>The help epilogue of <c>eddy run --help</c>: examples, and how several workers share a job.</summary>
    public static string HelpEpilog() =>
        """
        Examples:
          eddy run                                   the pageviews sample on the embedded broker, fed by a generator
          eddy run --list                            the jobs available, with what each does
          eddy run clicks-per-user --plan            the plan of a job: stages, operators, state stores, topics
          eddy run --project ../my-jobs my-job       build a job project and run its job 'my-job'
          eddy run -b kafka:9092 --duration 1m --output json > status.jsonl

        Several workers:
          Workers of a job share its consumer group (the job's name) and so its partitions; state moves with them.
          Start one per process or machine with its own --worker-id (and --state-dir if they share a directory):
            eddy run pageviews --port 9092                                  # worker 0, with the embedded broker and the generator
            eddy run pageviews -b 127.0.0.1:9092 --worker-id 1 --no-generator
        """;

    /// <summary>Validates the options, then lists, explains or runs the job.</summary>
    public static Task<int> RunAsync(RunOptions options, CliConsole console, IEnumerable<KeyValuePair<string, string>> environment,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        return CommandRunner.RunAsync(console.Error, async () =>
        {
            Validate(options);
            if (options.CommandConfigFile is not null || options.ClientProperties.Count > 0)
            {
                // A missing file or a malformed -X fails now, before an embedded broker starts.
                _ = KafkaClientFactory.BuildConfig(new ClientSettings { CommandConfigFile = options.CommandConfigFile, Properties = options.ClientProperties });
            }
            var jobs = await JobCatalog.LoadAsync(options, console.Error, cancellationToken);
            if (options.List)
            {
                await console.Out.WriteAsync(JobCatalog.Listing(jobs));
                await console.Out.FlushAsync(cancellationToken);
                return ExitCodes.Success;
            }
            var hosted = JobCatalog.Select(jobs, options.Job);
            var plan = BuildPlan(hosted);
            if (options.Plan)
            {
                await console.Out.WriteAsync(plan + "\n");
                await console.Out.FlushAsync(cancellationToken);
                return ExitCodes.Success;
            }
            IRunView view = options.Output == OutputFormat.Json ? new JsonView(console.Out)
                : console.OutputIsTerminal ? new TerminalView(console.Out, TerminalWidth)
                : new LineView(console.Out);
            if (options.Bootstrap is { } bootstrap)
            {
                return await new JobHost(hosted, plan, options, bootstrap, $"cluster {bootstrap}", view, console.Error).RunAsync(cancellationToken);
            }
            using var loggerFactory = UpCommand.CreateLoggerFactory(options.LogLevel);
            await using var broker = await EmbeddedBroker.StartAsync(options, environment, loggerFactory, cancellationToken);
            await console.Error.WriteAsync($"Embedded Eddy broker listening on {broker.BootstrapServers} (bootstrap.servers for other clients while the job runs).\n");
            return await new JobHost(hosted, plan, options, broker.BootstrapServers, $"embedded broker {broker.BootstrapServers}", view, console.Error)
                .RunAsync(cancellationToken);
        }, cancellationToken);
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return int.MaxValue;
        }
    }

    private static void Validate(RunOptions options)
    {
        if (options.Bootstrap is not null && (options.DataDir is not null || options.Port is not null))
        {
            throw CliException.Usage("--data-dir and --port configure the embedded broker; with --bootstrap the job runs against that cluster instead");
        }
        if (options.Rate <= 0 || double.IsNaN(options.Rate) || double.IsInfinity(options.Rate))
        {
            throw CliException.Usage($"--rate must be a positive number of records per second, got {options.Rate.ToString(CultureInfo.InvariantCulture)}");
        }
        if (options.Partitions <= 0)
        {
            throw CliException.Usage($"--partitions must be positive, got {options.Partitions}");
        }
        if (options.CommitInterval <= TimeSpan.Zero)
        {
            throw CliException.Usage("--commit-interval must be positive");
        }
        if (string.IsNullOrWhiteSpace(options.WorkerId))
        {
            throw CliException.Usage("--worker-id must not be empty");
        }
        ValidateMetricsPort(options.MetricsPort);
    }

    internal static void ValidateMetricsPort(int? port)
    {
        if (port is < 0 or > 65535)
        {
            throw CliException.Usage($"Invalid value {port} for --metrics-port: must be between 0 and 65535");
        }
    }

    /// <summary>Defines and validates the job: a definition error is the job's fault, reported as one line naming it.</summary>
    internal static JobPlan BuildPlan(HostedJob hosted)
    {
        try
        {
            var builder = new JobBuilder(hosted.Name);
            hosted.Job.Define(builder);
            return builder.Build();
        }
        catch (Exception e) when (e is JobDefinitionException or ArgumentException or InvalidOperationException)
        {
            throw new CliException($"job {hosted.Name} ({hosted.Origin}) cannot run: {e.Message}");
        }
#pragma warning disable CA1031 // Define is the user's code: any failure of it is the job's error, not eddy's.
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw new CliException($"job {hosted.Name} ({hosted.Origin}) failed while defining itself: {e.GetType().Name}: {e.Message}");
        }
    }

    private static Option<TimeSpan?> DurationOption(string name, string description, string? defaultText) => new(name)
    {
        Description = description + (defaultText is null ? "" : $" Default: {defaultText}."),
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Durations.TryParse(text, out var value))
            {
                return value;
            }
            result.AddError($"Invalid duration '{text}' for {name}: use e.g. 500ms, 30s, 5m, 1h or hh:mm:ss");
            return null;
        },
    };
}
