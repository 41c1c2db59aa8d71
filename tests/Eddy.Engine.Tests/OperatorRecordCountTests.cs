using Eddy.Engine.Runtime;
using Eddy.Engine.State;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>The per-operator record counts the worker's metrics read (eddy_operator_records_in/out_total).</summary>
public class OperatorRecordCountTests
{
    private static InputRecord Record(string value, long timestamp) =>
        new(Serdes.String.Serialize(value), Serdes.String.Serialize(value), timestamp);

    [Fact]
    public void Each_operator_counts_what_it_was_handed_and_what_it_passed_on_in_its_chain()
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.String, name: "source")
            .Filter((_, v) => v.StartsWith('k'), name: "keep")
            .To("out", name: "sink");
        var plan = job.Build();
        using var state = new InMemoryStateBackend();
        var task = new StageTask(plan.Stages[0], 0, state, new ManualClock(DateTimeOffset.UnixEpoch), _ => 0);
        var values = Enumerable.Range(0, 25).Select(i => (i % 3 == 0 ? "k" : "x") + i).ToList();

        task.ProcessBatch("in", [.. values.Take(10).Select((v, i) => Record(v, i))]);
        task.ProcessBatch("in", [.. values.Skip(10).Select((v, i) => Record(v, 10 + i))]);

        var kept = values.Count(v => v.StartsWith('k'));
        Assert.Equal(
            [new OperatorRecordCounts("source", 25, 25), new OperatorRecordCounts("keep", 25, kept), new OperatorRecordCounts("sink", kept, 0)],
            task.OperatorCounts());
        Assert.Equal(kept, task.Outputs.Records.Count);
    }

    [Fact]
    public void A_record_the_source_cannot_read_is_not_counted_as_handed_to_it()
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.Long, Serdes.Long, name: "source").To("out", name: "sink");
        var plan = job.Build();
        using var state = new InMemoryStateBackend();
        var task = new StageTask(plan.Stages[0], 0, state, new ManualClock(DateTimeOffset.UnixEpoch), _ => 0);

        // A long is eight bytes: a three-byte value cannot be read and goes to the dead letters instead.
        task.ProcessBatch("in", [new InputRecord(Serdes.Long.Serialize(1), Serdes.Long.Serialize(1), 0), new InputRecord(Serdes.Long.Serialize(2), [1, 2, 3], 1)]);

        Assert.Equal([new OperatorRecordCounts("source", 1, 1), new OperatorRecordCounts("sink", 1, 0)], task.OperatorCounts());
        Assert.Single(task.Outputs.DeadLetters);
    }
}
