using System.Diagnostics.CodeAnalysis;
using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

public sealed partial class KeyedStream<TKey, TValue>
{
    /// <summary>
    /// The regular (unwindowed) join of two updating keyed streams on their key, as Flink SQL's regular join: each side
    /// keeps every row it has seen (a multiset per key, stores <c>left</c> and <c>right</c>) until it is retracted or,
    /// with <paramref name="stateTtl"/>, until it has not been written for that long (in processing time; store
    /// <c>timers</c>). The result is a changelog: an added row joins every row of the other side, a retracted row
    /// (update-before or delete, carrying the old row) retracts its results; an outer side's row without a match is
    /// emitted with the other side missing (<c>default</c>), retracted when its first match arrives and emitted again
    /// when its last match goes.
    /// </summary>
    /// <param name="right">The other side, keyed by the same key and in the same job.</param>
    /// <param name="joiner">Builds the output row from the key and both sides (one is <c>default</c> for an unmatched outer row).</param>
    /// <param name="outputSerde">The result's value serde, for what follows (a sink or a repartition).</param>
    /// <param name="type">Which unmatched rows are kept.</param>
    /// <param name="stateTtl">How long a row not written again is kept (as Flink's <c>table.exec.state.ttl</c>); null keeps it until retracted.</param>
    /// <param name="leftSerde">The left rows' serde for the state (default: this stream's value serde).</param>
    /// <param name="rightSerde">The right rows' serde for the state (default: the other stream's value serde).</param>
    /// <param name="name">The operator's name (its stores are named after it).</param>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The joins of a keyed stream differ in the type of the other side (a keyed stream, a table), so a call is never ambiguous.")]
    public KeyedStream<TKey, TOut> Join<TRight, TOut>(KeyedStream<TKey, TRight> right, Func<TKey, TValue, TRight, TOut> joiner,
        ISerde<TOut>? outputSerde, JoinType type = JoinType.Inner, TimeSpan? stateTtl = null, ISerde<TValue>? leftSerde = null,
        ISerde<TRight>? rightSerde = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(joiner);
        var lefts = leftSerde ?? ValueSerde;
        var rights = rightSerde ?? right.ValueSerde;
        var keys = KeySerde ?? right.KeySerde;
        var ttl = RegularJoinNodes.TtlMilliseconds(stateTtl);
        var node = RegularJoinNodes.Add(Job, Node, right.Job, right.Node, name, RegularJoinNodes.Error(keys, lefts, rights),
            () => new RegularJoinOperator<TKey, TValue, TRight, TOut>(new RegularJoin<TKey, TValue, TRight, TOut>(type, ttl, joiner, keys!, lefts!, rights!)),
            $"regular {type}{RegularJoinNodes.TtlDetail(stateTtl)}");
        return new KeyedStream<TKey, TOut>(Job, node, keys, outputSerde);
    }
}

/// <summary>The plan nodes of regular and table–table joins.</summary>
internal static class RegularJoinNodes
{
    public static NodeDefinition Add(JobBuilder job, NodeDefinition left, JobBuilder rightJob, NodeDefinition right, string? name, string? error,
        Func<Operator> factory, string detail) =>
        job.Add(name, "join", OperatorKind.TableJoin, [left, right], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Detail = detail,
            StateNames = [RegularJoinState.Left, RegularJoinState.Right, RegularJoinState.Timers],
            Factory = factory,
            Error = ReferenceEquals(job, rightJob) ? error : "the other side belongs to another job.",
        });

    public static long TtlMilliseconds(TimeSpan? stateTtl)
    {
        if (stateTtl is { } value)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, nameof(stateTtl));
            return Math.Max(1, (long)value.TotalMilliseconds);
        }

        return 0;
    }

    public static string TtlDetail(TimeSpan? ttl) => ttl is { } value ? $", state ttl {value}" : "";

    public static string? Error(object? keySerde, object? leftSerde, object? rightSerde) =>
        keySerde is null ? "the join has no key serde."
        : leftSerde is null ? "the join has no serde for the left rows (pass leftSerde)."
        : rightSerde is null ? "the join has no serde for the right rows (pass rightSerde)."
        : null;
}
