using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

public sealed partial class KeyedStream<TKey, TValue>
{
    /// <summary>
    /// Joins the rows of this stream (left) and of <paramref name="right"/> that have the same key and fall in the same
    /// event-time window: when the window fires (the watermark reaches its max timestamp) every left-right pair is
    /// emitted, stamped with the window's max timestamp; with no row of the other side in the window, an outer side's
    /// rows are emitted alone (the other side <c>default</c>). Session windows gather both sides' rows together per key
    /// (rows less than the gap apart share a session). The window's rows are then forgotten. A row whose every window
    /// has fired is late: counted and sent to its side's late side output (as a window's late records), never dropped
    /// silently. The inputs are append-only (a retraction is skipped). A stream joined with itself sees each row on
    /// both sides.
    /// </summary>
    /// <param name="right">The other stream, keyed by the same key.</param>
    /// <param name="windows">The windows rows meet in.</param>
    /// <param name="joiner">Builds the result from the key and both rows (one is <c>default</c> for an outer row without a match).</param>
    /// <param name="outputSerde">The result's serde, for a later repartition, sink or state.</param>
    /// <param name="type">Which unmatched rows are kept.</param>
    /// <param name="leftSerde">Serializes this stream's rows in state; defaults to the stream's value serde.</param>
    /// <param name="rightSerde">Serializes the right stream's rows in state; defaults to its value serde.</param>
    /// <param name="name">The operator's name (its stores and default side outputs are named after it).</param>
    /// <param name="lateLeft">Where this stream's late rows go; default: the side output <c>{job}-{name}-late-left</c>, in the stream's serdes.</param>
    /// <param name="lateRight">Where the right stream's late rows go; default: the side output <c>{job}-{name}-late-right</c>, in its serdes.</param>
    public KeyedStream<TKey, TOut> WindowJoin<TRight, TOut>(KeyedStream<TKey, TRight> right, Windows windows, Func<TKey, TValue, TRight, TOut> joiner,
        ISerde<TOut>? outputSerde, JoinType type = JoinType.Inner, ISerde<TValue>? leftSerde = null, ISerde<TRight>? rightSerde = null,
        string? name = null, OutputTag<TKey, TValue>? lateLeft = null, OutputTag<TKey, TRight>? lateRight = null)
    {
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(joiner);
        var keySerde = KeySerde ?? right.KeySerde;
        var lefts = leftSerde ?? ValueSerde;
        var rights = rightSerde ?? right.ValueSerde;
        var leftValues = ValueSerde;
        var rightValues = right.ValueSerde;
        var node = Job.Add(name, "windowJoin", OperatorKind.WindowJoin, [Node, right.Node], n =>
        {
            // Late rows are never silently lost: without the user's tags they go to the join's own side outputs.
            var lateLeftTag = lateLeft?.Name ?? $"{Job.Name}-{n.Name}-late-left";
            var lateRightTag = lateRight?.Name ?? $"{Job.Name}-{n.Name}-late-right";
            var definition = new WindowJoinDefinition<TKey, TValue, TRight, TOut>(windows, type, joiner, keySerde!, lefts!, rights!,
                new LateOutput<TKey, TValue>(lateLeftTag, lateLeft?.KeySerde ?? keySerde!, lateLeft?.ValueSerde ?? leftValues ?? lefts!),
                new LateOutput<TKey, TRight>(lateRightTag, lateRight?.KeySerde ?? keySerde!, lateRight?.ValueSerde ?? rightValues ?? rights!));
            return new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
            {
                Detail = $"{type}, {windows}, late -> {lateLeftTag}, {lateRightTag}",
                SideOutputs = [lateLeftTag, lateRightTag],
                StateNames =
                [
                    WindowJoinOperator<TKey, TValue, TRight, TOut>.LeftState,
                    WindowJoinOperator<TKey, TValue, TRight, TOut>.RightState,
                    WindowJoinOperator<TKey, TValue, TRight, TOut>.WindowsState,
                ],
                Factory = () => new WindowJoinOperator<TKey, TValue, TRight, TOut>(definition),
                Error = JoinError(right.Job, keySerde, lefts, rights),
                // Retractions on the inputs are skipped and results are never taken back: a Top-N after it keeps N rows per key.
                EmitsInsertsOnly = true,
            };
        });
        return new KeyedStream<TKey, TOut>(Job, node, keySerde, outputSerde);
    }
}
