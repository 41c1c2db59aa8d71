using System.Diagnostics;
using System.Globalization;
using System.Text;
using Eddy.Protocol;
using Eddy.Storage;

namespace Eddy.Bench;

/// <summary>
/// `eddy bench compaction`: the log cleaner on its own. Writes N updates over K keys into a partition log (in a
/// temporary directory, with small segments so most of it is cleanable), then compacts it once and reports MB/s and
/// records/s read by the cleaner.
/// </summary>
public static class CompactionBenchmark
{
    /// <summary>Loads and compacts a log, reporting the cleaner's throughput to <paramref name="output"/>; returns 0 when it cleaned a segment.</summary>
    public static Task<int> RunAsync(BenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        var keys = Math.Max(1, options.Partitions * 1250); // --partitions 8 (the default) gives 10,000 keys
        var directory = Path.Combine(Path.GetTempPath(), $"eddy-bench-compaction-{Guid.NewGuid():N}");
        try
        {
            var config = new LogConfig { Compact = true, Delete = false, SegmentBytes = 16 << 20, RetentionMs = -1 };
            using var log = PartitionLog.Open(directory, config);
            var value = new byte[options.RecordSize];
            Random.Shared.NextBytes(value);
            const int perBatch = 100;
            var batch = new List<Record>(perBatch);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var watch = Stopwatch.StartNew();
            for (long i = 0; i < options.Records && !cancellationToken.IsCancellationRequested; i++)
            {
                batch.Add(Record.Create(now, Encoding.UTF8.GetBytes($"key-{i % keys:D8}"), value));
                if (batch.Count == perBatch || i == options.Records - 1)
                {
                    log.Append(RecordBatchBuilder.Build(batch), TimestampType.CreateTime, now);
                    batch.Clear();
                }
                if (i % 200_000 == 0 && i > 0)
                {
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  loaded {i:N0} updates"));
                }
            }
            var loaded = watch.Elapsed;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"compaction: {options.Records:N0} updates of {options.RecordSize} B over {keys:N0} keys, {log.SizeInBytes / 1e6:F1} MB in the log (loaded in {loaded.TotalSeconds:F1} s)"));
            var result = log.Compact(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-9);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  compaction: {result.BytesRead / 1e6 / seconds:F1} MB/s read, {result.RecordsRead / seconds:N0} records/s; {result.SegmentsCleaned} segments, {result.RecordsRead:N0} records read, {result.RecordsKept:N0} kept, {result.BytesWritten / 1e6:F1} MB written in {seconds:F2} s"));
            return Task.FromResult(result.SegmentsCleaned > 0 ? 0 : 1);
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is a temporary directory.
            }
        }
    }
}
