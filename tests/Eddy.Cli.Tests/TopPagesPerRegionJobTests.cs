using Eddy.Cli.Run.Samples;
using Eddy.Engine;
using Eddy.Engine.Plan;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Cli.Tests;

/// <summary>The top-pages sample through the test kit: its materialized output is each region's three most viewed pages.</summary>
public class TopPagesPerRegionJobTests
{
    private static JobPlan Plan()
    {
        var job = new JobBuilder("top-pages");
        new TopPagesPerRegionJob().Define(job);
        return job.Build();
    }

    /// <summary>Applies the changelog rows, keyed by (region, rank): insert and update-after set a rank, update-before and delete clear it.</summary>
    private static SortedDictionary<(string Region, int Rank), (string Page, long Views)> Materialize(IEnumerable<TestRecord<string, TopPage>> rows)
    {
        var table = new SortedDictionary<(string Region, int Rank), (string Page, long Views)>();
        foreach (var row in rows)
        {
            var at = (row.Key, row.Value.Rank);
            if (row.Kind is RowKind.Insert or RowKind.UpdateAfter)
            {
                table[at] = (row.Value.Page, row.Value.Views);
            }
            else
            {
                Assert.True(table.Remove(at, out var old), $"{row.Kind} of {at} that is not in the result");
                Assert.Equal((row.Value.Page, row.Value.Views), old);
            }
        }
        return table;
    }

    /// <summary>The same answer computed from the clicks directly: count per region and page, three largest per region.</summary>
    private static SortedDictionary<(string Region, int Rank), (string Page, long Views)> Expected(IEnumerable<(string Region, string Page)> views)
    {
        var expected = new SortedDictionary<(string Region, int Rank), (string Page, long Views)>();
        foreach (var region in views.GroupBy(v => v.Region))
        {
            var rank = 0;
            foreach (var page in region.GroupBy(v => v.Page).Select(g => (Page: g.Key, Views: (long)g.Count())).OrderByDescending(p => p.Views).Take(3))
            {
                expected[(region.Key, ++rank)] = page;
            }
        }
        return expected;
    }

    [Fact]
    public void Each_region_ends_with_its_three_most_viewed_pages_counting_users_without_a_region_as_unknown()
    {
        using var driver = new JobTestDriver(Plan(), new JobTestDriverOptions { Partitions = 2 });
        var regions = driver.Input<string, string>(UserRegion.Topic);
        var clicks = driver.Input<string, Click>(Click.Topic);
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var user = 1; user <= 6; user++)
        {
            users[$"u{user}"] = UserRegion.Of(user);
            regions.Pipe($"u{user}", UserRegion.Of(user), timestamp: 0);
        }

        // Page i gets i * 3 + (region's index) clicks per region, so no two pages of a region tie (ties rank by arrival).
        var random = new Random(7);
        var pages = new[] { "/", "/products", "/search", "/cart", "/help" };
        var planned = new List<(string User, string Page)>();
        foreach (var user in users.Keys.Append("u99"))                       // u99 has no region row: "unknown"
        {
            for (var i = 0; i < pages.Length; i++)
            {
                var times = (i + 1) * 3 + int.Parse(user[1..], System.Globalization.CultureInfo.InvariantCulture) % 3;
                planned.AddRange(Enumerable.Repeat((user, pages[i]), times));
            }
        }
        var shuffled = planned.OrderBy(_ => random.Next()).ToList();
        var ts = 1_000L;
        foreach (var (user, page) in shuffled)
        {
            clicks.Pipe(user, new Click(user, page, ts), ts);
            ts += 10;
        }

        var actual = Materialize(driver.Output<string, TopPage>(TopPagesPerRegionJob.OutputTopic).ReadAll());
        var expected = Expected(shuffled.Select(c => (users.GetValueOrDefault(c.User, TopPagesPerRegionJob.UnknownRegion), c.Page)));
        Assert.Contains(expected.Keys, k => k.Region == TopPagesPerRegionJob.UnknownRegion);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_user_moving_to_another_region_counts_there_from_their_next_click_on()
    {
        using var driver = new JobTestDriver(Plan());
        var regions = driver.Input<string, string>(UserRegion.Topic);
        var clicks = driver.Input<string, Click>(Click.Topic);
        var output = driver.Output<string, TopPage>(TopPagesPerRegionJob.OutputTopic);
        regions.Pipe("u1", "europe", timestamp: 0);
        clicks.Pipe("u1", new Click("u1", "/cart", 1_000), 1_000);
        regions.Pipe("u1", "asia", timestamp: 2_000);
        clicks.Pipe("u1", new Click("u1", "/cart", 3_000), 3_000);
        clicks.Pipe("u1", new Click("u1", "/cart", 4_000), 4_000);

        var result = Materialize(output.ReadAll());

        // The click before the move stays in europe: a stream-table join looks the row up when the click is processed.
        Assert.Equal(("/cart", 1L), result[("europe", 1)]);
        Assert.Equal(("/cart", 2L), result[("asia", 1)]);
        Assert.Equal(2, result.Count);
    }
}
