using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Eddy.Sql.Binding;
using Eddy.Sql.Catalog;
using Eddy.Sql.Functions;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Session;

/// <summary>
/// One SQL client session: its catalog (tables, views, functions, the current database, the <c>SET</c> options)
/// and the statements it runs. DDL, SHOW, SET, RESET and USE go to the catalog; DESCRIBE and EXPLAIN answer here;
/// an INSERT or a statement set becomes a <see cref="SqlJob"/> and a SELECT a <see cref="SqlQuery"/>, both for the
/// caller to run on a worker. A session is used by one thread at a time.
/// </summary>
/// <remarks>
/// Errors are the layer's own exceptions, which keep Flink's wording and the statement's line and column:
/// <see cref="SqlParseException"/>, <see cref="SqlValidationException"/>, <see cref="CatalogException"/>,
/// <see cref="PlanningException"/> (see <see cref="IsStatementError"/>).
/// </remarks>
public sealed class SqlSession : IAsyncDisposable
{
    /// <summary>The option naming the jobs of the session's INSERTs (Flink's <c>pipeline.name</c>).</summary>
    public const string PipelineName = "pipeline.name";

    /// <summary>The option giving the session's time zone for TIMESTAMP_LTZ (Flink's <c>table.local-time-zone</c>).</summary>
    public const string LocalTimeZone = "table.local-time-zone";

    private readonly SqlCatalog _catalog;
    private readonly bool _ownsCatalog;
    private readonly List<string> _jars = [];
    private int _queries;

    /// <summary>A session over <paramref name="catalog"/>.</summary>
    /// <param name="catalog">The session's catalog.</param>
    /// <param name="ownsCatalog">Whether disposing the session disposes the catalog.</param>
    /// <param name="sessionId">Names the session's result topics; a random one when null.</param>
    public SqlSession(SqlCatalog catalog, bool ownsCatalog = true, string? sessionId = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _ownsCatalog = ownsCatalog;
        Id = sessionId ?? Guid.NewGuid().ToString("N")[..8];
    }

    /// <summary>The session's id, part of its result topics' and query jobs' names.</summary>
    public string Id { get; }

    /// <summary>The session's catalog.</summary>
    public SqlCatalog Catalog => _catalog;

    /// <summary>The options this session SET.</summary>
    public IReadOnlyDictionary<string, string> Options => _catalog.SessionOptions;

    /// <summary>Whether an exception is a statement's fault (reported to the user), not Eddy's.</summary>
    public static bool IsStatementError(Exception exception) => exception is SqlParseException or SqlValidationException or CatalogException
        or PlanningException or Formats.FormatValidationException or SqlFunctionException or Engine.JobDefinitionException;

    /// <summary>Runs one statement (an optional trailing <c>;</c> is allowed).</summary>
    /// <param name="statementText">The statement's text.</param>
    /// <param name="cancellationToken">Cancels waiting for the catalog's store.</param>
    /// <returns>Rows, a plan, a job to run (INSERT, statement set) or a query to run (SELECT).</returns>
    public async Task<SqlSessionResult> ExecuteAsync(string statementText, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statementText);
        var statement = SqlParser.ParseStatement(statementText);
        return await ExecuteAsync(statement, statementText, cancellationToken);
    }

    /// <summary>Runs one parsed statement; <paramref name="text"/> is kept as a definition's DDL (its printed form when null).</summary>
    public async Task<SqlSessionResult> ExecuteAsync(Statement statement, string? text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        switch (statement)
        {
            case CreateTableStatement { AsQuery: not null }:
                throw new CatalogException("CREATE TABLE ... AS SELECT is not supported by Eddy yet: create the table, then INSERT INTO it.");
            case JarStatement jar:
                return new SqlRowsSessionResult(Jar(jar));
            case ShowStatement { Kind: ShowKind.Jars }:
                return new SqlRowsSessionResult(new StatementResult(["jars"], [.. _jars.Select(j => (IReadOnlyList<string>)[j])]));
            case var _ when SqlCatalog.Handles(statement):
                return new SqlRowsSessionResult(await _catalog.ExecuteAsync(statement, text, cancellationToken));
            case DescribeStatement describe:
                return new SqlRowsSessionResult(Describe(describe.Name));
            case ShowStatement { Kind: ShowKind.Columns, Name: { } name }:
                return new SqlRowsSessionResult(Describe(name));
            case ExplainStatement explain:
                return new SqlExplainSessionResult(Explain(explain));
            case InsertStatement insert:
                return new SqlJobSessionResult(JobOf([new SqlBinder(_catalog).BindInsert(insert)], text ?? insert.ToSql()));
            case StatementSetStatement set:
                return new SqlJobSessionResult(JobOf(new SqlBinder(_catalog).BindStatementSet(set), text ?? set.ToSql()));
            case QueryStatement query:
                return new SqlQuerySessionResult(QueryOf(query, text ?? query.ToSql()));
            default:
                throw new PlanningException($"Eddy does not run this statement yet: {FirstLine(text ?? statement.ToSql())}");
        }
    }

    /// <summary>
    /// Runs a script (<c>eddy sql -f</c>): every statement in order, DDL, SET and the like at once; the INSERTs and
    /// statement sets are collected into <b>one</b> job (as if the script's INSERTs were one statement set), so a
    /// script is one job whose name is the <c>pipeline.name</c> in effect at its first INSERT. SELECT, EXPLAIN and
    /// DESCRIBE are refused in a script (they answer a person, not a job).
    /// </summary>
    /// <returns>The job, or null when the script has no INSERT.</returns>
    public async Task<SqlJob?> RunScriptAsync(string script, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        var jobs = new List<SqlJob>();
        foreach (var statement in SqlParser.ParseStatements(script))
        {
            if (await ExecuteScriptStatementAsync(statement, cancellationToken) is { } job)
                jobs.Add(job);
        }
        return jobs.Count == 0 ? null : SqlJob.Combine(jobs);
    }

    private async Task<SqlJob?> ExecuteScriptStatementAsync(Statement statement, CancellationToken cancellationToken)
    {
        if (statement is QueryStatement or DescribeStatement or ExplainStatement or ShowStatement)
        {
            throw new PlanningException(
                $"A script runs as a job: {FirstLine(statement.ToSql())} (at line {statement.Position.Line}, column {statement.Position.Column}) is for the interactive client.");
        }
        var result = await ExecuteAsync(statement, null, cancellationToken);
        return result is SqlJobSessionResult job ? job.Job : null;
    }

    /// <summary>
    /// Adds the assembly at <paramref name="path"/> to the session (Flink's <c>ADD JAR</c>, <c>eddy sql --jar</c>): its
    /// user-defined functions resolve by class name in <c>CREATE FUNCTION</c>, and <c>SHOW JARS</c> lists it.
    /// </summary>
    /// <exception cref="SqlFunctionException">The file does not exist or is not a .NET assembly.</exception>
    public void AddJar(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        UserDefinedFunctions.AddAssembly(path);
        var full = Path.GetFullPath(path);
        if (!_jars.Contains(full, StringComparer.Ordinal))
            _jars.Add(full);
    }

    private StatementResult Jar(JarStatement jar)
    {
        if (jar.Action == JarAction.Add)
        {
            AddJar(jar.Path);
            return StatementResult.Ok;
        }
        // Flink's class loader drops a removed jar; an assembly loaded into .NET's default context stays until the
        // process ends, so removing it would only pretend.
        var full = Path.GetFullPath(jar.Path);
        if (!_jars.Contains(full, StringComparer.Ordinal))
            throw new SqlFunctionException($"The jar '{jar.Path}' does not exist in the current session (SHOW JARS lists them).");
        throw new SqlFunctionException($"REMOVE JAR is not supported: .NET cannot unload the assembly '{jar.Path}' from a running session; start a new session without it.");
    }

    private StatementResult Describe(IReadOnlyList<string> name)
    {
        var identifier = ObjectIdentifier.Of(name, _catalog.CurrentCatalog, _catalog.CurrentDatabase);
        var entry = ((ICatalogReader)_catalog).FindTableOrView(identifier)
            ?? throw new CatalogException($"Tables or views with the identifier '{identifier}' doesn't exist.");
        return TableDescriber.Describe(entry, _catalog);
    }

    private string Explain(ExplainStatement explain)
    {
        var changelogMode = explain.Details.Contains("CHANGELOG_MODE");
        var binder = new SqlBinder(_catalog);
        switch (explain.Statement)
        {
            case QueryStatement query:
            {
                var plan = QueryOf(query, query.ToSql());
                var root = plan.Job.Sinks[0].Input;
                return PlanExplainer.Explain([root], changelogMode, plan.Job.BuildPlan());
            }
            case InsertStatement insert:
            {
                var job = JobOf([binder.BindInsert(insert)], insert.ToSql());
                return PlanExplainer.Explain(job.Sinks, changelogMode, job.BuildPlan());
            }
            case StatementSetStatement set:
            {
                var job = JobOf(binder.BindStatementSet(set), set.ToSql());
                return PlanExplainer.Explain(job.Sinks, changelogMode, job.BuildPlan());
            }
            default:
                throw new PlanningException($"EXPLAIN explains a query, an INSERT or a statement set, not: {FirstLine(explain.Statement.ToSql())}");
        }
    }

    private SqlJob JobOf(IReadOnlyList<SinkNode> sinks, string text)
    {
        var name = _catalog.SessionOptions.TryGetValue(PipelineName, out var pipeline) && !string.IsNullOrWhiteSpace(pipeline)
            ? JobName(pipeline)
            : JobName("insert-into_" + string.Join("_", sinks.Select(s => s.Table.Name)));
        return new SqlJob(name, FirstLine(text), sinks);
    }

    private SqlQuery QueryOf(QueryStatement query, string text)
    {
        var root = new SqlBinder(_catalog).BindQuery(query.Query);
        var n = Interlocked.Increment(ref _queries);
        var topic = $"_eddy_sql_result_{Id}_{n}";
        var fields = UniqueNames(root.Fields);
        // The result is written in the engine's changelog encoding (a changelog format makes the translator keep
        // every row's kind), whatever the query's changes are.
        var table = new CatalogTable($"{ObjectIdentifier.DefaultCatalog}.{ObjectIdentifier.DefaultDatabase}._eddy_sql_result_{n}", fields,
            ImmutableDictionary<string, string>.Empty.Add("connector", "kafka").Add("topic", topic).Add("format", "debezium-json"));
        var job = new SqlJob($"_eddy_sql_query_{Id}_{n}", FirstLine(text), [new SinkNode(root, table)]);
        return new SqlQuery(job, topic, root.Fields, new FunctionContext(TimeZone(), TimeProvider.System));
    }

    private TimeZoneInfo TimeZone()
    {
        if (!_catalog.SessionOptions.TryGetValue(LocalTimeZone, out var zone) || zone.Equals("default", StringComparison.OrdinalIgnoreCase))
            return TimeZoneInfo.Utc;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(zone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new CatalogException($"Invalid time zone '{zone}' in '{LocalTimeZone}': {e.Message}", e);
        }
    }

    /// <summary>The result row's names made unique (<c>a</c>, <c>a0</c>), as Flink names a query's duplicate columns.</summary>
    private static ImmutableArray<SqlField> UniqueNames(ImmutableArray<SqlField> fields)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = ImmutableArray.CreateBuilder<SqlField>(fields.Length);
        foreach (var field in fields)
        {
            var name = field.Name;
            for (var i = 0; !seen.Add(name); i++)
                name = field.Name + i.ToString(CultureInfo.InvariantCulture);
            unique.Add(name == field.Name ? field : new SqlField(name, field.Type));
        }
        return unique.MoveToImmutable();
    }

    /// <summary>A job name the engine accepts: letters, digits, '.', '_' and '-' (anything else becomes '_').</summary>
    internal static string JobName(string text)
    {
        var name = new StringBuilder(text.Length);
        foreach (var c in text.Trim())
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        return name.Length == 0 ? "sql-job" : name.ToString();
    }

    private static string FirstLine(string text)
    {
        text = text.Trim();
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end].TrimEnd() + " ...";
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_ownsCatalog)
            await _catalog.DisposeAsync();
    }
}
