using CsCheck;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class CountDistinctTests
{
    private const string Job = "cd";

    /// <summary>source "in" (string key, string value) → key by the key → COUNT DISTINCT of the value → "out" as a changelog.</summary>
    private static JobTestDriver OfStream(int partitions = 1)
    {
        var job = new JobBuilder(Job);
        job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((key, _) => key, Serdes.String, name: "by-key")
            .CountDistinct(value => value, Serdes.String, name: "distinct")
            .ToChangelog("out");
        return new JobTestDriver(job.Build(), new JobTestDriverOptions { Partitions = partitions });
    }

    /// <summary>
    /// Table "rows" (id → "group/value") grouped by group, counting the distinct values of each group: moving a row to
    /// another group or value, or deleting it, retracts its old value.
    /// </summary>
    private static JobTestDriver OfTable(int partitions = 1)
    {
        var job = new JobBuilder(Job);
        job.Table("rows", Serdes.String, Serdes.String, name: "rows")
            .GroupBy((_, row) => row.Split('/')[0], Serdes.String, name: "by-group")
            .CountDistinct(row => row.Split('/')[1], Serdes.String, name: "distinct")
            .ToChangelog("out");
        return new JobTestDriver(job.Build(), new JobTestDriverOptions { Partitions = partitions });
    }

    private static List<(string Key, long Count, RowKind Kind)> Read(JobTestDriver driver) =>
        driver.Output<string, long>("out").ReadAll().Select(r => (r.Key, r.Value, r.Kind)).ToList();

    [Fact]
    public void A_new_distinct_value_updates_the_count_and_a_repeated_one_emits_nothing()
    {
        using var driver = OfStream();
        var input = driver.Input<string, string>("in");
        input.Pipe("a", "x", 1);
        input.Pipe("a", "y", 2);
        input.Pipe("a", "x", 3);
        input.Pipe("b", "x", 4);

        Assert.Equal(
        [
            ("a", 1L, RowKind.Insert),
            ("a", 1L, RowKind.UpdateBefore),
            ("a", 2L, RowKind.UpdateAfter),
            ("b", 1L, RowKind.Insert),
        ], Read(driver));
    }

    [Fact]
    public void A_null_value_is_not_counted_as_in_sql()
    {
        var job = new JobBuilder(Job);
        job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((key, _) => key, Serdes.String, name: "by-key")
            .CountDistinct(value => value.Length == 0 ? null! : value, Serdes.String, name: "distinct") // a null from a nullable column, say
            .ToChangelog("out");
        using var driver = new JobTestDriver(job.Build());
        var input = driver.Input<string, string>("in");
        input.Pipe("a", "", 1);
        input.Pipe("a", "x", 2);
        input.Pipe("a", "", 3);

        Assert.Equal([("a", 1L, RowKind.Insert)], Read(driver));
    }

    [Fact]
    public void A_value_leaves_the_count_when_its_last_occurrence_is_retracted_and_a_key_left_with_none_is_deleted()
    {
        using var driver = OfTable();
        var rows = driver.Input<string, string>("rows");
        rows.Pipe("1", "g/x", 1);
        rows.Pipe("2", "g/x", 2); // x twice: still one distinct value
        rows.Pipe("3", "g/y", 3);
        Assert.Equal([("g", 1L, RowKind.Insert), ("g", 1L, RowKind.UpdateBefore), ("g", 2L, RowKind.UpdateAfter)], Read(driver));

        rows.Pipe("1", "g/y", 4); // one x left
        Assert.Empty(Read(driver));

        rows.Pipe("2", null!, 5); // the last x goes
        Assert.Equal([("g", 2L, RowKind.UpdateBefore), ("g", 1L, RowKind.UpdateAfter)], Read(driver));

        rows.Pipe("1", null!, 6);
        rows.Pipe("3", "h/y", 7); // g's last y moves to h
        Assert.Equal([("g", 1L, RowKind.Delete), ("h", 1L, RowKind.Insert)], Read(driver));
    }

    [Fact]
    public void Each_distinct_value_has_a_state_entry_of_its_own_which_goes_with_its_last_occurrence()
    {
        using var driver = OfTable();
        var rows = driver.Input<string, string>("rows");
        for (var i = 0; i < 100; i++)
        {
            rows.Pipe($"{i}", $"g/v{i % 40}", i);
        }

        var values = driver.Store($"{Job}-distinct-values");
        Assert.Equal(40, values.Range([], null).Count());
        Assert.Equal(40L, Serdes.Long.Deserialize(driver.Store($"{Job}-distinct-counts").Get(Serdes.String.Serialize("g"))));

        for (var i = 0; i < 100; i++)
        {
            rows.Pipe($"{i}", null!, 100 + i);
        }

        Assert.Empty(values.Range([], null));
        Assert.Empty(driver.Store($"{Job}-distinct-counts").Range([], null));
    }

    [Fact]
    public void Random_upserts_and_deletes_leave_each_groups_count_of_distinct_values()
    {
        var random = new Random(13);
        var ops = Enumerable.Range(0, 1_500).Select(_ => (Id: random.Next(60), Group: random.Next(6), Value: random.Next(12), Delete: random.Next(5) == 0)).ToList();
        Assert.Equal(Oracle(ops), Run(ops, partitions: 3, restartAt: null));
    }

    [Fact]
    public void Restarting_every_task_in_the_middle_of_a_run_changes_no_count()
    {
        var random = new Random(17);
        var ops = Enumerable.Range(0, 1_000).Select(_ => (Id: random.Next(40), Group: random.Next(4), Value: random.Next(10), Delete: random.Next(4) == 0)).ToList();
        Assert.Equal(Oracle(ops), Run(ops, partitions: 3, restartAt: [300, 301, 700]));
    }

    [Fact]
    public void Any_sequence_of_upserts_and_deletes_leaves_the_counts_a_recount_gives()
    {
        var gen = Gen.Select(Gen.Int[0, 8], Gen.Int[0, 3], Gen.Int[0, 4], Gen.Int[0, 3]).List[1, 80];
        gen.Sample(steps =>
        {
            var ops = steps.Select(s => (Id: s.Item1, Group: s.Item2, Value: s.Item3, Delete: s.Item4 == 0)).ToList();
            Assert.Equal(Oracle(ops), Run(ops, partitions: 2, restartAt: null));
        }, iter: 150, threads: 1);
    }

    /// <summary>Applies the operations to the table, then materializes the output changelog (retracting only rows it emitted).</summary>
    private static List<(string Key, long Value)> Run(List<(int Id, int Group, int Value, bool Delete)> ops, int partitions, int[]? restartAt)
    {
        using var driver = OfTable(partitions);
        var rows = driver.Input<string, string>("rows");
        for (var i = 0; i < ops.Count; i++)
        {
            if (restartAt is not null && restartAt.Contains(i))
            {
                driver.RestartTasks();
            }

            var (id, group, value, delete) = ops[i];
            rows.Pipe($"id{id}", delete ? null! : $"g{group}/v{value}", i);
        }

        return Changelogs.Sorted(Changelogs.Materialize(driver.Output<string, long>("out").ReadAll()));
    }

    /// <summary>The table's final rows, and per group the number of different values among them.</summary>
    private static List<(string Key, long Value)> Oracle(List<(int Id, int Group, int Value, bool Delete)> ops)
    {
        var table = new Dictionary<int, (int Group, int Value)>();
        foreach (var (id, group, value, delete) in ops)
        {
            if (delete)
            {
                table.Remove(id);
            }
            else
            {
                table[id] = (group, value);
            }
        }

        return Changelogs.Sorted(table.Values.GroupBy(r => r.Group)
            .Select(g => ($"g{g.Key}", (long)g.Select(r => r.Value).Distinct().Count())));
    }
}
