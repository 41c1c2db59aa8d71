using Eddy.Engine;

namespace Eddy.Cli.TestJobs;

/// <summary>The README's example job, kept here so that it always compiles.</summary>
public sealed class OrderTotals : IJob
{
    public string Name => "order-totals";            // the consumer group and the prefix of the job's internal topics
    public string Description => "revenue per customer per minute";

    public void Define(JobBuilder job) =>
        job.Source("orders", Serdes.String, Serdes.Json<Order>(),
                WatermarkStrategy.BoundedOutOfOrderness(TimeSpan.FromSeconds(5), idleTimeout: TimeSpan.FromSeconds(30)),
                timestampOf: (_, order, _) => order.Time.ToUnixTimeMilliseconds())
            .KeyBy((_, order) => order.Customer, Serdes.String)
            .Window(Windows.Tumbling(TimeSpan.FromMinutes(1)))
            .Aggregate(() => 0m, (_, order, total) => total + order.Amount, Serdes.Json<decimal>())
            .To("order-totals");
}

public sealed record Order(string Customer, decimal Amount, DateTimeOffset Time);
