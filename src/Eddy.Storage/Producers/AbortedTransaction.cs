namespace Eddy.Storage.Producers;

/// <summary>
/// An aborted transaction on one partition: its producer, its first offset and the offset of its ABORT marker
/// (Fetch reports producer id and first offset so read_committed consumers can drop its records).
/// </summary>
public readonly record struct AbortedTransaction(long ProducerId, long FirstOffset, long LastOffset);
