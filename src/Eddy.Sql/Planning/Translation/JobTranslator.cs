using System.Collections.Immutable;
using Eddy.Engine;
using Eddy.Engine.Plan;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Planning.Changelog;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Runtime;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Translation;

/// <summary>
/// Translates logical plans into the engine's job (the same <see cref="JobBuilder"/> graph a C# job builds): a
/// Kafka table scan becomes a source (rowtime and watermark from the table's declaration), a chain of Project and
/// Filter one compiled calc, GROUP BY a KeyBy on the group key row and a retracting aggregate into a table, a window
/// aggregation a KeyBy and a window, and a sink a topic written as inserts, upserts or changelog rows as the sink's
/// connector and format take them. Each statement's changelog modes are checked first.
/// </summary>
/// <remarks>Window operations (window TVF, session windows, window Top-N, deduplication and joins) are in <c>JobTranslator.Windows.cs</c>.</remarks>
internal sealed partial class JobTranslator
{
    private readonly JobBuilder _job;
    private readonly Dictionary<PlanNode, Translated> _translated = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, (TableScanNode Scan, Translated Result)> _scans = new(StringComparer.Ordinal);

    private int _names;

    /// <summary>The changelog modes of the statement being translated (which nodes' consumers need update-before rows).</summary>
    private ChangelogInference? _changelog;

    private JobTranslator(JobBuilder job) => _job = job;

    /// <summary>A readable, unique operator name (it names the repartition topics and state stores too).</summary>
    private string Name(string kind) => $"sql-{kind}-{++_names}";

    /// <summary>What a node became in the engine: a stream of inserts, or a keyed table of changes.</summary>
    private abstract record Translated;

    private sealed record AppendRows(Stream<Row, Row> Stream) : Translated;

    /// <param name="KeyColumns">Where the engine key's columns are in the current rows, when they still are.</param>
    private sealed record UpdatingRows(Table<Row, Row> Table, ImmutableArray<SqlType> KeyTypes, ImmutableArray<int>? KeyColumns) : Translated;

    /// <summary>The job running the statements (one per sink, as Flink's STATEMENT SET): built and validated.</summary>
    /// <exception cref="PlanningException">A statement cannot be planned: its changelog, or a node not translated yet.</exception>
    public static JobPlan Translate(string jobName, params SinkNode[] sinks)
    {
        var job = new JobBuilder(jobName);
        TranslateInto(job, sinks);
        return job.Build();
    }

    /// <summary>
    /// Adds the statements' sources, operators and sinks to a builder the host created (an <c>IJob</c>'s
    /// <c>Define</c>), which names the job and builds and validates the plan itself.
    /// </summary>
    /// <exception cref="PlanningException">A statement cannot be planned.</exception>
    public static void TranslateInto(JobBuilder job, IReadOnlyList<SinkNode> sinks)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(sinks);
        var translator = new JobTranslator(job);
        foreach (var sink in sinks)
        {
            var changelog = ChangelogInference.Analyze(sink);
            translator._changelog = changelog;
            translator.TranslateSink(sink, changelog);
        }
    }

    private Translated Translate(PlanNode node)
    {
        if (_translated.TryGetValue(node, out var done))
            return done;
        Translated result = node switch
        {
            TableScanNode scan => ScanOnce(scan),
            ProjectNode or FilterNode => Calc(CalcProgram.Of(node), node),
            AggregateNode aggregate => Aggregate(aggregate),
            WindowAggregateNode window => WindowAggregate(window),
            WindowTableFunctionNode window => WindowTableFunction(window),
            WindowRankNode rank => WindowRank(rank),
            WindowJoinNode join => WindowJoin(join),
            WindowAttachedAggregateNode window => WindowAttachedAggregate(window),
            JoinNode join => Join(join),
            RankNode rank => Rank(rank),
            IntervalJoinNode join => IntervalJoin(join),
            TemporalJoinNode join => TemporalJoin(join),
            OverAggregateNode over => OverAggregate(over),
            UnionNode union => Union(union),
            ValuesNode values => Values(values),
            CorrelateNode correlate => Correlate(correlate),
            _ => throw new PlanningException($"{node.LogicalName} is not translated to the engine yet: {node.PhysicalDescription}"),
        };
        _translated[node] = result;
        return result;
    }

    /// <summary>
    /// A table scanned by several statements of one job (a statement set, a script's INSERTs) is read by one source,
    /// as Flink reuses a source (<c>table.optimizer.reuse-source-enabled</c>): each topic is read once per job.
    /// </summary>
    private Translated ScanOnce(TableScanNode scan)
    {
        if (_scans.TryGetValue(scan.Table.Name, out var shared) && shared.Scan.Table.SourceFields.SequenceEqual(scan.Table.SourceFields))
            return shared.Result;
        var result = Scan(scan);
        _scans[scan.Table.Name] = (scan, result);
        return result;
    }

#pragma warning disable CA1859 // returns either kind, whatever the analyzer infers
    private Translated Calc(CalcProgram program, PlanNode top)
    {
        var input = Translate(program.Input);
        var outputTypes = program.Projections.Select(p => p.Type).ToArray();
        var serde = new BinaryRowSerde(outputTypes);
        Func<Row, bool>? predicate = null;
        Func<Row, Row>? projection = null;
        Func<Row, Row?>? calc = null;
        if (program.IsIdentityProjection)
            predicate = program.Condition is null ? null : ExpressionCompiler.CompilePredicate(program.Condition);
        else if (program.Condition is null)
            projection = ExpressionCompiler.CompileProjection(program.Projections);
        else
            calc = ExpressionCompiler.CompileCalc(program.Projections, program.Condition);

        switch (input)
        {
            case AppendRows append:
            {
                var stream = append.Stream;
                if (predicate is not null)
                    stream = stream.Filter((_, row) => predicate(row), name: Name("calc"));
                else if (projection is not null)
                    stream = stream.MapValues(projection, serde, name: Name("calc"));
                else if (calc is not null)
                    stream = stream.MapValues(row => calc(row)!, serde, name: Name("calc")).Filter(static (_, row) => row is not null);
                return new AppendRows(stream);
            }
            case UpdatingRows updating:
            {
                // A table's update-before and update-after rows go through the same calc, so retractions stay exact.
                var table = updating.Table;
                if (program.Condition is not null && _changelog is { } changelog && !changelog[top].Mode.UpdateBefore)
                {
                    // Only an upsert sink keyed as these rows consumes them (no consumer needs update-before rows),
                    // and it ignores update-befores: a row the condition drops becomes a NULL row, which the sink
                    // writes as its key's tombstone. Dropping it would leave the key at its last row that passed,
                    // where Flink (FLINK-20822) writes the update-before as a tombstone.
                    table = predicate is not null
                        ? table.MapValues(row => predicate(row) ? row : null!, serde)
                        : table.MapValues(row => calc!(row)!, serde);
                }
                else if (predicate is not null)
                {
                    table = table.Filter((_, row) => predicate(row));
                }
                else if (projection is not null)
                {
                    table = table.MapValues(projection, serde);
                }
                else if (calc is not null)
                {
                    table = table.MapValues(row => calc(row)!, serde).Filter(static (_, row) => row is not null);
                }
                return updating with { Table = table, KeyColumns = MapKey(updating.KeyColumns, program) };
            }
            default:
                throw new PlanningException("Unknown translation.");
        }
    }

#pragma warning restore CA1859

    private static ImmutableArray<int>? MapKey(ImmutableArray<int>? key, CalcProgram program)
    {
        if (key is not { } columns)
            return null;
        var mapped = ImmutableArray.CreateBuilder<int>(columns.Length);
        foreach (var column in columns)
        {
            var found = -1;
            for (var i = 0; i < program.Projections.Length && found < 0; i++)
            {
                if (program.Projections[i] is RexInputRef input && input.Index == column)
                    found = i;
            }
            if (found < 0)
                return null;
            mapped.Add(found);
        }
        return mapped.MoveToImmutable();
    }

    private (Func<Row, Row> KeyOf, ImmutableArray<SqlType> KeyTypes, RowAggregateFunction Function) Grouping(
        PlanNode input, ImmutableArray<int> groupKeys, ImmutableArray<AggregateCall> calls)
    {
        var keyTypes = groupKeys.Select(k => input.FieldTypes[k]).ToImmutableArray();
        var keyOf = ExpressionCompiler.CompileProjection([.. groupKeys.Select(k => (RexNode)Rex.Input(k, input.FieldTypes[k]))]);
        return (keyOf, keyTypes, new RowAggregateFunction(calls, input.FieldTypes, keyOf, keyTypes));
    }

    private UpdatingRows Aggregate(AggregateNode aggregate)
    {
        var (keyOf, keyTypes, function) = Grouping(aggregate.Input, aggregate.GroupKeys, aggregate.Calls);
        var keySerde = new BinaryRowSerde(keyTypes);
        var inputSerde = new BinaryRowSerde(aggregate.Input.FieldTypes);
        var name = Name("group-aggregate");
        var translatedInput = Translate(aggregate.Input);
        if (translatedInput is UpdatingRows)
            RequireRetract(aggregate.Calls);
        var keyed = translatedInput switch
        {
            AppendRows append => append.Stream.KeyBy((_, row) => keyOf(row), keySerde, inputSerde, name: name + "-by"),
            UpdatingRows updating => updating.Table.ToStream().KeyBy((_, row) => keyOf(row), keySerde, inputSerde, name: name + "-by"),
            _ => throw new PlanningException("Unknown translation."),
        };
        var table = keyed.Aggregate(function, new BinaryRowSerde(aggregate.FieldTypes), name: name);
        return new UpdatingRows(table, keyTypes, [.. Enumerable.Range(0, keyTypes.Length)]);
    }

    /// <summary>An aggregate over changes must take rows back: a user-defined one without <c>Retract</c> is refused, as Flink's code generation refuses it.</summary>
    private static void RequireRetract(IEnumerable<AggregateCall> calls)
    {
        foreach (var call in calls)
        {
            if (call.UserFunction is { CanRetract: false } user)
                throw new PlanningException($"Could not find an implementation method 'Retract' in class '{user.Function.GetType().FullName}' for function '{user.Name}' of kind AGGREGATE.");
        }
    }

    private AppendRows WindowAggregate(WindowAggregateNode window)
    {
        if (Translate(window.Input) is not AppendRows append)
            throw new PlanningException($"StreamPhysicalWindowAggregate doesn't support consuming update and delete changes: {window.PhysicalDescription}");
        var spec = window.Window;
        var windows = spec.Kind switch
        {
            WindowKind.Tumble => Windows.Tumbling(spec.Size),
            WindowKind.Hop => Windows.Hopping(spec.Size, spec.Slide),
            WindowKind.Cumulate => Windows.Cumulating(spec.Slide, spec.Size),
            _ => Windows.Session(spec.Size),
        };
        var (keyOf, keyTypes, function) = Grouping(window.Input, window.GroupKeys, window.Calls);
        var keySerde = new BinaryRowSerde(keyTypes);
        var name = Name("window-aggregate");
        var arity = window.Fields.Length;
        var windowColumn = function.Arity;
        var ltz = window.FieldTypes[windowColumn + 2].Kind == SqlTypeKind.TimestampLtz;
        var results = append.Stream
            .KeyBy((_, row) => keyOf(row), keySerde, new BinaryRowSerde(window.Input.FieldTypes), name: name + "-by")
            .Window(windows, name)
            .Aggregate(function.CreateAccumulator, (_, row, accumulator) => function.Add(accumulator, row), function.AccumulatorSerde,
                spec.Kind == WindowKind.Session ? SessionMerger(window) : null)
            .Map((windowed, accumulator) =>
            {
                var row = new Row(arity);
                function.WriteResult(accumulator, windowed.Key, row);
                row.SetTimestamp(windowColumn, EventTime.ToTimestamp(windowed.Start));
                row.SetTimestamp(windowColumn + 1, EventTime.ToTimestamp(windowed.End));
                // window_time is the window's last millisecond, a time attribute for what follows.
                if (ltz)
                    row.SetTimestampLtz(windowColumn + 2, DateTimeOffset.FromUnixTimeMilliseconds(windowed.End - 1));
                else
                    row.SetTimestamp(windowColumn + 2, EventTime.ToTimestamp(windowed.End - 1));
                return (windowed.Key, row);
            }, keySerde, new BinaryRowSerde(window.FieldTypes), name: name + "-rows");
        return new AppendRows(results);
    }
}

/// <summary>Event time in the engine's milliseconds since the epoch, from and to the SQL timestamp columns.</summary>
internal static class EventTime
{
    /// <summary>The rowtime of a row, in ms: a TIMESTAMP read as UTC (as Flink does), a TIMESTAMP_LTZ as its instant.</summary>
    public static long Of(Row row, int column)
    {
        if (row.IsNull(column))
            throw new SqlEvaluationException("RowTime field should not be null, please convert it to a non-null long value.");
        // Both kinds keep ticks since year 1 (TIMESTAMP_LTZ its UTC instant's); floor to the millisecond.
        var ticks = row.GetRaw(column) - DateTime.UnixEpoch.Ticks;
        var milliseconds = ticks / TimeSpan.TicksPerMillisecond;
        return ticks % TimeSpan.TicksPerMillisecond < 0 ? milliseconds - 1 : milliseconds;
    }

    public static DateTime ToTimestamp(long milliseconds) => new(DateTime.UnixEpoch.Ticks + (milliseconds * TimeSpan.TicksPerMillisecond), DateTimeKind.Unspecified);
}
