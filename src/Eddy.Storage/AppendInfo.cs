namespace Eddy.Storage;

/// <summary>
/// Offsets given to an append; <paramref name="LogAppendTime"/> is -1 unless the batches were stamped with the broker's
/// time. <paramref name="IsDuplicate"/>: the batch repeated one of its producer's last five batches, so nothing was
/// written and the offsets are those of the original (an idempotent producer's retry).
/// </summary>
public readonly record struct AppendInfo(long BaseOffset, long LastOffset, long LogAppendTime, bool IsDuplicate = false);
