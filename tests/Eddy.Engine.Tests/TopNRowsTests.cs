using CsCheck;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class TopNRowsTests
{
    /// <summary>source "in" (group → points) → key by group → top <paramref name="n"/> points without rank → "top".</summary>
    private static JobTestDriver Points(int n, bool descending = false, JobTestDriverOptions? options = null) =>
        new(PointsPlan(n, descending), options);

    private static Plan.JobPlan PointsPlan(int n, bool descending = false)
    {
        var job = new JobBuilder("t");
        job.Source("in", Serdes.String, Serdes.Long)
            .KeyBy((group, _) => group, Serdes.String, name: "by-group")
            .TopNRows(n, points => points, descending, name: "top")
            .To("top");
        return job.Build();
    }

    /// <summary>
    /// table "scores" (player → "team:points", a tombstone deletes) → grouped by team → points → top
    /// <paramref name="n"/> without rank → "top": an input with retractions.
    /// </summary>
    private static JobTestDriver TeamScores(int n, bool descending = true, JobTestDriverOptions? options = null)
    {
        var job = new JobBuilder("t");
        job.Table("scores", Serdes.String, Serdes.String, name: "scores")
            .GroupBy((_, row) => row.Split(':')[0], Serdes.String, name: "by-team")
            .MapValues(row => long.Parse(row.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture), Serdes.Long)
            .TopNRows(n, points => points, descending, name: "top")
            .To("top");
        return new JobTestDriver(job.Build(), options);
    }

    private static List<string> Read(JobTestDriver driver) =>
        driver.Output<string, long>("top").ReadAll()
            .Select(r => $"{r.Key} {r.Value}{(r.Kind == RowKind.Insert ? "" : " " + r.Kind)}").ToList();

    [Fact]
    public void A_row_entering_the_top_n_is_inserted_and_the_row_it_pushes_out_deleted_while_rows_moving_down_emit_nothing()
    {
        using var driver = Points(3);
        var input = driver.Input<string, long>("in");

        input.Pipe("a", 5, 1);
        input.Pipe("a", 3, 2);
        input.Pipe("a", 4, 3);
        Assert.Equal(["a 5", "a 3", "a 4"], Read(driver));

        input.Pipe("a", 1, 4); // ranks first: 3 and 4 move down a rank, 5 is pushed out
        Assert.Equal(["a 5 Delete", "a 1"], Read(driver));

        input.Pipe("a", 6, 5); // does not make the top 3
        Assert.Empty(Read(driver));
    }

    [Fact]
    public void A_retraction_of_a_top_row_deletes_it_and_inserts_the_promoted_row_and_the_rows_moving_up_emit_nothing()
    {
        using var driver = TeamScores(2);
        var scores = driver.Input<string, string>("scores");
        scores.Pipe("p1", "red:9", 1);
        scores.Pipe("p2", "red:7", 2);
        scores.Pipe("p3", "red:5", 3);
        Assert.Equal(["red 9", "red 7"], Read(driver));

        scores.Pipe("p1", null!, 4); // 7 moves up to rank 1, 5 enters at rank 2

        Assert.Equal(["red 9 Delete", "red 5"], Read(driver));
    }

    [Fact]
    public void A_retraction_of_a_row_beyond_the_top_n_emits_nothing()
    {
        using var driver = TeamScores(1);
        var scores = driver.Input<string, string>("scores");
        scores.Pipe("p1", "red:9", 1);
        scores.Pipe("p2", "red:7", 2);
        Read(driver);

        scores.Pipe("p2", null!, 3);

        Assert.Empty(Read(driver));
    }

    [Fact]
    public void The_plan_shows_a_top_n_without_rank_and_append_only_on_an_insert_only_input()
    {
        var detail = PointsPlan(3).Operators.Single(o => o.Name == "top").Detail;

        Assert.Contains("without rank", detail, StringComparison.Ordinal);
        Assert.Contains("append-only", detail, StringComparison.Ordinal);
    }

    /// <summary>An upsert of a player's row ("team:points") or its deletion (null).</summary>
    private readonly record struct Upsert(string Player, string? Row);

    private static readonly string[] Teams = ["red", "blue", "green"];

    /// <summary>The brute-force answer: the final rows of the table, grouped by team, sorted and cut at n.</summary>
    private static List<(string Key, long Value)> TopTeams(IEnumerable<Upsert> upserts, int n, bool descending)
    {
        var rows = new Dictionary<string, string>();
        foreach (var (player, row) in upserts)
        {
            if (row is null)
            {
                rows.Remove(player);
            }
            else
            {
                rows[player] = row;
            }
        }

        return rows.Values.GroupBy(r => r.Split(':')[0]).SelectMany(team =>
        {
            var points = team.Select(r => long.Parse(r.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
            return (descending ? points.OrderDescending() : points.Order()).Take(n).Select(p => (team.Key, p));
        }).ToList();
    }

    [Fact]
    public void Any_sequence_of_upserts_on_any_partitioning_with_restarts_materializes_to_the_brute_force_top_n_rows()
    {
        var upsertGen = Gen.Select(Gen.Int[0, 7], Gen.Int[0, Teams.Length - 1], Gen.Int[0, 6], Gen.Int[0, 5],
            (player, team, points, deleteRoll) => new Upsert($"p{player}", deleteRoll == 0 ? null : $"{Teams[team]}:{points}"));
        Gen.Select(upsertGen.Array[1, 60], Gen.Int[1, 4], Gen.Int[1, 4], Gen.Bool, Gen.Int[0, 20])
            .Sample((upserts, n, partitions, descending, restartEvery) =>
            {
                using var driver = TeamScores(n, descending, new JobTestDriverOptions { Partitions = partitions });
                var scores = driver.Input<string, string>("scores");
                for (var i = 0; i < upserts.Length; i++)
                {
                    scores.Pipe(upserts[i].Player, upserts[i].Row!, i);
                    if (restartEvery > 0 && i % restartEvery == restartEvery - 1)
                    {
                        driver.RestartTasks();
                    }
                }

                var materialized = Changelogs.Materialize(driver.Output<string, long>("top").ReadAll());
                Assert.Equal(Changelogs.Sorted(TopTeams(upserts, n, descending)), Changelogs.Sorted(materialized));
            }, iter: 150);
    }

    [Fact]
    public void An_append_only_top_n_rows_over_random_duplicates_with_restarts_materializes_to_the_brute_force_top_n_rows()
    {
        Gen.Select(Gen.Select(Gen.Int[0, 4], Gen.Long[0, 9]).Array[1, 80], Gen.Int[1, 4], Gen.Int[1, 4], Gen.Bool, Gen.Int[0, 20])
            .Sample((records, n, partitions, descending, restartEvery) =>
            {
                using var driver = Points(n, descending, new JobTestDriverOptions { Partitions = partitions });
                var input = driver.Input<string, long>("in");
                for (var i = 0; i < records.Length; i++)
                {
                    input.Pipe($"g{records[i].Item1}", records[i].Item2, i);
                    if (restartEvery > 0 && i % restartEvery == restartEvery - 1)
                    {
                        driver.RestartTasks();
                    }
                }

                var expected = records.GroupBy(r => $"g{r.Item1}").SelectMany(g =>
                    (descending ? g.Select(r => r.Item2).OrderDescending() : g.Select(r => r.Item2).Order()).Take(n)
                    .Select(p => (g.Key, p)));
                var materialized = Changelogs.Materialize(driver.Output<string, long>("top").ReadAll());
                Assert.Equal(Changelogs.Sorted(expected), Changelogs.Sorted(materialized));
            }, iter: 150);
    }
}
