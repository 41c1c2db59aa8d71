using System.CommandLine;
using System.Text;
using Eddy.Cli.Commands;
using Eddy.Cli.Run;
using Eddy.Sql.Catalog;
using Eddy.Sql.Functions;

namespace Eddy.Cli.Sql;

/// <summary>
/// <c>eddy sql</c>: Flink's SQL client for Eddy. Interactive on a terminal (line editing, history, results live,
/// Ctrl-C cancels the query), statements from stdin when piped, or a script with <c>-f</c>.
/// </summary>
public static class SqlCommand
{
    /// <summary>Creates the command; <paramref name="host"/> supplies the executor and the terminal (the process's by default).</summary>
    internal static Command Create(CliConsole console, IReadOnlyDictionary<string, string> environment, SqlClientHost? host = null)
    {
        host ??= SqlClientHost.Default;
        var file = new Option<string>("--file", "-f") { Description = "Run the statements of this file in order (its INSERT INTO statements as a job, on a worker), then exit; the first failing statement stops it with its line and column.", HelpName = "job.sql" };
        var init = new Option<string>("--init", "-i") { Description = "A file of statements to run first (CREATE TABLE, SET ...), as Flink's -i; then the client starts (or -f runs).", HelpName = "init.sql" };
        var jar = new Option<string[]>("--jar", "-j") { Description = "A .NET assembly (.dll) of user-defined functions, added to the session as Flink's ADD JAR (CREATE FUNCTION ... AS 'Namespace.Type' then finds them); repeatable.", HelpName = "path.dll", AllowMultipleArgumentsPerToken = false };
        var bootstrap = new Option<string>("--bootstrap", "-b") { Description = "Run against an existing Kafka cluster, host:port[,host:port...]. Default: start the embedded broker in this process.", HelpName = "host:port" };
        var output = new Option<string>("--output") { Description = "How a query's result is shown: table (the result updated in place; default on a terminal), changelog (+I/-U/+U/-D rows), tableau (Flink's boxed rows; default for pipes and -f) or json (an object per change). SET 'sql-client.execution.result-mode' changes it in a session.", HelpName = "mode" };
        output.AcceptOnlyFromAmong(SqlResultModes.Names);
        var historyFile = new Option<string>("--history-file") { Description = "Where the interactive client keeps the lines entered (up/down recalls them). Default: ~/.eddy/sql_history.", HelpName = "path" };
        var workerId = new Option<string>("--worker-id") { Description = "The -f job's worker id, unique among its workers: start several 'eddy sql -f job.sql --bootstrap ... --worker-id N' to share the job's partitions.", HelpName = "id", DefaultValueFactory = _ => "0" };
        var duration = new Option<TimeSpan?>("--duration")
        {
            Description = "Stop the -f job cleanly after this long, e.g. 30s, 5m. Default: run until Ctrl-C or SIGTERM.",
            HelpName = "duration",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (Durations.TryParse(text, out var value))
                {
                    return value;
                }
                result.AddError($"Invalid duration '{text}' for --duration: use e.g. 500ms, 30s, 5m, 1h or hh:mm:ss");
                return null;
            },
        };
        var (metricsPort, metricsHost) = RunCommand.MetricsOptions();
        metricsPort.Description = "Serve the -f job's worker metrics to Prometheus at http://HOST:n/metrics (0 picks a free one). Default: no endpoint.";
        var catalog = new Option<string>("--catalog")
        {
            Description = "Where permanent tables, views and functions live: kafka (the compacted topic --catalog-topic on the cluster, shared by every session and worker on it, kept across runs; default) or memory (this client's memory, gone when it exits, as Flink's default catalog). TEMPORARY objects always stay in the session.",
            HelpName = "kafka|memory",
            DefaultValueFactory = _ => SqlCatalogKinds.Kafka,
        };
        catalog.AcceptOnlyFromAmong([.. SqlCatalogKinds.Names]);
        var catalogTopic = new Option<string>("--catalog-topic") { Description = $"The Kafka catalog's compacted topic (one partition), created when missing. Default: {KafkaCatalogStoreOptions.DefaultTopic}.", HelpName = "topic" };
        var command = new Command("sql", "Flink's SQL client: type statements (multi-line, ending with ';') and see SELECT results live, or run a script with -f. Ctrl-C cancels the running query, QUIT; or Ctrl-D leaves.")
        {
            file, init, jar, bootstrap, output, historyFile, workerId, duration, catalog, catalogTopic, metricsPort, metricsHost,
        };
        command.SetAction((parseResult, ct) => RunAsync(
            new SqlOptions
            {
                File = parseResult.GetValue(file),
                Init = parseResult.GetValue(init),
                Jars = parseResult.GetValue(jar) ?? [],
                Bootstrap = parseResult.GetValue(bootstrap),
                Output = parseResult.GetValue(output),
                HistoryFile = parseResult.GetValue(historyFile),
                WorkerId = parseResult.GetValue(workerId)!,
                Duration = parseResult.GetValue(duration),
                MetricsPort = parseResult.GetValue(metricsPort),
                MetricsHost = parseResult.GetValue(metricsHost)!,
                Catalog = parseResult.GetValue(catalog)!,
                CatalogTopic = parseResult.GetValue(catalogTopic),
            },
            console, host, ct, environment));
        return command;
    }

    /// <summary>The help epilogue of <c>eddy sql --help</c>: examples and the client's commands.</summary>
    public static string HelpEpilog() =>
        """
        Examples:
          eddy sql                                   the interactive client on the embedded broker
          eddy sql -b kafka:9092 --output changelog  against a cluster, every change of a query as a line
          eddy sql -i tables.sql -f job.sql          create the tables, then run the job's INSERT statements
          eddy sql -b kafka:9092 -f job.sql          a job on the tables other sessions created (catalog topic _eddy_sql_catalog)
          eddy sql --catalog memory                  tables that live only until the client exits
          echo "SHOW TABLES;" | eddy sql -i tables.sql

        In the client:
          statements end with ';' and may span lines; HELP; lists the commands; QUIT; EXIT; or Ctrl-D leaves;
          CLEAR; clears the screen; Ctrl-C cancels a running query (or clears the input at the prompt);
          up/down recall earlier lines; SET 'sql-client.execution.result-mode' = 'tableau'; changes the result mode.
        """;

    /// <summary>Validates the options, runs --init, then the script or the interactive client.</summary>
    internal static Task<int> RunAsync(SqlOptions options, CliConsole console, SqlClientHost host, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(console);
        return CommandRunner.RunAsync(console.Error, async () =>
        {
            Validate(options);
            // Read the scripts first: a missing file fails before anything starts.
            var initScript = options.Init is null ? null : await ReadScriptAsync(options.Init, "--init", cancellationToken);
            var script = options.File is null ? null : await ReadScriptAsync(options.File, "--file", cancellationToken);

            var session = new SqlSessionProperties();
            if (options.Output is not null)
            {
                session.SetDefault(SqlResultModes.Property, options.Output);
            }
            var executor = host.CreateExecutor(new SqlExecutorContext(options, session, environment ?? new Dictionary<string, string>(), console));
            // An executor that holds resources (an embedded broker, a worker) is released when the client ends.
            await using var release = new ExecutorRelease(executor);
            using var terminal = script is null ? host.OpenTerminal(console) : null;
            var terminalOutput = terminal is not null || console.OutputIsTerminal;
            Func<(int, int)> size = terminal is null ? static () => (int.MaxValue, int.MaxValue) : () => (terminal.Width, terminal.Height);
            var settings = new SqlShellSettings
            {
                Terminal = terminalOutput,
                DefaultMode = terminal is not null ? SqlResultMode.Table : SqlResultMode.Tableau,
                Interrupts = terminal is null ? new NoQueryInterrupts() : new TerminalQueryInterrupts(terminal),
                CreateView = SqlShellSettings.Views(console.Out, terminalOutput, TableauLayout.DefaultMaxColumnWidth,
                    TimeSpan.FromMilliseconds(250), size),
            };
            var shell = new SqlShell(executor, session, console.Out, console.Error, settings);

            if (initScript is not null && await shell.RunScriptAsync(initScript, cancellationToken) != SqlShell.Outcome.Done)
            {
                await CommandRunner.Error(console.Error, $"the statements of --init {options.Init} failed; nothing else was run");
                return ExitCodes.Failure;
            }
            if (script is not null)
            {
                var outcome = await shell.RunScriptAsync(script, cancellationToken);
                if (outcome == SqlShell.Outcome.Failed)
                {
                    return ExitCodes.Failure;
                }
                // The script's INSERTs run now, as one job on a worker, until Ctrl-C, SIGTERM or --duration.
                return outcome == SqlShell.Outcome.Done && executor is SqlSessionExecutor sqlSession
                    ? await sqlSession.RunScriptJobAsync(cancellationToken)
                    : ExitCodes.Success;
            }
            ILineSource lines = terminal is null
                ? new TextLineSource(console.In)
                : new LineEditor(terminal, console.Out, options.HistoryFile is null && host.DefaultHistory is not null
                    ? host.DefaultHistory(console.Error)
                    : SqlHistory.Open(options.HistoryFile ?? SqlHistory.DefaultPath(), console.Error));
            return await shell.RunInteractiveAsync(lines, cancellationToken) == SqlShell.Outcome.Failed ? ExitCodes.Failure : ExitCodes.Success;
        }, cancellationToken);
    }

    private static void Validate(SqlOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.WorkerId))
        {
            throw CliException.Usage("--worker-id must not be empty");
        }
        if (options.Duration is { } duration && duration <= TimeSpan.Zero)
        {
            throw CliException.Usage("--duration must be positive");
        }
        if (options.Duration is not null && options.File is null)
        {
            throw CliException.Usage("--duration limits the job of -f/--file; the interactive client runs until QUIT");
        }
        if (options.CatalogTopic is not null && options.Catalog == SqlCatalogKinds.Memory)
        {
            throw CliException.Usage("--catalog-topic names the Kafka catalog's topic; --catalog memory keeps no topic");
        }
        if (options.CatalogTopic is not null && string.IsNullOrWhiteSpace(options.CatalogTopic))
        {
            throw CliException.Usage("--catalog-topic must not be empty");
        }
        if (options.File is not null && options.HistoryFile is not null)
        {
            throw CliException.Usage("--history-file is for the interactive client; -f/--file reads no input lines");
        }
        if (options.MetricsPort is not null && options.File is null)
        {
            throw CliException.Usage("--metrics-port serves the metrics of the -f/--file job's worker");
        }
        RunCommand.ValidateMetricsPort(options.MetricsPort);
        foreach (var path in options.Jars)
        {
            // Loaded here, so that a missing or broken assembly fails before anything starts.
            try
            {
                UserDefinedFunctions.AddAssembly(path);
            }
            catch (SqlFunctionException e)
            {
                throw CliException.Usage("--jar: " + e.Message);
            }
        }
    }

    private static async Task<string> ReadScriptAsync(string path, string option, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw CliException.Usage($"{option}: no such file: {path}");
        }
        return await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken);
    }
}

/// <summary>
/// What <c>eddy sql</c> runs on: the statement executor (<see cref="SqlSessionExecutor"/>, Eddy's SQL layer) and the
/// interactive terminal; tests replace both.
/// </summary>
internal sealed record SqlClientHost
{
    /// <summary>The process's: the SQL session's executor, and the real terminal when stdin and stdout are one.</summary>
    public static SqlClientHost Default { get; } = new()
    {
        CreateExecutor = static context => new SqlSessionExecutor(context),
        OpenTerminal = static console => console.OutputIsTerminal && !Console.IsInputRedirected ? new SystemSqlTerminal() : null,
    };

    /// <summary>
    /// Creates the session's executor (after --init and --file were read, before any statement runs). An executor
    /// that is <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/> is disposed when the client ends.
    /// </summary>
    public required Func<SqlExecutorContext, ISqlStatementExecutor> CreateExecutor { get; init; }

    /// <summary>Opens the interactive terminal, or returns null when the input is not one (plain lines are read then).</summary>
    public required Func<CliConsole, ISqlTerminalSession?> OpenTerminal { get; init; }

    /// <summary>The history when --history-file is not given; null: the file ~/.eddy/sql_history (tests keep it in memory).</summary>
    public Func<TextWriter, SqlHistory>? DefaultHistory { get; init; }
}

/// <summary>What an executor is created from.</summary>
/// <param name="Options">The command line: --bootstrap (null: the embedded broker), --worker-id, --duration, --file.</param>
/// <param name="Session">The session's properties, which SET and RESET change and the client reads its result mode from.</param>
/// <param name="Environment">The environment variables (EDDY_BOOTSTRAP, EDDY_* broker keys), as the other verbs get them.</param>
/// <param name="Console">The client's streams (an embedded broker's log lines go to its error stream).</param>
internal sealed record SqlExecutorContext(SqlOptions Options, SqlSessionProperties Session, IReadOnlyDictionary<string, string> Environment, CliConsole Console);

/// <summary>Disposes the executor when it holds resources.</summary>
internal sealed class ExecutorRelease(ISqlStatementExecutor executor) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        if (executor is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else if (executor is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}

/// <summary>A terminal opened for one session, restored when disposed.</summary>
internal interface ISqlTerminalSession : ISqlTerminal, IDisposable;
