using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

public sealed partial class KeyedStream<TKey, TValue>
{
    /// <summary>
    /// <c>COUNT(DISTINCT selector(value))</c> per key, as an updating table: an insert when a key gets its first value,
    /// an update-before/update-after pair when its count of distinct values changes, a delete when retractions take its
    /// last value away. Inserts and update-afters add an occurrence of their value, update-befores and deletes take one
    /// back; a value counts while it has occurrences, and a null value does not count (as in SQL). State: one entry per (key, distinct value) with its occurrences,
    /// so a key with many distinct values costs one small write per record, and the count per key.
    /// </summary>
    public Table<TKey, long> CountDistinct<TDistinct>(Func<TValue, TDistinct> selector, ISerde<TDistinct> serde, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(serde);
        var keys = KeySerde;
        var node = Job.Add(name, "countDistinct", OperatorKind.Aggregate, [Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Detail = "count distinct",
            StateNames = [CountDistinctStates.ValuesState, CountDistinctStates.CountsState],
            Factory = () => new CountDistinctOperator<TKey, TValue, TDistinct>(selector, keys!, serde),
            Error = keys is null ? "the keyed stream has no key serde." : null,
        });
        return new Table<TKey, long>(Job, node, KeySerde, Serdes.Long);
    }
}
