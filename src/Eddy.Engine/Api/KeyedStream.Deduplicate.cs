using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

/// <summary>Which row of a key a deduplication keeps.</summary>
public enum DeduplicateKeep
{
    /// <summary>The key's first row (by time): later ones are dropped.</summary>
    First = 0,

    /// <summary>The key's last row (by time): each newer one replaces it.</summary>
    Last = 1,
}

public sealed partial class KeyedStream<TKey, TValue>
{
    /// <summary>
    /// One row per key, as Flink's deduplication (<c>ROW_NUMBER() OVER (PARTITION BY key ORDER BY time) = 1</c>).
    /// <see cref="DeduplicateKeep.First"/> emits a key's first row and drops the rest; by event time an earlier row
    /// that arrives later replaces it (update-before the old row, update-after the new), by processing time the output
    /// is insert-only. <see cref="DeduplicateKeep.Last"/> emits each newer row of a key as an update of the previous
    /// (by event time, a row older than the kept one is dropped). The input must be insert-only, as Flink's
    /// deduplication requires: after a table, an aggregate, a join or a process function, Build fails naming the
    /// operator. With <paramref name="ttl"/> a key's row is forgotten
    /// once the watermark (event time) or the task's clock (processing time) is past its time plus the TTL, and the next
    /// row of the key counts as new. State: the kept row per key (store <c>rows</c>), and expiry timers (<c>timers</c>)
    /// with a TTL.
    /// </summary>
    /// <param name="keep">The first or the last row.</param>
    /// <param name="time">Event time (the records' timestamps) or processing time (arrival order).</param>
    /// <param name="ttl">How long a key's row is kept after its time; forever when null.</param>
    /// <param name="valueSerde">The rows' serde in state; defaults to the stream's.</param>
    /// <param name="name">The operator's name.</param>
    public KeyedStream<TKey, TValue> Deduplicate(DeduplicateKeep keep, TimeDomain time = TimeDomain.EventTime, TimeSpan? ttl = null,
        ISerde<TValue>? valueSerde = null, string? name = null)
    {
        if (ttl is { } given)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(given, TimeSpan.Zero, nameof(ttl));
        }

        var values = valueSerde ?? ValueSerde;
        var error = KeySerde is null ? "the keyed stream has no key serde."
            : values is null ? "the deduplication has no value serde for its state."
            : ChangelogModes.InsertOnlyInputError(Node, "a deduplication");
        var definition = error is null
            ? new DeduplicateDefinition<TKey, TValue>(keep, time, ttl is { } t ? Math.Max(1, (long)t.TotalMilliseconds) : null, KeySerde!, values!)
            : null;
        var node = Job.Add(name, "deduplicate", OperatorKind.Deduplicate, [Node], d => new NodeDefinition(d.Id, d.Name, d.Kind, d.Parents)
        {
            Detail = $"keep {keep.ToString().ToLowerInvariant()} by {(time == TimeDomain.EventTime ? "event" : "processing")} time" +
                (ttl is { } l ? $", ttl {(long)l.TotalMilliseconds} ms" : ""),
            StateNames = ttl is null ? [DeduplicateOperator<TKey, TValue>.RowsState]
                : [DeduplicateOperator<TKey, TValue>.RowsState, DeduplicateOperator<TKey, TValue>.TimersState],
            Factory = () => new DeduplicateOperator<TKey, TValue>(definition!),
            Error = error,
            // Keeping the first arrival never replaces a row it emitted.
            EmitsInsertsOnly = keep == DeduplicateKeep.First && time == TimeDomain.ProcessingTime,
        });

        return new KeyedStream<TKey, TValue>(Job, node, KeySerde, values);
    }
}
