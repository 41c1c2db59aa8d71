using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;
using Eddy.Engine.State;

namespace Eddy.Engine.RocksDb.Tests;

/// <summary>
/// The event-time joins over RocksDB stores inside a commit's write batch (as a worker runs them), against the same
/// join stage over in-memory stores: scans, writes and deletes in one batch must give the same output.
/// </summary>
[Trait("Category", "Unit")]
public class JoinStateTests
{
    private const string LeftTopic = "j-left-repartition";
    private const string RightTopic = "j-right-repartition";

    private static StagePlan JoinStage(Func<KeyedStream<string, string>, KeyedStream<string, string>, KeyedStream<string, string>> join)
    {
        var job = new JobBuilder("j");
        var left = job.Source("l", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String, name: "left");
        var right = job.Source("r", Serdes.String, Serdes.String).KeyBy((k, _) => k, Serdes.String, name: "right");
        join(left, right).To("out");
        return job.Build().Stages.Single(s => s.Inputs.Count > 0 && s.Inputs.All(i => i.IsRepartition));
    }

    public static TheoryData<string> Joins => ["interval", "hopping", "session"];

    private static StagePlan Stage(string join) => join switch
    {
        "interval" => JoinStage((l, r) => l.IntervalJoin(r, TimeSpan.FromMilliseconds(-3), TimeSpan.FromMilliseconds(2),
            (k, a, b) => $"{k}:{a}|{b}", Serdes.String, JoinType.FullOuter, name: "join")),
        "hopping" => JoinStage((l, r) => l.WindowJoin(r, Windows.Hopping(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(5)),
            (k, a, b) => $"{k}:{a}|{b}", Serdes.String, JoinType.FullOuter, name: "join")),
        _ => JoinStage((l, r) => l.WindowJoin(r, Windows.Session(TimeSpan.FromMilliseconds(4)),
            (k, a, b) => $"{k}:{a}|{b}", Serdes.String, JoinType.FullOuter, name: "join")),
    };

    [Theory]
    [MemberData(nameof(Joins))]
    public void A_join_stage_over_rocksdb_in_write_batches_emits_what_it_does_over_memory_and_leaves_no_state(string join)
    {
        var stage = Stage(join);
        using var dir = new TempDirectory("eddy-join");
        var rocks = new RocksDbStateBackend(dir.Path);
        using var memory = new InMemoryStateBackend();
        var onRocks = new List<string>();
        var inMemory = new List<string>();
        var random = new Random(7);
        var time = 0L;
        var steps = new List<(string Topic, InputRecord? Record, long Watermark)>();
        for (var i = 0; i < 600; i++)
        {
            time += random.Next(3);
            var topic = random.Next(2) == 0 ? LeftTopic : RightTopic;
            var record = new InputRecord(Serdes.String.Serialize($"k{random.Next(5)}"), Serdes.String.Serialize($"v{i}"), time + random.Next(6));
            steps.Add((topic, record, 0));
            if (i % 7 == 6)
            {
                steps.Add((LeftTopic, null, time - 1));
            }
        }

        steps.Add((LeftTopic, null, 1_000_000));
        Run(stage, memory, steps, inMemory, batches: null);
        using (rocks)
        {
            Run(stage, rocks, steps, onRocks, batches: rocks);
            Assert.All(stage.Operators.SelectMany(o => o.Stores), store => Assert.Empty(rocks.Store(store.Name, 0).Range([], null)));
        }

        Assert.NotEmpty(inMemory);
        Assert.Equal(inMemory, onRocks);
    }

    /// <summary>Feeds the steps to one task (records, or a watermark of both upstream topics), half-way restarting it over its stores.</summary>
    private static void Run(StagePlan stage, IStateBackend backend, List<(string Topic, InputRecord? Record, long Watermark)> steps,
        List<string> output, RocksDbStateBackend? batches)
    {
        StageTask NewTask() => new(stage, 0, backend, TimeProvider.System, _ => 1);
        var task = NewTask();
        for (var i = 0; i < steps.Count; i++)
        {
            if (i == steps.Count / 2)
            {
                task = NewTask();
            }

            using var batch = batches?.BeginBatch();
            var (topic, record, watermark) = steps[i];
            if (record is { } r)
            {
                task.ProcessBatch(topic, [r]);
            }
            else
            {
                task.OnWatermarkControl(LeftTopic, 0, watermark, idle: false);
                task.OnWatermarkControl(RightTopic, 0, watermark, idle: false);
            }

            task.SaveWatermarks();
            batch?.Commit();
            output.AddRange(task.Outputs.Records.Select(o => $"{Serdes.String.Deserialize(o.Value)}@{o.Timestamp}"));
            task.Outputs.Clear();
        }
    }
}
