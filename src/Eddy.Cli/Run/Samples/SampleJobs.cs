namespace Eddy.Cli.Run.Samples;

/// <summary>The jobs <c>eddy run</c> hosts when no assembly or project is given; all of them read the generated clicks.</summary>
internal static class SampleJobs
{
    /// <summary>The job <c>eddy run</c> runs without a job name.</summary>
    public const string Main = "pageviews";

    public static IReadOnlyList<HostedJob> All { get; } =
    [
        new(new PageViewsJob(), HostedJob.BuiltIn, () => new ClickGenerator()),
        new(new CheckoutsJob(), HostedJob.BuiltIn, () => new ClickGenerator()),
        new(new ClicksPerUserJob(), HostedJob.BuiltIn, () => new ClickGenerator()),
        new(new TopPagesPerRegionJob(), HostedJob.BuiltIn, () => new ClickGenerator(withUserRegions: true)),
    ];
}
