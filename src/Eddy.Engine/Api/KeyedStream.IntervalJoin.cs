using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

public sealed partial class KeyedStream<TKey, TValue>
{
    /// <summary>
    /// Joins each row of this stream (left, at <c>tl</c>) with the rows of <paramref name="right"/> of the same key
    /// at <c>tr</c> where <c>tl + lower &lt;= tr &lt;= tl + upper</c> (Flink's interval join), in event time. A result
    /// is stamped with the later of the two timestamps. Rows wait in state until the watermark proves that nothing can
    /// match them any more (a left row at <c>tl + upper</c>, a right row at <c>tr - lower</c>); then an outer side's
    /// unmatched rows are emitted with the other side <c>default</c>, stamped with their own timestamp, and forgotten.
    /// Rows at or behind the watermark are late: they join nothing, and are counted and sent to their side's late side
    /// output, never dropped silently. The inputs are append-only (a retraction is skipped). A stream joined with itself
    /// sees each row on both sides. Each task also keeps the rows waiting in state in memory, up to 32 MiB per side
    /// (beyond it, that side reads its store), so joining a row reads nothing back from the stores.
    /// </summary>
    /// <param name="right">The other stream, keyed by the same key.</param>
    /// <param name="lower">The earliest a matching right row can be, relative to the left row (may be negative).</param>
    /// <param name="upper">The latest a matching right row can be, relative to the left row; at least <paramref name="lower"/>.</param>
    /// <param name="joiner">Builds the result from the key and both rows (one is <c>default</c> for an outer row without a match).</param>
    /// <param name="outputSerde">The result's serde, for a later repartition, sink or state.</param>
    /// <param name="type">Which unmatched rows are kept.</param>
    /// <param name="leftSerde">Serializes this stream's rows in state; defaults to the stream's value serde.</param>
    /// <param name="rightSerde">Serializes the right stream's rows in state; defaults to its value serde.</param>
    /// <param name="name">The operator's name (its stores and default side outputs are named after it).</param>
    /// <param name="lateLeft">Where this stream's late rows go; default: the side output <c>{job}-{name}-late-left</c>, in the stream's serdes.</param>
    /// <param name="lateRight">Where the right stream's late rows go; default: the side output <c>{job}-{name}-late-right</c>, in its serdes.</param>
    public KeyedStream<TKey, TOut> IntervalJoin<TRight, TOut>(KeyedStream<TKey, TRight> right, TimeSpan lower, TimeSpan upper,
        Func<TKey, TValue, TRight, TOut> joiner, ISerde<TOut>? outputSerde, JoinType type = JoinType.Inner, ISerde<TValue>? leftSerde = null,
        ISerde<TRight>? rightSerde = null, string? name = null, OutputTag<TKey, TValue>? lateLeft = null, OutputTag<TKey, TRight>? lateRight = null) =>
        IntervalJoin(right, lower, upper, joiner, outputSerde, type, leftSerde, rightSerde, name, IntervalJoinDefinition.DefaultMirrorBytes,
            lateLeft, lateRight);

    /// <param name="mirrorBytes">
    /// How many bytes of each side's stored rows a task mirrors in memory before it reads its store instead (tests
    /// take both paths with a small budget).
    /// </param>
    internal KeyedStream<TKey, TOut> IntervalJoin<TRight, TOut>(KeyedStream<TKey, TRight> right, TimeSpan lower, TimeSpan upper,
        Func<TKey, TValue, TRight, TOut> joiner, ISerde<TOut>? outputSerde, JoinType type, ISerde<TValue>? leftSerde, ISerde<TRight>? rightSerde,
        string? name, long mirrorBytes, OutputTag<TKey, TValue>? lateLeft = null, OutputTag<TKey, TRight>? lateRight = null)
    {
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(joiner);
        var lowerMs = (long)lower.TotalMilliseconds;
        var upperMs = (long)upper.TotalMilliseconds;
        if (lowerMs > upperMs)
        {
            throw new ArgumentException("An interval join's lower bound cannot exceed its upper bound.", nameof(lower));
        }

        var keySerde = KeySerde ?? right.KeySerde;
        var lefts = leftSerde ?? ValueSerde;
        var rights = rightSerde ?? right.ValueSerde;
        var leftValues = ValueSerde;
        var rightValues = right.ValueSerde;
        var node = Job.Add(name, "intervalJoin", OperatorKind.IntervalJoin, [Node, right.Node], n =>
        {
            // Late rows are never silently lost: without the user's tags they go to the join's own side outputs.
            var lateLeftTag = lateLeft?.Name ?? $"{Job.Name}-{n.Name}-late-left";
            var lateRightTag = lateRight?.Name ?? $"{Job.Name}-{n.Name}-late-right";
            var definition = new IntervalJoinDefinition<TKey, TValue, TRight, TOut>(lowerMs, upperMs, type, joiner, keySerde!, lefts!, rights!,
                new LateOutput<TKey, TValue>(lateLeftTag, lateLeft?.KeySerde ?? keySerde!, lateLeft?.ValueSerde ?? leftValues ?? lefts!),
                new LateOutput<TKey, TRight>(lateRightTag, lateRight?.KeySerde ?? keySerde!, lateRight?.ValueSerde ?? rightValues ?? rights!),
                mirrorBytes);
            return new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
            {
                Detail = $"{type}, right in [left {lowerMs:+0;-0} ms, left {upperMs:+0;-0} ms], late -> {lateLeftTag}, {lateRightTag}",
                SideOutputs = [lateLeftTag, lateRightTag],
                StateNames = [IntervalJoinOperator<TKey, TValue, TRight, TOut>.LeftState, IntervalJoinOperator<TKey, TValue, TRight, TOut>.RightState],
                Factory = () => new IntervalJoinOperator<TKey, TValue, TRight, TOut>(definition),
                Error = JoinError(right.Job, keySerde, lefts, rights),
                // Retractions on the inputs are skipped and results are never taken back: a Top-N after it keeps N rows per key.
                EmitsInsertsOnly = true,
            };
        });
        return new KeyedStream<TKey, TOut>(Job, node, keySerde, outputSerde);
    }

    /// <summary>Why a join of this stream with another cannot run (another job's stream, or a serde missing), or null.</summary>
    private string? JoinError(JobBuilder rightJob, object? keySerde, object? leftSerde, object? rightSerde) =>
        !ReferenceEquals(rightJob, Job) ? "the right stream belongs to another job."
        : keySerde is null ? "the join has no key serde (neither keyed stream has one)."
        : leftSerde is null ? "the join has no serde for the left rows it keeps in state: give leftSerde, or a value serde to the left stream."
        : rightSerde is null ? "the join has no serde for the right rows it keeps in state: give rightSerde, or a value serde to the right stream."
        : null;
}
