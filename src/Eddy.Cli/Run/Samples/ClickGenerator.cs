using System.Diagnostics;
using Confluent.Kafka;
using Eddy.Engine;

namespace Eddy.Cli.Run.Samples;

/// <summary>
/// Feeds the <c>clicks</c> topic at a steady rate for the sample jobs: a few hundred users over a handful of pages
/// (some much more popular than others), stamped with the current time minus up to 1.5 s, so records arrive a little
/// out of order within the jobs' 2 s bound; about one in 200 is 15 to 30 s old, so the window's late side output has
/// something to show. With <c>withUserRegions</c> it first writes every user's region to the <c>user-regions</c> table
/// (for the top-pages sample), then the clicks.
/// </summary>
internal sealed class ClickGenerator(bool withUserRegions = false) : IDataGenerator
{
    private const int Users = 500;

    private static readonly string[] Pages = ["/", "/products", "/products/42", "/search", "/cart", "/checkout", "/account", "/help"];

    // Cumulative popularity of Pages: the home page and the catalogue take most views.
    private static readonly double[] PageWeights = [0.30, 0.55, 0.70, 0.82, 0.90, 0.95, 0.98, 1.0];

    private readonly ISerde<Click> _serde = Serdes.Json<Click>(Click.Json);
    private readonly Random _random = new(42);
    private long _produced;
    private long _failed;
    private string? _lastError;

    public string Topic => Click.Topic;

    public long Produced => Interlocked.Read(ref _produced);

    public long Failed => Interlocked.Read(ref _failed);

    public string? LastError => Volatile.Read(ref _lastError);

    public async Task RunAsync(IReadOnlyDictionary<string, string> clientConfig, double recordsPerSecond, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig(clientConfig.ToDictionary())
        {
            LingerMs = 5,
            EnableIdempotence = true,
        }).Build();
        if (withUserRegions)
        {
            ProduceUserRegions(producer);
        }
        var clock = Stopwatch.StartNew();
        long sent = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Catch up to the rate every tick instead of sleeping per record: steady on average, cheap at any rate.
                var due = (long)(clock.Elapsed.TotalSeconds * recordsPerSecond);
                for (; sent < due && !cancellationToken.IsCancellationRequested; sent++)
                {
                    var click = Next();
                    try
                    {
                        producer.Produce(Topic, new Message<string, byte[]>
                        {
                            Key = click.User,
                            Value = _serde.Serialize(click),
                            Timestamp = new Timestamp(click.Timestamp, TimestampType.CreateTime),
                        }, OnDelivery);
                    }
                    catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        // Asked for more than the cluster takes: wait for deliveries and produce what is due then.
                        producer.Poll(TimeSpan.FromMilliseconds(100));
                        break;
                    }
                }
                await Task.Delay(20, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal end; what was produced is flushed below.
        }
        producer.Flush(TimeSpan.FromSeconds(5));
    }

    private Click Next()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var late = _random.Next(200) == 0;
        var timestamp = late ? now - _random.Next(15_000, 30_000) : now - _random.Next(0, 1_500);
        var user = $"u{_random.Next(1, Users + 1)}";
        var pick = _random.NextDouble();
        var page = Pages[Array.FindIndex(PageWeights, w => pick <= w)];
        return new Click(user, page, timestamp);
    }

    /// <summary>One row per user, before any click, so that most clicks find their user's region (the join does not wait for it).</summary>
    private void ProduceUserRegions(IProducer<string, byte[]> producer)
    {
        for (var user = 1; user <= Users; user++)
        {
            producer.Produce(UserRegion.Topic, new Message<string, byte[]>
            {
                Key = $"u{user}",
                Value = Serdes.String.Serialize(UserRegion.Of(user)),
            }, OnDelivery);
        }
        producer.Flush(TimeSpan.FromSeconds(5));
    }

    private void OnDelivery(DeliveryReport<string, byte[]> report)
    {
        if (report.Error.IsError)
        {
            Interlocked.Increment(ref _failed);
            Volatile.Write(ref _lastError, report.Error.Reason);
        }
        else
        {
            Interlocked.Increment(ref _produced);
        }
    }
}
