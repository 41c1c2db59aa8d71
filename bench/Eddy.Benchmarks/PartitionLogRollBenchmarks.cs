using BenchmarkDotNet.Attributes;
using Eddy.Protocol;
using Eddy.Storage;

namespace Eddy.Benchmarks;

/// <summary>
/// Appending 16 KB batches to one partition whose 4 MB segments roll every 256 appends, each roll fsyncing the
/// segment it leaves: the mean cost of an append including its share of rolls, from 1 and 4 producer threads (an
/// operation is one append by each producer; the log is closed, and waits for its last rolls' fsyncs, outside the
/// measurement). The per-append percentiles are in <see cref="AppendLatency"/> (<c>-- append-latency</c>).
/// </summary>
[MemoryDiagnoser]
public class PartitionLogRollBenchmarks
{
    private const int AppendsPerProducer = 1024;
    private const int BatchBytes = 16 << 10;
    private string _directory = "";
    private PartitionLog? _log;
    private byte[][] _batches = [];

    [Params(1, 4)]
    public int Producers { get; set; }

    [IterationSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "eddy-roll-bench-" + Guid.NewGuid().ToString("N"));
        _log = PartitionLog.Open(_directory, new LogConfig { SegmentBytes = 4 << 20 });
        var value = new byte[1024];
        new Random(1).NextBytes(value);
        _batches = [.. Enumerable.Range(0, Producers).Select(_ => RecordBatchBuilder.Build([.. Enumerable.Range(0, BatchBytes / 1024).Select(i => Record.Create(i, null, value))]))];
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _log?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = AppendsPerProducer)]
    public void AppendWithRolls()
    {
        var log = _log!;
        Parallel.For(0, Producers, new ParallelOptions { MaxDegreeOfParallelism = Producers }, p =>
        {
            var batch = _batches[p];
            for (var i = 0; i < AppendsPerProducer; i++)
            {
                log.Append(batch, TimestampType.CreateTime, 0);
            }
        });
    }
}
