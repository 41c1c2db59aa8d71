using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

public sealed partial class KeyedStream<TKey, TValue>
{
    /// <summary>
    /// Aggregates each key's rows into a table with one row per key (as Flink's GROUP BY, Kafka Streams'
    /// <c>aggregate</c>). Inserts and update-afters are added to the key's accumulator; update-befores and deletes
    /// retracted from it, so a table's changes regrouped with <see cref="Table{TKey, TValue}.GroupBy{TNewKey}"/> are
    /// aggregated exactly. The table emits an insert for a new key, update-before (the old result) and update-after
    /// (the new one) when a key's result changes, nothing when it does not, and a delete when the key's last row is
    /// retracted; each carries the timestamp of the row that caused it. Rows with a null value are skipped.
    /// State: [row count][accumulator] per key (store <c>accumulators</c>), removed with the key's last row.
    /// </summary>
    /// <param name="function">Shared by the job's tasks: it must keep no state of its own. See <see cref="Aggregates"/>.</param>
    public Table<TKey, TOut> Aggregate<TAcc, TOut>(IAggregateFunction<TValue, TAcc, TOut> function, ISerde<TOut>? resultSerde,
        string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        return AddAggregate(function, resultSerde, name, "aggregate", resultSerde is null ? "the aggregation has no result serde." : null);
    }

    /// <summary>
    /// Combines each key's values with <paramref name="reducer"/> into a table (as Kafka Streams' <c>reduce</c>);
    /// the result and state use the stream's value serde. A retraction (an update-before or a delete, from a table's
    /// changes) is taken back with <paramref name="subtractor"/>; without one it fails the job, naming the operator,
    /// unless it retracts the key's last row (the row is then deleted). Emits as
    /// <see cref="Aggregate{TAcc, TOut}"/>.
    /// </summary>
    public Table<TKey, TValue> Reduce(Func<TValue, TValue, TValue> reducer, Func<TValue, TValue, TValue>? subtractor = null,
        string? name = null)
    {
        ArgumentNullException.ThrowIfNull(reducer);
        var values = ValueSerde;
        // The accumulator is (has a value, the value); stored, it always has one (a key's first row is added before
        // anything is written), so only the value's bytes are kept.
        var function = Aggregates.FromFunctions<TValue, (bool HasValue, TValue Value), TValue>(
            static () => default,
            (reduced, value) => (true, reduced.HasValue ? reducer(reduced.Value, value) : value),
            subtractor is null
                ? static (_, _) => throw new NotSupportedException("Reduce has no subtractor; give it one to reduce a table's changes.")
                : (reduced, value) => (true, subtractor(reduced.Value, value)),
            static reduced => reduced.Value,
            values is null ? null! : new ReducedSerde(values));
        return AddAggregate(function, values, name, "reduce", values is null ? "the keyed stream has no value serde (reduce keeps its values)." : null);
    }

    /// <summary>The number of rows per key, as a table (retractions counted down; a key with no rows left is deleted).</summary>
    public Table<TKey, long> Count(string? name = null) => AddAggregate(Aggregates.Count<TValue>(), Serdes.Long, name, "count", null);

    private Table<TKey, TOut> AddAggregate<TAcc, TOut>(IAggregateFunction<TValue, TAcc, TOut> function, ISerde<TOut>? resultSerde,
        string? name, string generatedPrefix, string? error)
    {
        var keys = KeySerde;
        var node = Job.Add(name, generatedPrefix, OperatorKind.Aggregate, [Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Detail = "retracting",
            StateNames = [AggregateOperator<TKey, TValue, TAcc, TOut>.AccumulatorsState],
            Factory = () => new AggregateOperator<TKey, TValue, TAcc, TOut>(function, keys!),
            Error = keys is null ? "the keyed stream has no key serde." : error,
        });
        return new Table<TKey, TOut>(Job, node, keys, resultSerde);
    }

    private sealed class ReducedSerde(ISerde<TValue> values) : ISerde<(bool HasValue, TValue Value)>
    {
        public byte[] Serialize((bool HasValue, TValue Value) value) => values.Serialize(value.Value);

        public void Serialize((bool HasValue, TValue Value) value, System.Buffers.IBufferWriter<byte> into) => values.Serialize(value.Value, into);

        public (bool HasValue, TValue Value) Deserialize(ReadOnlySpan<byte> data) => (true, values.Deserialize(data));
    }
}
