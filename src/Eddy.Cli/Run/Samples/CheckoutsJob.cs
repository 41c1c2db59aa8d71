using Eddy.Engine;

namespace Eddy.Cli.Run.Samples;

/// <summary>A stateless sample: the clicks on the checkout page, reshaped into checkout events (a filter and a map).</summary>
internal sealed class CheckoutsJob : IJob
{
    public const string OutputTopic = "checkouts";

    public string Name => "checkouts";

    public string Description => $"stateless filter and map: clicks on /checkout -> {OutputTopic}";

    public void Define(JobBuilder job)
    {
        ArgumentNullException.ThrowIfNull(job);
        job.Source(Click.Topic, Serdes.String, Serdes.Json<Click>(Click.Json), name: "clicks")
            .Filter((_, click) => click.Page == "/checkout", name: "only-checkout")
            .MapValues(click => new Checkout(click.User, DateTimeOffset.FromUnixTimeMilliseconds(click.Timestamp)),
                Serdes.Json<Checkout>(Click.Json), name: "to-checkout")
            .To(OutputTopic, name: "checkouts-out");
    }
}

/// <summary>A user reached the checkout page.</summary>
internal sealed record Checkout(string User, DateTimeOffset At);
