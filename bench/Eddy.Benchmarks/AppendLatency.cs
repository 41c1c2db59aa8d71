using System.Diagnostics;
using System.Globalization;
using Eddy.Protocol;
using Eddy.Storage;

namespace Eddy.Benchmarks;

/// <summary>
/// Append latency of one partition while its segments roll every few MB (each roll fsyncs the segment it leaves):
/// <c>producers</c> threads append <c>appends</c> batches each to one log and every append is timed on its own, so
/// the percentiles show the appends that wait on a roll (their own, or another producer's holding the log's lock).
/// Not a BenchmarkDotNet benchmark (it reports per-append percentiles, which BenchmarkDotNet's per-iteration
/// statistics cannot); see <see cref="PartitionLogRollBenchmarks"/> for the mean.
/// Run: dotnet run -c Release --project bench/Eddy.Benchmarks -- append-latency [producers=4] [appends=4000] [segmentMB=4] [batchKB=16] [dir=/tmp]
/// </summary>
public static class AppendLatency
{
    public static void Run(string[] args)
    {
        var producers = Arg(args, 0, 4);
        var appends = Arg(args, 1, 4000);
        var segmentBytes = Arg(args, 2, 4) << 20;
        var batchBytes = Arg(args, 3, 16) << 10;
        var root = args.Length > 4 ? args[4] : Path.GetTempPath();
        var directory = Path.Combine(root, "eddy-append-latency-" + Guid.NewGuid().ToString("N"));
        try
        {
            // One warm-up pass (JIT, page cache) on its own log, then the measured one.
            Measure(directory + "-warmup", producers, Math.Min(appends, 500), segmentBytes, batchBytes);
            var (latencies, elapsed, segments) = Measure(directory, producers, appends, segmentBytes, batchBytes);
            Array.Sort(latencies);
            var mb = (double)latencies.Length * batchBytes / (1 << 20);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"producers={producers} appends={latencies.Length} batch={batchBytes >> 10}KB segment={segmentBytes >> 20}MB rolls={segments - 1} elapsed={elapsed.TotalSeconds:F2}s ({mb / elapsed.TotalSeconds:F0} MB/s)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"append latency us: p50={P(latencies, 0.50):F1} p90={P(latencies, 0.90):F1} p99={P(latencies, 0.99):F1} p99.9={P(latencies, 0.999):F1} max={latencies[^1]:F1}"));
        }
        finally
        {
            foreach (var path in new[] { directory, directory + "-warmup" })
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
        }
    }

    private static (double[] Latencies, TimeSpan Elapsed, int Segments) Measure(string directory, int producers, int appends, int segmentBytes, int batchBytes)
    {
        var latencies = new double[producers * appends];
        var total = Stopwatch.StartNew();
        int segments;
        using (var log = PartitionLog.Open(directory, new LogConfig { SegmentBytes = segmentBytes }))
        {
            using var start = new Barrier(producers);
            var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
            {
                var batch = Batch(batchBytes);
                start.SignalAndWait();
                for (var i = 0; i < appends; i++)
                {
                    var before = Stopwatch.GetTimestamp();
                    log.Append(batch, TimestampType.CreateTime, 1_700_000_000_000);
                    latencies[(p * appends) + i] = Stopwatch.GetElapsedTime(before).TotalMicroseconds;
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            total.Stop();
            segments = Directory.GetFiles(directory, "*.log").Length;
        }
        return (latencies, total.Elapsed, segments);
    }

    private static byte[] Batch(int bytes)
    {
        const int RecordBytes = 1024;
        var value = new byte[RecordBytes];
        new Random(1).NextBytes(value);
        var records = Enumerable.Range(0, Math.Max(1, bytes / RecordBytes)).Select(i => Record.Create(1_700_000_000_000 + i, null, value)).ToArray();
        return RecordBatchBuilder.Build(records);
    }

    private static double P(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
}
