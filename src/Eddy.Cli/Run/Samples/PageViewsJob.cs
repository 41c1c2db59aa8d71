using Eddy.Engine;

namespace Eddy.Cli.Run.Samples;

/// <summary>
/// The main sample: page views per page per 10 s tumbling window of event time. Clicks may arrive up to 2 s out of
/// order; a partition silent for 5 s stops holding the watermark back; clicks later than that go to the window's late
/// side output topic <c>pageviews-per-10s-late</c> instead of being dropped.
/// </summary>
internal sealed class PageViewsJob : IJob
{
    public const string OutputTopic = "pageviews-per-page";

    public string Name => "pageviews";

    public string Description => $"page views per page per 10 s tumbling event-time window: {Click.Topic} -> {OutputTopic} (late clicks -> pageviews-per-10s-late)";

    public void Define(JobBuilder job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var clicks = Serdes.Json<Click>(Click.Json);
        job.Source(Click.Topic, Serdes.String, clicks,
                WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.FromSeconds(2), idleTimeout: TimeSpan.FromSeconds(5)),
                timestampOf: (_, click, _) => click.Timestamp, name: "clicks")
            .KeyBy((_, click) => click.Page, Serdes.String, name: "by-page")
            .Window(Eddy.Engine.Windows.Tumbling(TimeSpan.FromSeconds(10)), name: "per-10s")
            .Count()
            .Map((window, views) => (window.Key, new PageViews(window.Key, Iso(window.Start), Iso(window.End), views)),
                Serdes.String, Serdes.Json<PageViews>(Click.Json), name: "to-json")
            .To(OutputTopic, name: "pageviews-out");
    }

    private static DateTimeOffset Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

/// <summary>One window's result: how many times <paramref name="Page"/> was viewed in [WindowStart, WindowEnd).</summary>
internal sealed record PageViews(string Page, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, long Views);
