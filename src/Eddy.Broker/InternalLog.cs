using Eddy.Protocol;
using Eddy.Storage;

namespace Eddy.Broker;

/// <summary>The broker's own logs (committed offsets, transaction state): replayed whole at start-up to rebuild memory.</summary>
internal static class InternalLog
{
    /// <summary>Hands every batch of <paramref name="log"/>, with its records, to <paramref name="apply"/>, in log order.</summary>
    public static void Replay(PartitionLog log, Action<ReadOnlyMemory<byte>, IReadOnlyList<Record>> apply)
    {
        var offset = log.LogStartOffset;
        while (offset < log.LogEndOffset)
        {
            var read = log.Read(offset, 1 << 20, minOneBatch: true);
            if (read.Records.SizeInBytes == 0)
            {
                break;
            }
            var bytes = new byte[read.Records.SizeInBytes];
            read.Records.CopyTo(bytes);
            foreach (var (batch, records) in RecordBatchReader.ReadBatches(bytes))
            {
                apply(batch, records);
                offset = RecordBatch.LastOffset(batch.Span) + 1;
            }
        }
    }
}
