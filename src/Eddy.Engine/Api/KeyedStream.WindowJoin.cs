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
    /// has fired is late: counted and dropped. The inputs are append-only (a retraction is skipped). A stream joined
    /// with itself sees each row on both sides.
    /// </summary>
    /// <param name="leftSerde">Serializes this stream's rows in state; defaults to the stream's value serde.</param>
    /// <param name="rightSerde">Serializes the right stream's rows in state; defaults to its value serde.</param>
    public KeyedStream<TKey, TOut> WindowJoin<TRight, TOut>(KeyedStream<TKey, TRight> right, Windows windows, Func<TKey, TValue, TRight, TOut> joiner,
        ISerde<TOut>? outputSerde, JoinType type = JoinType.Inner, ISerde<TValue>? leftSerde = null, ISerde<TRight>? rightSerde = null,
        string? name = null)
    {
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(joiner);
        var keySerde = KeySerde ?? right.KeySerde;
        var lefts = leftSerde ?? ValueSerde;
        var rights = rightSerde ?? right.ValueSerde;
        var definition = new WindowJoinDefinition<TKey, TValue, TRight, TOut>(windows, type, joiner, keySerde!, lefts!, rights!);
        var node = Job.Add(name, "windowJoin", OperatorKind.WindowJoin, [Node, right.Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Detail = $"{type}, {windows}",
            StateNames =
            [
                WindowJoinOperator<TKey, TValue, TRight, TOut>.LeftState,
                WindowJoinOperator<TKey, TValue, TRight, TOut>.RightState,
                WindowJoinOperator<TKey, TValue, TRight, TOut>.WindowsState,
            ],
            Factory = () => new WindowJoinOperator<TKey, TValue, TRight, TOut>(definition),
            Error = JoinError(right.Job, keySerde, lefts, rights),
        });
        return new KeyedStream<TKey, TOut>(Job, node, keySerde, outputSerde);
    }
}
