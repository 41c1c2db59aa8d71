using System.Buffers.Binary;
using CsCheck;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class OverAggregateTests
{
    private const string Job = "o";

    /// <summary>source "in" (string key, long value) → key by the key → OVER "over" → "out" (string: what <paramref name="show"/> makes of a row and its aggregate).</summary>
    private static JobTestDriver Over<TAcc, TAgg>(OverWindow window, IAggregateFunction<long, TAcc, TAgg> function, Func<long, TAgg, string> show,
        long bound = 0, int partitions = 1)
    {
        var job = new JobBuilder(Job);
        job.Source("in", Serdes.String, Serdes.Long, WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.FromMilliseconds(bound)))
            .KeyBy((key, _) => key, Serdes.String, name: "by-key")
            .Over(window, function, show, Serdes.String, name: "over")
            .To("out");
        return new JobTestDriver(job.Build(), new JobTestDriverOptions { Partitions = partitions });
    }

    private static JobTestDriver Sums(OverWindow window, long bound = 0) => Over(window, new SumOf(), (row, sum) => $"{row}:{sum}", bound);

    private static List<string> Read(JobTestDriver driver) =>
        driver.Output<string, string>("out").ReadAll().Select(r => $"{r.Key}@{r.Timestamp}={r.Value}").ToList();

    [Fact]
    public void A_rows_frame_aggregates_the_row_and_the_given_number_of_rows_before_it()
    {
        using var driver = Sums(OverWindow.Rows(2));
        var input = driver.Input<string, long>("in");
        foreach (var (value, time) in new[] { (1L, 1L), (2L, 2L), (4L, 3L), (8L, 4L), (16L, 5L) })
        {
            input.Pipe("a", value, time);
        }

        driver.AdvanceWatermark("in", 100);
        Assert.Equal(["a@1=1:1", "a@2=2:3", "a@3=4:7", "a@4=8:14", "a@5=16:28"], Read(driver));
    }

    [Fact]
    public void A_range_frame_includes_rows_exactly_the_interval_before_and_not_one_millisecond_more()
    {
        using var driver = Sums(OverWindow.Range(TimeSpan.FromMilliseconds(10)));
        var input = driver.Input<string, long>("in");
        foreach (var (value, time) in new[] { (1L, 0L), (2L, 5L), (4L, 10L), (8L, 11L), (16L, 21L) })
        {
            input.Pipe("a", value, time);
        }

        driver.AdvanceWatermark("in", 100);
        // 10 sees 0 (10 - 10 = 0 is in), 11 no longer does; 21 sees 11 but not 10.
        Assert.Equal(["a@0=1:1", "a@5=2:3", "a@10=4:7", "a@11=8:14", "a@21=16:24"], Read(driver));
    }

    [Fact]
    public void Rows_with_the_same_timestamp_are_peers_in_a_range_frame_and_in_arrival_order_in_a_rows_frame()
    {
        using var range = Sums(OverWindow.UnboundedRange());
        using var rows = Sums(OverWindow.UnboundedRows());
        foreach (var driver in new[] { range, rows })
        {
            var input = driver.Input<string, long>("in");
            input.Pipe("a", 1, 1);
            input.Pipe("a", 2, 5);
            input.Pipe("a", 4, 5);
            input.Pipe("a", 8, 6);
            driver.AdvanceWatermark("in", 100);
        }

        Assert.Equal(["a@1=1:1", "a@5=2:7", "a@5=4:7", "a@6=8:15"], Read(range));
        Assert.Equal(["a@1=1:1", "a@5=2:3", "a@5=4:7", "a@6=8:15"], Read(rows));
    }

    [Fact]
    public void A_row_is_held_back_until_the_watermark_passes_it_and_rows_are_aggregated_in_timestamp_order()
    {
        using var driver = Sums(OverWindow.UnboundedRows(), bound: 10);
        var input = driver.Input<string, long>("in");
        input.Pipe("a", 1, 20); // watermark 9
        input.Pipe("a", 2, 12); // out of order, within the bound
        Assert.Empty(Read(driver));

        input.Pipe("b", 100, 23); // watermark 12: the row at 12 is final, the one at 20 not yet
        Assert.Equal(["a@12=2:2"], Read(driver));

        input.Pipe("b", 100, 40); // watermark 29
        Assert.Equal(["a@20=1:3", "b@23=100:100"], Read(driver));
        Assert.Equal(0, driver.LateRecordCount);
    }

    [Fact]
    public void A_row_at_or_behind_the_watermark_is_dropped_and_counted_as_late()
    {
        using var driver = Sums(OverWindow.UnboundedRows());
        var input = driver.Input<string, long>("in");
        input.Pipe("a", 1, 10); // watermark 9
        input.Pipe("a", 2, 9);
        input.Pipe("a", 4, 3);
        driver.AdvanceWatermark("in", 100);

        Assert.Equal(["a@10=1:1"], Read(driver));
        Assert.Equal(2, driver.LateRecordCount);
    }

    [Fact]
    public void Keys_have_frames_of_their_own()
    {
        using var driver = Sums(OverWindow.Rows(1));
        var input = driver.Input<string, long>("in");
        input.Pipe("a", 1, 1);
        input.Pipe("b", 10, 2);
        input.Pipe("a", 2, 3);
        input.Pipe("b", 20, 4);
        driver.AdvanceWatermark("in", 100);

        Assert.Equal(["a@1=1:1", "b@2=10:10", "a@3=2:3", "b@4=20:30"], Read(driver));
    }

    [Fact]
    public void A_rows_frame_keeps_only_its_rows_in_state_once_the_watermark_has_passed()
    {
        using var driver = Sums(OverWindow.Rows(2));
        var input = driver.Input<string, long>("in");
        for (var i = 0; i < 50; i++)
        {
            input.Pipe(i % 2 == 0 ? "a" : "b", i, i);
        }

        Assert.NotEmpty(Entries(driver, "buffer"));
        driver.AdvanceWatermark("in", 100);

        Assert.Empty(Entries(driver, "buffer"));
        Assert.Equal(2 * 3, Entries(driver, "frame").Count); // the last row and the 2 before it, per key
        Assert.Equal(2, Entries(driver, "accumulators").Count);
        Assert.Equal(50, Read(driver).Count);
    }

    [Fact]
    public void A_range_frame_forgets_a_key_once_the_watermark_is_the_interval_past_its_last_row()
    {
        using var driver = Sums(OverWindow.Range(TimeSpan.FromMilliseconds(10)));
        var input = driver.Input<string, long>("in");
        input.Pipe("a", 1, 0);
        input.Pipe("a", 2, 5);
        input.Pipe("b", 3, 6);
        driver.AdvanceWatermark("in", 14); // a's frame may still matter to a row at 15
        Assert.Equal(2, Entries(driver, "accumulators").Count);
        Assert.Equal(3, Entries(driver, "frame").Count);

        driver.AdvanceWatermark("in", 15); // a row of a still to come is after 15: 5 is out of its frame
        Assert.Single(Entries(driver, "accumulators"));
        Assert.Single(Entries(driver, "frame"));

        driver.AdvanceWatermark("in", 16);
        Assert.Empty(Entries(driver, "accumulators"));
        Assert.Empty(Entries(driver, "frame"));
        Assert.Empty(Entries(driver, "buffer"));

        input.Pipe("a", 4, 30);
        driver.AdvanceWatermark("in", 100);
        Assert.Equal(["a@0=1:1", "a@5=2:3", "b@6=3:3", "a@30=4:4"], Read(driver));
    }

    [Fact]
    public void A_long_run_keeps_in_state_only_rows_that_a_frame_or_the_watermark_still_needs()
    {
        using var driver = Sums(OverWindow.Range(TimeSpan.FromMilliseconds(20)), bound: 10);
        var input = driver.Input<string, long>("in");
        var random = new Random(5);
        for (var time = 0; time < 3_000; time++)
        {
            input.Pipe($"k{random.Next(4)}", 1, time - random.Next(10));
            var watermark = driver.Watermark(1);
            // A buffered row is ahead of the watermark; a key whose last row is 20 ms behind it is forgotten, so a
            // frame row is at most 20 ms older than its key's last row, which is at most 20 ms behind the watermark.
            Assert.All(Entries(driver, "buffer"), e => Assert.True(Runtime.StateKeys.ReadTime(Runtime.StateKeys.SubKey(e.Key)) > watermark));
            Assert.All(Entries(driver, "frame"), e => Assert.True(Runtime.StateKeys.ReadTime(e.Value) > watermark - 40));
            Assert.InRange(Entries(driver, "accumulators").Count, 0, 4);
        }

        Assert.Equal(0, driver.LateRecordCount);
        driver.AdvanceWatermark("in", 10_000);
        Assert.Empty(Entries(driver, "frame"));
        Assert.Empty(Entries(driver, "accumulators"));
        Assert.Equal(3_000, Read(driver).Count);
    }

    [Fact]
    public void Buffered_rows_and_frames_survive_a_restart_from_the_stores()
    {
        using var driver = Sums(OverWindow.Range(TimeSpan.FromMilliseconds(10)), bound: 5);
        var input = driver.Input<string, long>("in");
        input.Pipe("a", 1, 10);
        input.Pipe("a", 2, 20); // watermark 14: the row at 10 is aggregated, the one at 20 waits
        driver.RestartTasks();
        input.Pipe("a", 4, 18); // still within the bound after the restart
        driver.AdvanceWatermark("in", 100);

        Assert.Equal(["a@10=1:1", "a@18=4:5", "a@20=2:7"], Read(driver));
        Assert.Equal(0, driver.LateRecordCount);
    }

    [Fact]
    public void An_over_aggregate_of_an_updating_stream_is_refused_when_the_job_is_built_as_it_cannot_retract_its_results()
    {
        var job = new JobBuilder(Job);
        job.Table("t", Serdes.String, Serdes.Long, name: "table").ToStream()
            .Over(OverWindow.UnboundedRows(), new SumOf(), (row, sum) => $"{row}:{sum}", Serdes.String, name: "over")
            .To("out");

        var error = Assert.Throws<JobDefinitionException>(job.Build);

        Assert.Contains("'over'", error.Message);
        Assert.Contains("insert-only", error.Message);
    }

    [Fact]
    public void An_over_aggregate_of_an_insert_only_stream_is_insert_only_so_a_top_n_after_it_keeps_only_n_rows()
    {
        var job = new JobBuilder(Job);
        var over = job.Source("in", Serdes.String, Serdes.Long)
            .KeyBy((key, _) => key, Serdes.String, name: "by-key")
            .Over(OverWindow.Rows(1), new SumOf(), (row, sum) => $"{row}:{sum}", Serdes.String, name: "over");

        Assert.True(Plan.ChangelogModes.IsInsertOnly(over.Node));
    }

    [Fact]
    public void An_over_aggregate_without_a_value_serde_is_refused_when_the_job_is_built()
    {
        var job = new JobBuilder(Job);
        job.Source("in", Serdes.String, Serdes.Long)
            .KeyBy((key, _) => key, Serdes.String, name: "by-key")
            .MapValues(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Over(OverWindow.Rows(1), new CountOf(), (_, count) => count, Serdes.Long, name: "over")
            .To("out");

        var error = Assert.Throws<JobDefinitionException>(job.Build);
        Assert.Contains("'over'", error.Message);
        Assert.Contains("value serde", error.Message);
    }

    private static readonly string[] FrameNames = ["rows 0", "rows 3", "rows unbounded", "range 0", "range 7", "range unbounded"];

    public static TheoryData<string> Frames => [.. FrameNames];

    [Theory]
    [MemberData(nameof(Frames))]
    public void Out_of_order_rows_on_several_partitions_get_the_frames_a_sort_by_time_gives_them(string frame)
    {
        var random = new Random(frame.GetHashCode(StringComparison.Ordinal));
        var rows = RandomRows(random, count: 400, keys: 5, partitions: 3, bound: 20);
        Assert.Equal(Oracle(Parse(frame), rows), Run(Parse(frame), rows, partitions: 3, bound: 20, restartAt: null));
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Restarting_every_task_in_the_middle_of_a_run_changes_no_result(string frame)
    {
        var random = new Random(frame.GetHashCode(StringComparison.Ordinal) + 1);
        var rows = RandomRows(random, count: 300, keys: 4, partitions: 3, bound: 15);
        Assert.Equal(Oracle(Parse(frame), rows), Run(Parse(frame), rows, partitions: 3, bound: 15, restartAt: [100, 101, 230]));
    }

    [Fact]
    public void Any_interleaving_of_partitions_gives_every_frame_the_rows_a_sort_by_time_gives_it()
    {
        var gen =
            from frame in Gen.Int[0, FrameNames.Length - 1].Select(i => FrameNames[i])
            from partitions in Gen.Int[1, 3]
            from bound in Gen.Int[0, 12]
            from steps in Gen.Select(Gen.Int[0, 3], Gen.Int[0, 20], Gen.Int[0, 2]).List[1, 60]
            select (frame, partitions, bound, steps);
        gen.Sample(sample =>
        {
            var (frame, partitions, bound, steps) = sample;
            var rows = RowsFrom(steps, partitions, bound);
            var window = Parse(frame);
            Assert.Equal(Oracle(window, rows), Run(window, rows, partitions, bound, restartAt: null));
        }, iter: 150, threads: 1);
    }

    /// <summary>One input row: its key, its unique value (the sequence number), its time, and the source partition it is sent to.</summary>
    private sealed record Row(string Key, long Value, long Time, int Partition);

    private static OverWindow Parse(string frame) => frame.Split(' ') switch
    {
        ["rows", "unbounded"] => OverWindow.UnboundedRows(),
        ["range", "unbounded"] => OverWindow.UnboundedRange(),
        ["rows", var n] => OverWindow.Rows(int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
        ["range", var n] => OverWindow.Range(TimeSpan.FromMilliseconds(int.Parse(n, System.Globalization.CultureInfo.InvariantCulture))),
        _ => throw new ArgumentException(frame),
    };

    /// <summary>
    /// Rows whose times jump ahead and fall back, but never by more than the bound behind the latest time of their
    /// partition, so that none is late; many share a timestamp (peers).
    /// </summary>
    private static List<Row> RandomRows(Random random, int count, int keys, int partitions, int bound) =>
        RowsFrom(Enumerable.Range(0, count).Select(_ => (random.Next(keys), random.Next(bound + 8), random.Next(partitions))).ToList(),
            partitions, bound);

    private static List<Row> RowsFrom(IReadOnlyList<(int Key, int Step, int Partition)> steps, int partitions, int bound)
    {
        var latest = new long[partitions];
        var rows = new List<Row>();
        foreach (var (key, step, partition) in steps)
        {
            var p = partition % partitions;
            // A step past the bound moves the partition's time forward; one within it lands up to the bound behind.
            var time = step > bound ? latest[p] + (step - bound) : Math.Max(0, latest[p] - step);
            latest[p] = Math.Max(latest[p], time);
            rows.Add(new Row($"k{key}", rows.Count, time, p));
        }

        return rows;
    }

    /// <summary>Pipes the rows one at a time (each its own poll), then moves every partition's watermark to the end.</summary>
    private static List<string> Run(OverWindow window, List<Row> rows, int partitions, int bound, int[]? restartAt)
    {
        using var driver = Over(window, new FrameOf(), (row, frame) => $"{row}:{frame}", bound, partitions);
        var input = driver.Input<string, long>("in");
        foreach (var row in rows)
        {
            if (restartAt is not null && restartAt.Contains((int)row.Value))
            {
                driver.RestartTasks();
            }

            input.Pipe(row.Key, row.Value, row.Time, row.Partition);
        }

        driver.AdvanceWatermark("in", 1_000_000);
        var output = driver.Output<string, string>("out").ReadAll();
        Assert.All(output, r => Assert.Equal(RowKind.Insert, r.Kind));
        Assert.Equal(0, driver.LateRecordCount);
        return output.Select(r => $"{r.Key}@{r.Timestamp}={r.Value}").Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// For each row, its key's rows sorted by time (rows of one time in the order they were sent), and the frame cut out
    /// of that order by the window's definition; the frame shown as its sorted values.
    /// </summary>
    private static List<string> Oracle(OverWindow window, List<Row> rows)
    {
        var frameText = window.ToString();
        var unbounded = frameText.Contains("unbounded", StringComparison.Ordinal);
        var isRange = frameText.StartsWith("range", StringComparison.Ordinal);
        var preceding = unbounded ? 0 : long.Parse(frameText.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var results = new List<string>();
        foreach (var group in rows.GroupBy(r => r.Key))
        {
            var ordered = group.OrderBy(r => r.Time).ThenBy(r => r.Value).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var row = ordered[i];
                IEnumerable<Row> frame = isRange
                    ? ordered.Where(r => r.Time <= row.Time && (unbounded || r.Time >= row.Time - preceding))
                    : ordered.Take(i + 1).Skip(unbounded ? 0 : (int)Math.Max(0, i - preceding));
                results.Add($"{row.Key}@{row.Time}={row.Value}:{FrameOf.Show(frame.Select(r => r.Value))}");
            }
        }

        return results.Order(StringComparer.Ordinal).ToList();
    }

    private static List<KeyValuePair<byte[], byte[]>> Entries(JobTestDriver driver, string state) =>
        driver.Store($"{Job}-over-{state}").Range([], null).ToList();

    /// <summary>A sum with a struct accumulator, as most aggregates are.</summary>
    private sealed class SumOf : IAggregateFunction<long, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(long accumulator, long value) => accumulator + value;

        public long Retract(long accumulator, long value) => accumulator - value;

        public long GetResult(long accumulator) => accumulator;

        public ISerde<long> AccumulatorSerde => Serdes.Long;
    }

    private sealed class CountOf : IAggregateFunction<string, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(long accumulator, string value) => accumulator + 1;

        public long Retract(long accumulator, string value) => accumulator - 1;

        public long GetResult(long accumulator) => accumulator;

        public ISerde<long> AccumulatorSerde => Serdes.Long;
    }

    /// <summary>
    /// The frame itself: the multiset of values added and not retracted, shown sorted. A retraction of a value that is
    /// not there throws, so a wrong retraction cannot hide behind a right total.
    /// </summary>
    private sealed class FrameOf : IAggregateFunction<long, List<long>, string>
    {
        public List<long> CreateAccumulator() => [];

        public List<long> Add(List<long> accumulator, long value) => [.. accumulator, value];

        public List<long> Retract(List<long> accumulator, long value)
        {
            var remaining = new List<long>(accumulator);
            return remaining.Remove(value) ? remaining : throw new InvalidOperationException($"{value} retracted but not in the frame.");
        }

        public string GetResult(List<long> accumulator) => Show(accumulator);

        public ISerde<List<long>> AccumulatorSerde { get; } = new LongListSerde();

        public static string Show(IEnumerable<long> values) => string.Join(',', values.Order());
    }

    private sealed class LongListSerde : ISerde<List<long>>
    {
        public byte[] Serialize(List<long> value)
        {
            var bytes = new byte[8 * value.Count];
            for (var i = 0; i < value.Count; i++)
            {
                BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8 * i), value[i]);
            }

            return bytes;
        }

        public List<long> Deserialize(ReadOnlySpan<byte> data)
        {
            var values = new List<long>(data.Length / 8);
            for (var at = 0; at < data.Length; at += 8)
            {
                values.Add(BinaryPrimitives.ReadInt64BigEndian(data[at..]));
            }

            return values;
        }
    }
}
