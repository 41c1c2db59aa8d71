using System.Globalization;

namespace Eddy.Storage.Tests;

/// <summary>Reading a whole log back, and finding its files, for assertions.</summary>
public static class TestLogs
{
    /// <summary>Every record from <paramref name="from"/> (default: the log start offset) to the log end offset, read as a consumer would.</summary>
    public static List<StoredRecord> ReadAll(PartitionLog log, long? from = null, int maxBytes = 1 << 20)
    {
        var records = new List<StoredRecord>();
        var offset = from ?? log.LogStartOffset;
        var end = log.LogEndOffset;
        while (offset < end)
        {
            var bytes = TestBatches.CopyOut(log.Read(offset, maxBytes).Records);
            // Compaction leaves batches with gaps, and empty batches: go on from the last batch's last offset.
            var batches = TestBatches.ReadBatches(bytes);
            Assert.NotEmpty(batches);
            records.AddRange(TestBatches.ReadRecords(bytes).Where(r => r.Offset >= offset));
            offset = batches[^1].LastOffset + 1;
        }
        return records;
    }

    public static string SegmentPath(string directory, long baseOffset, string suffix = ".log") =>
        Path.Combine(directory, baseOffset.ToString("D20", CultureInfo.InvariantCulture) + suffix);

    public static List<long> SegmentBaseOffsets(string directory) =>
        [.. Directory.GetFiles(directory, "*.log").Select(p => long.Parse(Path.GetFileNameWithoutExtension(p), CultureInfo.InvariantCulture)).Order()];
}
