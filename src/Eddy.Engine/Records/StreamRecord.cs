namespace Eddy.Engine.Records;

/// <summary>
/// What an updating result means to downstream operators and sinks, as Flink's row kinds: a plain stream is all
/// inserts; an updated result retracts its previous row (update-before) and adds the new one (update-after).
/// </summary>
public enum RowKind : byte
{
    Insert = 0,
    UpdateBefore = 1,
    UpdateAfter = 2,
    Delete = 3,
}

/// <summary>One record in a stream: key, value, event timestamp (ms since the epoch) and its row kind.</summary>
public readonly record struct StreamRecord<TKey, TValue>(TKey Key, TValue Value, long Timestamp, RowKind Kind = RowKind.Insert);
