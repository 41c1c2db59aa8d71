using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>Small jobs shared by the tests: "words" (key: nothing much, value: the word) counted per word in windows.</summary>
internal static class Jobs
{
    public static readonly OutputTag<string, string> Late = new("late");

    /// <summary>source "in" (string/string) → key by value → window count → "out".</summary>
    public static JobTestDriver WindowCount(Windows windows, TimeSpan? bound = null, TimeSpan? lateness = null,
        TimeSpan? idle = null, JobTestDriverOptions? options = null)
    {
        var job = new JobBuilder("wc");
        var windowed = job.Source("in", Serdes.String, Serdes.String, WatermarkStrategy.BoundedOutOfOrderness(bound ?? TimeSpan.Zero, idle))
            .KeyBy((_, word) => word, Serdes.String, name: "by-word")
            .Window(windows, name: "count");
        if (lateness is { } l)
        {
            windowed = windowed.AllowedLateness(l);
        }

        windowed.SideOutputLate(Late).Count().To("out");
        return new JobTestDriver(job.Build(), options);
    }

    public static string Show(TestRecord<Windowed<string>, long> r) =>
        $"{r.Key.Key}[{r.Key.Start},{r.Key.End})={r.Value}@{r.Timestamp}{(r.Kind == RowKind.Insert ? "" : " " + r.Kind)}";

    public static List<string> Results(this JobTestDriver driver) =>
        driver.Output<Windowed<string>, long>("out").ReadAll().Select(Show).ToList();
}
