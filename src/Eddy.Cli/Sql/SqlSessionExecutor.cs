using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Broker;
using Eddy.Cli.Commands;
using Eddy.Cli.Kafka;
using Eddy.Cli.Run;
using Eddy.Cli.Run.View;
using Eddy.Engine.Kafka;
using Eddy.Engine.Plan;
using Eddy.Sql.Catalog;
using Eddy.Sql.Session;
using Eddy.Sql.Syntax;

namespace Eddy.Cli.Sql;

/// <summary>
/// The SQL client's executor on Eddy's SQL layer: one <see cref="SqlSession"/> whose permanent tables, views and
/// functions live in the catalog topic of the cluster (<c>--catalog kafka</c>, the default: shared by every session and
/// worker on it, opened when the first statement needs it) or in this client's memory until it exits
/// (<c>--catalog memory</c>, Flink's default in-memory catalog); TEMPORARY objects stay in the session. Before a
/// statement that reads tables the session catches up with the catalog topic, so it sees what other sessions created
/// a moment ago. DDL, SHOW, DESCRIBE and EXPLAIN answer at once; a SELECT runs
/// its job on an in-process worker and streams its result topic until Ctrl-C, which stops the worker and deletes the
/// topic; an INSERT runs its job in the background until the client exits; under <c>-f</c> the script's INSERTs are
/// collected into one job that <see cref="RunScriptJobAsync"/> hosts as <c>eddy run</c> hosts a C# job. The cluster
/// (the embedded broker unless <c>--bootstrap</c>/<c>EDDY_BOOTSTRAP</c>) starts when the first statement needs the
/// Kafka catalog or a job.
/// </summary>
internal sealed class SqlSessionExecutor : ISqlStatementExecutor, IAsyncDisposable
{
    /// <summary>Partitions of the input topics a job creates when they are missing (as <c>eddy run</c>'s default).</summary>
    private const int InputPartitions = 4;

    private readonly SqlExecutorContext _context;
    private readonly SqlSession _session;
    private readonly List<SqlJob> _scriptJobs = [];
    private readonly List<(SqlJob Job, JobWorker Worker, string StateDirectory)> _background = [];
    private readonly List<Task> _cleanups = [];
    private readonly string _stateRoot;
    private KafkaBroker? _broker;
    private string? _bootstrap;

    public SqlSessionExecutor(SqlExecutorContext context)
    {
        _context = context;
        _session = new SqlSession(OpenCatalog());
        foreach (var jar in context.Options.Jars)
        {
            _session.AddJar(jar);
        }
        _stateRoot = Path.Combine(Path.GetTempPath(), "eddy-sql", _session.Id);
    }

    /// <summary>The session's catalog: the Kafka topic's on the client's cluster (started then), or memory.</summary>
    private SqlCatalog OpenCatalog() => _context.Options.Catalog == SqlCatalogKinds.Memory
        ? SqlCatalog.CreateInMemory()
        : SqlCatalog.OpenOnFirstUse(async cancellationToken => new KafkaCatalogStoreOptions
        {
            KafkaConfig = ClientConfig(await ClusterAsync(cancellationToken)),
            Topic = _context.Options.CatalogTopic ?? KafkaCatalogStoreOptions.DefaultTopic,
        });

    /// <summary>The session (tests read its id to find its result topics).</summary>
    public SqlSession Session => _session;

    private bool ScriptMode => _context.Options.File is not null;

    public async Task<SqlStatementResult> ExecuteAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        try
        {
            var parsed = SqlParser.ParseStatement(statement.Text);
            switch (parsed)
            {
                case SetStatement set:
                    return await SetAsync(set, cancellationToken);
                case ResetStatement reset:
                    await _session.ExecuteAsync(reset, null, cancellationToken);
                    if (reset.Key is null)
                        _context.Session.ResetAll();
                    else
                        _context.Session.Reset(reset.Key);
                    return new SqlMessageResult(UnavailableSqlExecutor.Succeeded);
            }
            // Every statement but SET, RESET and USE starts from the catalog topic's end (opening it on the first), so
            // it finds a table another session created a moment ago: the binder's lookups and a LIKE's source do not
            // wait for the store themselves.
            if (parsed is not UseStatement)
                await _session.Catalog.SyncAsync(cancellationToken);
            var result = await _session.ExecuteAsync(parsed, statement.Text, cancellationToken);
            return result switch
            {
                SqlRowsSessionResult rows when IsOk(rows.Result) => new SqlMessageResult(UnavailableSqlExecutor.Succeeded),
                SqlRowsSessionResult rows => new SqlRowsResult([.. rows.Result.Columns.Select(c => new SqlResultColumn(c, "STRING"))],
                    [.. rows.Result.Rows.Select(r => (IReadOnlyList<string?>)[.. r])]),
                SqlExplainSessionResult explain => new SqlTextResult(explain.Text),
                SqlJobSessionResult job when ScriptMode => Collect(job.Job),
                SqlJobSessionResult job => await SubmitAsync(job.Job, cancellationToken),
                SqlQuerySessionResult when ScriptMode => throw new SqlStatementException(
                    "A SELECT in a script (-f) has no client to show its result: run it in the interactive client, or INSERT its rows INTO a table."),
                SqlQuerySessionResult query => Query(query.Query),
                _ => throw new SqlStatementException($"unknown result {result.GetType().Name}"),
            };
        }
        catch (Exception e) when (SqlSession.IsStatementError(e))
        {
            throw new SqlStatementException(e.Message, e);
        }
    }

    private static bool IsOk(StatementResult result) =>
        result.Columns.Count == 1 && result.Rows.Count == 1 && result.Columns[0] == "result" && result.Rows[0][0] == "OK";

    private async Task<SqlStatementResult> SetAsync(SetStatement set, CancellationToken cancellationToken)
    {
        if (set.Property is not { } property)
        {
            // The client's properties: the result mode's default and what was SET.
            return new SqlRowsResult([new("key", "STRING"), new("value", "STRING")],
                [.. _context.Session.Values.Select(p => (IReadOnlyList<string?>)[p.Key, p.Value])]);
        }
        // The client checks its own keys (the result mode) first, so a bad value changes neither.
        _context.Session.Set(property.Key, property.Value);
        await _session.ExecuteAsync(set, null, cancellationToken);
        return new SqlMessageResult(UnavailableSqlExecutor.Succeeded);
    }

    private SqlMessageResult Collect(SqlJob job)
    {
        // The plan is built now so that a statement that cannot run fails at its own line.
        _ = job.BuildPlan();
        _scriptJobs.Add(job);
        return new SqlMessageResult($"Added the INSERT into {string.Join(", ", job.SinkTables)} to the script's job; it starts when the script ends.");
    }

    /// <summary>Starts an INSERT's job on a worker of this process, kept running until the client exits.</summary>
    private async Task<SqlMessageResult> SubmitAsync(SqlJob job, CancellationToken cancellationToken)
    {
        var plan = job.BuildPlan();
        var bootstrap = await ClusterAsync(cancellationToken);
        var config = ClientConfig(bootstrap);
        await InputTopics.EnsureAsync(config, InputTopics.Of(plan), InputPartitions, _context.Console.Error);
        var state = Path.Combine(_stateRoot, job.Name + "-" + _background.Count);
        var worker = new JobWorker(plan, new JobWorkerOptions
        {
            BootstrapServers = bootstrap,
            ClientConfig = config,
            StateDirectory = state,
            WorkerId = _context.Options.WorkerId,
        });
        await worker.StartAsync(CancellationToken.None);
        _background.Add((job, worker, state));
        return new SqlMessageResult(
            $"Submitting SQL update statement to the cluster...\n[INFO] SQL update statement has been successfully submitted to the cluster:\nJob ID: {job.Name}");
    }

    private SqlChangesResult Query(SqlQuery query)
    {
        // Planned now: a query that cannot run is a statement error before anything starts.
        var plan = query.Job.BuildPlan();
        return new SqlChangesResult([.. query.Columns.Select(c => new SqlResultColumn(c.Name, c.TypeName))], ChangesAsync(query, plan, CancellationToken.None));
    }

    /// <summary>
    /// Runs the query's job and reads its result topic from the beginning, one change per record, until the client
    /// cancels; then stops the worker and deletes the result topic (in the background, awaited when the client exits).
    /// </summary>
    private async IAsyncEnumerable<SqlChange> ChangesAsync(SqlQuery query, JobPlan plan, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var bootstrap = await ClusterAsync(cancellationToken);
        var config = ClientConfig(bootstrap);
        await InputTopics.EnsureAsync(config, InputTopics.Of(plan), InputPartitions, _context.Console.Error);
        // One partition: the changes of every key stay in the order the job wrote them.
        await CreateTopicAsync(config, query.ResultTopic);
        var state = Path.Combine(_stateRoot, query.Job.Name);
        var worker = new JobWorker(plan, new JobWorkerOptions
        {
            BootstrapServers = bootstrap,
            ClientConfig = config,
            StateDirectory = state,
            WorkerId = "0",
        });
        var consumerConfig = new ConsumerConfig(new Dictionary<string, string>(config))
        {
            GroupId = query.Job.Name + "-client",
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
        };
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(consumerConfig).Build();
        try
        {
            await worker.StartAsync(CancellationToken.None);
            consumer.Assign(new TopicPartitionOffset(query.ResultTopic, 0, Offset.Beginning));
            while (!cancellationToken.IsCancellationRequested)
            {
                if (worker.Completion.IsCompleted && worker.Error is { } error)
                    throw new SqlStatementException($"The query's job failed: {error.Message}", error);
                var record = await Task.Run(() => consumer.Consume(TimeSpan.FromMilliseconds(200)), CancellationToken.None);
                if (record?.Message.Value is not { } value)
                    continue;
                var kind = record.Message.Headers is { } headers && headers.TryGetLastBytes(SqlQuery.KindHeader, out var header)
                    ? SqlQuery.KindOf(header)
                    : Engine.Records.RowKind.Insert;
                yield return new SqlChange(kind, query.Decode(value));
            }
        }
        finally
        {
            consumer.Close();
            consumer.Dispose();
            var cleanup = StopQueryAsync(worker, config, query.ResultTopic, state);
            lock (_cleanups)
                _cleanups.Add(cleanup);
            await cleanup;
        }
    }

    private static async Task StopQueryAsync(JobWorker worker, IReadOnlyDictionary<string, string> config, string resultTopic, string state)
    {
        try
        {
            await worker.StopAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // It never started (its start failed, which the query reported).
        }
        using (var admin = new AdminClientBuilder(config).Build())
        {
            try
            {
                await admin.DeleteTopicsAsync([resultTopic]);
            }
            catch (DeleteTopicsException)
            {
                // Already gone.
            }
        }
        try
        {
            Directory.Delete(state, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static async Task CreateTopicAsync(IReadOnlyDictionary<string, string> config, string topic)
    {
        using var admin = new AdminClientBuilder(config).Build();
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = -1 }]);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
        }
    }

    /// <summary>The script's INSERTs, one job (null when it has none).</summary>
    public SqlJob? ScriptJob => _scriptJobs.Count == 0 ? null : SqlJob.Combine(_scriptJobs);

    /// <summary>
    /// Runs the script's job on a worker until Ctrl-C, SIGTERM or <c>--duration</c>, exactly as <c>eddy run</c>
    /// hosts a job (its live view on stdout, progress on stderr); a script without INSERT runs nothing.
    /// </summary>
    public async Task<int> RunScriptJobAsync(CancellationToken cancellationToken)
    {
        if (ScriptJob is not { } job)
            return ExitCodes.Success;
        var plan = RunCommand.BuildPlan(new HostedJob(job, "sql"));
        var bootstrap = await ClusterAsync(cancellationToken);
        var options = new RunOptions
        {
            Job = job.Name,
            Bootstrap = bootstrap,
            WorkerId = _context.Options.WorkerId,
            Duration = _context.Options.Duration,
            StateDir = null,
            NoGenerator = true,
            MetricsPort = _context.Options.MetricsPort,
            MetricsHost = _context.Options.MetricsHost,
        };
        await _context.Console.Out.WriteAsync($"[INFO] Submitting SQL update statement to the cluster...\n[INFO] Job: {job.Name} ({string.Join(", ", job.SinkTables)})\n");
        IRunView view = _context.Console.OutputIsTerminal ? new TerminalView(_context.Console.Out, static () => int.MaxValue) : new LineView(_context.Console.Out);
        var label = _broker is null ? $"cluster {bootstrap}" : $"embedded broker {bootstrap}";
        return await new JobHost(new HostedJob(job, "sql"), plan, options, bootstrap, label, view, _context.Console.Error).RunAsync(cancellationToken);
    }

    private async Task<string> ClusterAsync(CancellationToken cancellationToken)
    {
        if (_bootstrap is not null)
            return _bootstrap;
        var bootstrap = _context.Options.Bootstrap ?? _context.Environment.GetValueOrDefault(ClientOptions.BootstrapVariable);
        if (string.IsNullOrWhiteSpace(bootstrap))
        {
            _broker = await EmbeddedBroker.StartAsync(new RunOptions(), _context.Environment, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, cancellationToken);
            bootstrap = _broker.BootstrapServers;
            await _context.Console.Error.WriteAsync($"Embedded Eddy broker listening on {bootstrap} (bootstrap.servers for other clients while the client runs).\n");
        }
        _bootstrap = bootstrap;
        return bootstrap;
    }

    private static Dictionary<string, string> ClientConfig(string bootstrap) =>
        KafkaClientFactory.BuildConfig(new ClientSettings { Bootstrap = bootstrap });

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, worker, _) in _background)
        {
            await worker.StopAsync(CancellationToken.None);
        }
        Task[] cleanups;
        lock (_cleanups)
            cleanups = [.. _cleanups];
        await Task.WhenAll(cleanups);
        await _session.DisposeAsync();
        if (_broker is not null)
            await _broker.DisposeAsync();
        try
        {
            if (Directory.Exists(_stateRoot))
                Directory.Delete(_stateRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
