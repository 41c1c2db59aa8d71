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
            var result = log.Read(offset, maxBytes);
            var batch = TestBatches.ReadRecords(TestBatches.CopyOut(result.Records));
            Assert.NotEmpty(batch);
            records.AddRange(batch.Where(r => r.Offset >= offset));
            offset = batch[^1].Offset + 1;
        }
        return records;
    }

    public static string SegmentPath(string directory, long baseOffset, string suffix = ".log") =>
        Path.Combine(directory, baseOffset.ToString("D20", CultureInfo.InvariantCulture) + suffix);

    public static List<long> SegmentBaseOffsets(string directory) =>
        [.. Directory.GetFiles(directory, "*.log").Select(p => long.Parse(Path.GetFileNameWithoutExtension(p), CultureInfo.InvariantCulture)).Order()];
}
