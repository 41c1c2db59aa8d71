namespace Eddy.Storage.Producers;

/// <summary>
/// One of the last batches a producer wrote: its sequence range, the offsets it got and its timestamp (the broker's
/// when the topic uses LogAppendTime), which is all a retry of it needs to be answered with the original result.
/// </summary>
internal readonly record struct BatchMetadata(int FirstSequence, int LastSequence, long FirstOffset, long LastOffset, long Timestamp);
