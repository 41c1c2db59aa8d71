using System.Diagnostics.CodeAnalysis;
using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

public sealed partial class KeyedStream<TKey, TValue>
{
    /// <summary>
    /// Joins each record with the table's current row for its key, as Kafka Streams' KStream-KTable join: the row the
    /// table holds when the record is processed. <see cref="JoinType.Inner"/> drops a record whose key has no row,
    /// <see cref="JoinType.Left"/> joins it with <c>default</c>; no other type is allowed. The table's changes update
    /// the operator's copy of the table (store <c>rows</c>) and emit nothing. A record that is a retraction
    /// (update-before, delete) is joined and emitted with its kind, with the row the table holds then (not the one its
    /// insert met, if the row changed since). Results carry the record's timestamp.
    /// Stream and table must be co-partitioned: both keyed by the same key, with as many partitions. When a task
    /// starts, the Kafka runtime reads a table source partition to its end before the stream's partition (at most
    /// <c>JobWorkerOptions.TableBootstrapTimeout</c>), so that records written after their rows find them.
    /// </summary>
    /// <param name="table">The table looked up; its key type is the stream's.</param>
    /// <param name="joiner">Makes the result from the key, the record's value and the row (default when none).</param>
    /// <param name="outputSerde">The result's serde, for a later repartition, sink or state.</param>
    /// <param name="type">Inner or Left.</param>
    /// <param name="name">The operator's name (its store is <c>{job}-{name}-rows</c>).</param>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The joins of a keyed stream differ in the type of the other side (a keyed stream, a table), so a call is never ambiguous.")]
    public KeyedStream<TKey, TOut> Join<TRow, TOut>(Table<TKey, TRow> table, Func<TKey, TValue, TRow, TOut> joiner, ISerde<TOut>? outputSerde,
        JoinType type = JoinType.Inner, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(joiner);
        var keySerde = KeySerde ?? table.KeySerde;
        var rowSerde = table.ValueSerde;
        var error = TableJoinErrors.Common(Job, table.Job, type, "stream-table join") ?? JobBuilder.MissingSerde(keySerde, rowSerde, "joined table");
        var node = Job.Add(name, "join", OperatorKind.StreamTableJoin, [Node, table.Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Detail = type.ToString(),
            StateNames = [StreamTableJoinOperator<TKey, TValue, TRow, TOut>.RowsState],
            Factory = () => new StreamTableJoinOperator<TKey, TValue, TRow, TOut>(keySerde!, rowSerde!, joiner, type == JoinType.Left),
            Error = error,
        });
        return new KeyedStream<TKey, TOut>(Job, node, keySerde, outputSerde);
    }

    /// <summary>
    /// Joins each record with the version of the table's row valid at the record's event time, as Flink's
    /// <c>FOR SYSTEM_TIME AS OF</c> on an event-time versioned table: the latest version whose timestamp is at or
    /// before the record's, unless a delete ended it. Records are held back (store <c>pending</c>) until the watermark
    /// passes their timestamp, so the answer is final; the watermark is the minimum over both inputs, so the table must
    /// have a watermark strategy (<c>job.Table(topic, ..., watermarks: ...)</c>). Versions older than the newest one at
    /// or before the watermark are dropped (store <c>versions</c>, pruned by the timers in <c>timers</c>).
    /// <see cref="JoinType.Inner"/> drops a record with no valid row, <see cref="JoinType.Left"/> joins it with
    /// <c>default</c>. Results carry the record's timestamp and row kind.
    /// </summary>
    /// <param name="versionedTable">The table whose versions are looked up; its key type is the stream's.</param>
    /// <param name="joiner">Makes the result from the key, the record's value and the row (default when none).</param>
    /// <param name="outputSerde">The result's serde, for a later repartition, sink or state.</param>
    /// <param name="type">Inner or Left.</param>
    /// <param name="name">The operator's name (its stores are <c>{job}-{name}-versions</c>, <c>-pending</c>, <c>-timers</c>).</param>
    public KeyedStream<TKey, TOut> TemporalJoin<TRow, TOut>(Table<TKey, TRow> versionedTable, Func<TKey, TValue, TRow, TOut> joiner,
        ISerde<TOut>? outputSerde, JoinType type = JoinType.Inner, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(versionedTable);
        ArgumentNullException.ThrowIfNull(joiner);
        var keySerde = KeySerde ?? versionedTable.KeySerde;
        var valueSerde = ValueSerde;
        var rowSerde = versionedTable.ValueSerde;
        var error = TableJoinErrors.Common(Job, versionedTable.Job, type, "temporal join")
            ?? JobBuilder.MissingSerde(keySerde, rowSerde, "versioned table")
            ?? (valueSerde is null ? "the stream has no value serde (a temporal join keeps its records until the watermark passes them)." : null)
            ?? TableJoinErrors.WithoutWatermarks(versionedTable.Node);
        var node = Job.Add(name, "temporalJoin", OperatorKind.TemporalJoin, [Node, versionedTable.Node],
            n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
            {
                Detail = type.ToString(),
                StateNames = [TemporalJoinOperator.VersionsState, TemporalJoinOperator.PendingState, TemporalJoinOperator.TimersState],
                Factory = () => new TemporalJoinOperator<TKey, TValue, TRow, TOut>(
                    new TemporalJoinDefinition<TKey, TValue, TRow, TOut>(keySerde!, valueSerde!, rowSerde!, joiner, type == JoinType.Left)),
                Error = error,
            });
        return new KeyedStream<TKey, TOut>(Job, node, keySerde, outputSerde);
    }
}

/// <summary>The definition errors the stream-table joins share, reported by Build with the operator's name.</summary>
internal static class TableJoinErrors
{
    public static string? Common(JobBuilder job, JobBuilder tableJob, JoinType type, string what) =>
        !ReferenceEquals(job, tableJob) ? "the table belongs to another job."
        : type is not (JoinType.Inner or JoinType.Left) ? $"a {what} is Inner or Left, not {type} (the table side has no records of its own to emit)."
        : null;

    /// <summary>
    /// A table read from a topic without a watermark strategy does not move event time, so the join's watermark would
    /// follow the stream alone and pass records before the table versions valid for them arrived.
    /// </summary>
    public static string? WithoutWatermarks(NodeDefinition table)
    {
        var seen = new HashSet<int>();
        var pending = new Stack<NodeDefinition>([table]);
        while (pending.TryPop(out var node))
        {
            if (!seen.Add(node.Id))
            {
                continue;
            }

            if (node.Kind == OperatorKind.TableSource && node.Watermarks is null)
            {
                return $"the versioned table read from topic '{node.Topic}' has no watermark strategy, so its versions would not hold " +
                    "back the join's watermark; create it with job.Table(topic, ..., watermarks: WatermarkStrategy.BoundedOutOfOrderness(...)).";
            }

            foreach (var parent in node.Parents)
            {
                pending.Push(parent);
            }
        }

        return null;
    }
}
