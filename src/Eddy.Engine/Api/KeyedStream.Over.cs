using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

public sealed partial class KeyedStream<TKey, TValue>
{
    /// <summary>
    /// An OVER aggregate ordered by event time, as Flink's <c>agg(x) OVER (PARTITION BY key ORDER BY rowtime ...)</c>:
    /// one output per input row, <paramref name="result"/>(row, aggregate of its frame), with the row's key and
    /// timestamp. Rows wait in state until the watermark passes their timestamp, then are aggregated in timestamp order;
    /// a row at or behind the watermark when it arrives is dropped and counted as late. The input must be insert-only:
    /// after a table, an aggregate, a join or a process function, Build fails naming the operator.
    /// State: the rows waiting for the watermark, the accumulator per key and the rows still inside the frame (to
    /// retract them as it slides), so it is bounded by the frame.
    /// </summary>
    /// <param name="valueSerde">Keeps rows in state; defaults to the stream's value serde.</param>
    public KeyedStream<TKey, TOut> Over<TAcc, TAgg, TOut>(OverWindow window, IAggregateFunction<TValue, TAcc, TAgg> function,
        Func<TValue, TAgg, TOut> result, ISerde<TOut>? outputSerde, ISerde<TValue>? valueSerde = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(result);
        var keys = KeySerde;
        var values = valueSerde ?? ValueSerde;
        var node = Job.Add(name, "over", OperatorKind.OverAggregate, [Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Detail = window.ToString(),
            // One row out per row in, never retracted (updating input is refused): a Top-N after it keeps only N rows per key.
            EmitsInsertsOnly = true,
            StateNames = [OverAggregate.BufferState, OverAggregate.FrameState, OverAggregate.AccumulatorState],
            Factory = () => new OverAggregateOperator<TKey, TValue, TAcc, TAgg, TOut>(
                new OverAggregation<TKey, TValue, TAcc, TAgg, TOut>(window, function, result, keys!, values!)),
            Error = keys is null ? "the keyed stream has no key serde."
                : values is null ? "the OVER aggregate has no value serde to keep rows in state."
                : ChangelogModes.InsertOnlyInputError(Node, "an OVER aggregate"),
        });
        return new KeyedStream<TKey, TOut>(Job, node, KeySerde, outputSerde);
    }
}
