using CsCheck;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>
/// Random upserts and deletes into a table grouped by a column, aggregated per group (count, sum, average, min, max,
/// and all five combined into one row):
/// the materialized outputs must equal the aggregates computed straight from the table's final contents.
/// </summary>
public class AggregateReferenceTests
{
    internal sealed record Player(string Team, long Score);

    /// <summary>All five aggregates in one row, through nested <see cref="Aggregates.Combine"/>.</summary>
    internal sealed record Stats(long Count, long Sum, long Min, long Max, double Average);

    /// <summary>One change to the "players" table: a player's new team and score, or a delete (no team).</summary>
    internal readonly record struct Change(int Player, int? Team, long Score);

    private static readonly string[] Outputs = ["count", "sum", "average", "min", "max", "stats"];

    private static JobTestDriver Start(int partitions)
    {
        var job = new JobBuilder("agg");
        var byTeam = job.Table("players", Serdes.String, Serdes.Json<Player>(), name: "players")
            .GroupBy((_, p) => p.Team, Serdes.String, name: "by-team");
        byTeam.Count(name: "count").ToChangelog("count");
        byTeam.Aggregate(Aggregates.Sum<Player>(p => p.Score), Serdes.Long, name: "sum").ToChangelog("sum");
        byTeam.Aggregate(Aggregates.Average<Player>(p => p.Score), Serdes.Double, name: "average").ToChangelog("average");
        byTeam.Aggregate(Aggregates.Min<Player, long>(p => p.Score, Serdes.Long), Serdes.Long, name: "min").ToChangelog("min");
        byTeam.Aggregate(Aggregates.Max<Player, long>(p => p.Score, Serdes.Long), Serdes.Long, name: "max").ToChangelog("max");
        var countAndSum = Aggregates.Combine(Aggregates.Count<Player>(), Aggregates.Sum<Player>(p => p.Score), (n, s) => (n, s));
        var minAndMax = Aggregates.Combine(Aggregates.Min<Player, long>(p => p.Score, Serdes.Long),
            Aggregates.Max<Player, long>(p => p.Score, Serdes.Long), (min, max) => (min, max));
        var stats = Aggregates.Combine(Aggregates.Combine(countAndSum, minAndMax, (ns, mm) => (ns, mm)), Aggregates.Average<Player>(p => p.Score),
            (all, average) => new Stats(all.ns.n, all.ns.s, all.mm.min, all.mm.max, average));
        byTeam.Aggregate(stats, Serdes.Json<Stats>(), name: "stats").ToChangelog("stats");
        return new JobTestDriver(job.Build(), new JobTestDriverOptions { Partitions = partitions });
    }

    /// <summary>Pipes the changes (restarting every task before change <paramref name="restartAt"/>), then compares every output with the oracle.</summary>
    private static void Run(List<Change> changes, int partitions, int? restartAt = null)
    {
        using var driver = Start(partitions);
        var players = driver.Input<string, Player>("players");
        var table = new Dictionary<string, Player>(StringComparer.Ordinal);
        for (var i = 0; i < changes.Count; i++)
        {
            if (i == restartAt)
            {
                driver.RestartTasks();
            }

            var (player, team, score) = changes[i];
            var key = $"p{player}";
            if (team is { } t)
            {
                var row = new Player($"t{t}", score);
                table[key] = row;
                players.Pipe(key, row, i);
            }
            else
            {
                table.Remove(key);
                players.Pipe(key, null!, i);
            }
        }

        var groups = table.Values.GroupBy(p => p.Team).ToList();
        var expected = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal)
        {
            ["count"] = groups.Select(g => (g.Key, Show(g.LongCount()))).ToList(),
            ["sum"] = groups.Select(g => (g.Key, Show(g.Sum(p => p.Score)))).ToList(),
            ["average"] = groups.Select(g => (g.Key, Show((double)g.Sum(p => p.Score) / g.Count()))).ToList(),
            ["min"] = groups.Select(g => (g.Key, Show(g.Min(p => p.Score)))).ToList(),
            ["max"] = groups.Select(g => (g.Key, Show(g.Max(p => p.Score)))).ToList(),
            ["stats"] = groups.Select(g => (g.Key, Show(new Stats(g.LongCount(), g.Sum(p => p.Score), g.Min(p => p.Score), g.Max(p => p.Score),
                (double)g.Sum(p => p.Score) / g.Count())))).ToList(),
        };
        foreach (var output in Outputs)
        {
            var rows = output switch
            {
                "average" => Changelogs.Materialize(driver.Output<string, double>(output).ReadAll()).Select(r => (r.Key, Show(r.Value))),
                "stats" => Changelogs.Materialize(driver.Output<string, Stats>(output).ReadAll()).Select(r => (r.Key, Show(r.Value))),
                _ => Changelogs.Materialize(driver.Output<string, long>(output).ReadAll()).Select(r => (r.Key, Show(r.Value))),
            };
            Assert.True(Changelogs.Sorted(expected[output]).SequenceEqual(Changelogs.Sorted(rows)),
                $"{output}: expected {string.Join(", ", Changelogs.Sorted(expected[output]))}, got {string.Join(", ", Changelogs.Sorted(rows))}");
        }
    }

    // Exact text (round-trip format), so that doubles compare exactly and failures read well.
    private static string Show(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Show(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static string Show(Stats stats) =>
        $"{Show(stats.Count)} {Show(stats.Sum)} {Show(stats.Min)} {Show(stats.Max)} {Show(stats.Average)}";

    private static List<Change> RandomChanges(Random random, int count, int players, int teams)
    {
        var changes = new List<Change>(count);
        for (var i = 0; i < count; i++)
        {
            // About one change in five deletes; small score and team ranges make repeated (identical) upserts and
            // ties for the minimum and maximum common.
            var team = random.Next(5) == 0 ? (int?)null : random.Next(teams);
            changes.Add(new Change(random.Next(players), team, random.Next(-20, 21)));
        }

        return changes;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    public void Grouped_aggregates_of_random_upserts_and_deletes_match_the_aggregates_of_the_final_table(int seed, int partitions) =>
        Run(RandomChanges(new Random(seed), 2_000, players: 30, teams: 5), partitions);

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Grouped_aggregates_restarted_from_their_stores_mid_run_still_match_the_final_table(int seed)
    {
        var random = new Random(seed);
        Run(RandomChanges(random, 1_000, players: 20, teams: 4), partitions: 3, restartAt: random.Next(200, 800));
    }

    [Fact]
    public void Grouped_aggregates_match_the_final_table_for_any_changes_partitions_and_restart_point()
    {
        var change = Gen.Select(Gen.Int[0, 7], Gen.Int[-1, 3], Gen.Long[-5, 5],
            (player, team, score) => new Change(player, team < 0 ? null : team, score));
        Gen.Select(change.List[0, 60], Gen.Int[1, 4], Gen.Int[0, 60])
            .Sample((changes, partitions, restartAt) => Run(changes, partitions, restartAt), iter: 150, threads: 1);
    }
}
