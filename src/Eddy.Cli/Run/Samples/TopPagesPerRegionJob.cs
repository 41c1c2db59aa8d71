using Eddy.Engine;

namespace Eddy.Cli.Run.Samples;

/// <summary>
/// A relational sample: a table of users' regions, a stream–table join and a Top-N. Each click is enriched with its
/// user's current region (a left join: a user the table does not know yet counts in region "unknown"), the views
/// per region and page are counted into a table, and its changes feed a Top-N that keeps the three most viewed pages
/// of each region, as changelog rows (rank changes retract the old rank, kind in the <c>eddy.kind</c> header).
/// </summary>
internal sealed class TopPagesPerRegionJob : IJob
{
    public const string OutputTopic = "top-pages-per-region";

    /// <summary>The region given to clicks of a user without a row in the table.</summary>
    public const string UnknownRegion = "unknown";

    public string Name => "top-pages";

    public string Description =>
        $"table, stream-table join and Top-N: {Click.Topic} enriched with {UserRegion.Topic}, the 3 most viewed pages per region -> {OutputTopic}";

    public void Define(JobBuilder job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var regions = job.Table(UserRegion.Topic, Serdes.String, Serdes.String, name: "user-regions");   // user -> region
        job.Source(Click.Topic, Serdes.String, Serdes.Json<Click>(Click.Json), name: "clicks")
            .AsKeyed()                                                   // clicks are keyed by user, as the table is
            .Join(regions, (_, click, region) => new RegionPage(region ?? UnknownRegion, click.Page),
                Serdes.Json<RegionPage>(Click.Json), JoinType.Left, name: "with-region")
            .KeyBy((_, view) => view, Serdes.Json<RegionPage>(Click.Json), name: "by-region-page")
            .Count(name: "views")                                        // Table<RegionPage, long>
            .ToStream()                                                  // its changes: insert, then update-before/after pairs
            .Map((view, views) => (view.Region, new PageViewCount(view.Page, views)), Serdes.String,
                Serdes.Json<PageViewCount>(Click.Json), name: "to-page-count")
            .KeyBy((region, _) => region, Serdes.String, name: "by-region")
            .TopN(3, page => page.Views, descending: true, name: "top-3")
            .MapValues(ranked => new TopPage(ranked.Rank, ranked.Value.Page, ranked.Value.Views),
                Serdes.Json<TopPage>(Click.Json), name: "to-json")
            .To(OutputTopic, name: "top-pages-out");
    }
}

/// <summary>A user's region: the sample's table, on the <c>user-regions</c> topic keyed by user (the value is the region's name).</summary>
internal static class UserRegion
{
    public const string Topic = "user-regions";

    public static IReadOnlyList<string> Regions { get; } = ["europe", "americas", "asia", "africa"];

    /// <summary>The region the generator gives a user (users are named u1, u2, ...).</summary>
    public static string Of(int user) => Regions[user % Regions.Count];
}

/// <summary>A click on <paramref name="Page"/> by a user of <paramref name="Region"/>.</summary>
internal sealed record RegionPage(string Region, string Page);

/// <summary>How many times <paramref name="Page"/> was viewed (in the region that is its key).</summary>
internal sealed record PageViewCount(string Page, long Views);

/// <summary>The page at <paramref name="Rank"/> (1 to 3) of its region (the record's key).</summary>
internal sealed record TopPage(int Rank, string Page, long Views);
