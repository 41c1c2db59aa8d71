namespace Eddy.Cli.Run.Samples;

/// <summary>The jobs <c>eddy run</c> hosts when no assembly or project is given; all of them read the generated clicks.</summary>
internal static class SampleJobs
{
    /// <summary>The job <c>eddy run</c> runs without a job name.</summary>
    public const string Main = "pageviews";

    public static IReadOnlyList<HostedJob> All { get; } =
    [
        new(new PageViewsJob(), "built-in", () => new ClickGenerator()),
        new(new CheckoutsJob(), "built-in", () => new ClickGenerator()),
        new(new ClicksPerUserJob(), "built-in", () => new ClickGenerator()),
    ];
}
