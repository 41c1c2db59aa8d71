namespace Eddy.Storage;

/// <summary>Offsets given to an append; <paramref name="LogAppendTime"/> is -1 unless the batches were stamped with the broker's time.</summary>
public readonly record struct AppendInfo(long BaseOffset, long LastOffset, long LogAppendTime);
