using CsCheck;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>One input row of a join test: its key, value, event time and the source partition it is written to.</summary>
internal readonly record struct JoinRow(string Key, string Value, long Timestamp, int Partition);

/// <summary>
/// The two-source jobs, random inputs and result reading the interval and window join tests share. Sources "l" and
/// "r" (string/string, watermarks <see cref="Bound"/> ms behind) are keyed by their record key and joined into "out".
/// </summary>
internal static class JoinInputs
{
    public const int Partitions = 3;
    public const int Bound = 5;

    /// <summary>A job "j" whose join is <paramref name="join"/>(left, right), on <see cref="Partitions"/> partitions.</summary>
    public static JobTestDriver Drive(Func<KeyedStream<string, string>, KeyedStream<string, string>, KeyedStream<string, string>> join,
        int partitions = Partitions)
    {
        var job = new JobBuilder("j");
        var watermarks = WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.FromMilliseconds(Bound));
        var left = job.Source("l", Serdes.String, Serdes.String, watermarks).KeyBy((k, _) => k, Serdes.String, name: "left");
        var right = job.Source("r", Serdes.String, Serdes.String, watermarks).KeyBy((k, _) => k, Serdes.String, name: "right");
        join(left, right).To("out");
        return new JobTestDriver(job.Build(), new JobTestDriverOptions { Partitions = partitions });
    }

    /// <summary>What the tests' joiners make of a pair: the missing side of an outer row shows as "-".</summary>
    public static string Joined(string key, string? left, string? right) => $"{key}:{left ?? "-"}|{right ?? "-"}";

    /// <summary>
    /// One side's rows in arrival order: event times move forward by small steps, each row jittered later by at most
    /// the bound, so a row is never more than the bound behind the latest before it (none is late); few keys and
    /// values, so duplicates and equal timestamps are common.
    /// </summary>
    public static Gen<JoinRow[]> Side(string prefix, int maxRows = 24, int keys = 4) =>
        Gen.Select(Gen.Int[0, keys - 1], Gen.Int[0, 2], Gen.Int[0, 4], Gen.Int[0, Bound], Gen.Int[0, Partitions - 1],
                (key, value, step, jitter, partition) => (Key: $"k{key}", Value: $"{prefix}{value}", Step: step, Jitter: jitter, Partition: partition))
            .Array[0, maxRows]
            .Select(steps =>
            {
                var time = 0L;
                var rows = new JoinRow[steps.Length];
                for (var i = 0; i < steps.Length; i++)
                {
                    time += steps[i].Step;
                    rows[i] = new JoinRow(steps[i].Key, steps[i].Value, time + steps[i].Jitter, steps[i].Partition);
                }

                return rows;
            });

    /// <summary>A random merge of the two sides that keeps each side's own order (so no row becomes late).</summary>
    public static List<(bool Left, JoinRow Row)> Interleave(JoinRow[] left, JoinRow[] right, int seed)
    {
        var random = new Random(seed);
        var merged = new List<(bool Left, JoinRow Row)>(left.Length + right.Length);
        int l = 0, r = 0;
        while (l < left.Length || r < right.Length)
        {
            var takeLeft = r == right.Length || (l < left.Length && random.Next(2) == 0);
            merged.Add(takeLeft ? (true, left[l++]) : (false, right[r++]));
        }

        return merged;
    }

    /// <summary>Pipes the rows (restarting every task after <paramref name="restartAfter"/> rows), then lets event time pass everything.</summary>
    public static void Pipe(JobTestDriver driver, IReadOnlyList<(bool Left, JoinRow Row)> rows, int? restartAfter = null)
    {
        var left = driver.Input<string, string>("l");
        var right = driver.Input<string, string>("r");
        for (var i = 0; i < rows.Count; i++)
        {
            if (i == restartAfter)
            {
                driver.RestartTasks();
            }

            var (isLeft, row) = rows[i];
            (isLeft ? left : right).Pipe(row.Key, row.Value, row.Timestamp, row.Partition);
        }

        driver.AdvanceWatermark("l", 1_000_000);
        driver.AdvanceWatermark("r", 1_000_000);
    }

    /// <summary>The output so far as "value@timestamp" rows per key, changelog applied, in a stable order.</summary>
    public static List<(string Key, string Value)> Results(JobTestDriver driver) =>
        Changelogs.Sorted(Changelogs.Materialize(driver.Output<string, string>("out").ReadAll()
            .Select(r => r with { Value = $"{r.Value}@{r.Timestamp}" })));

    /// <summary>The expected rows in the same shape as <see cref="Results"/>.</summary>
    public static List<(string Key, string Value)> Expected(IEnumerable<(string Key, string? Left, string? Right, long Timestamp)> rows) =>
        Changelogs.Sorted(rows.Select(r => (r.Key, $"{Joined(r.Key, r.Left, r.Right)}@{r.Timestamp}")));

    /// <summary>Every entry of the join's stores on every partition (empty once event time has passed everything).</summary>
    public static int StateEntries(JobTestDriver driver, params string[] stores) =>
        stores.Sum(store => Enumerable.Range(0, Partitions).Sum(p => driver.Store($"j-join-{store}", p).Range([], null).Count()));
}

/// <summary>A join job's driver with its two inputs at hand, for the tests that say what is emitted and when.</summary>
internal sealed class JoinDriver(JobTestDriver driver) : IDisposable
{
    public JobTestDriver Driver { get; } = driver;

    public TestInputTopic<string, string> LeftInput { get; } = driver.Input<string, string>("l");

    public TestInputTopic<string, string> RightInput { get; } = driver.Input<string, string>("r");

    public void Left(string key, string value, long timestamp) => LeftInput.Pipe(key, value, timestamp);

    public void Right(string key, string value, long timestamp) => RightInput.Pipe(key, value, timestamp);

    /// <summary>Moves the watermark of both sources, so the join's (their minimum) follows.</summary>
    public void AdvanceWatermark(long watermark)
    {
        Driver.AdvanceWatermark("l", watermark);
        Driver.AdvanceWatermark("r", watermark);
    }

    /// <summary>The rows emitted since the last read, as "key:left|right@timestamp".</summary>
    public List<string> Read() => Driver.Output<string, string>("out").ReadAll().Select(r => $"{r.Value}@{r.Timestamp}").ToList();

    public void Dispose() => Driver.Dispose();
}
