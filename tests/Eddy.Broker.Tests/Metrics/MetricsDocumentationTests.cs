using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Broker.Metrics;
using Eddy.Registry.Hosting;
using Eddy.Testing;

namespace Eddy.Broker.Tests.Metrics;

/// <summary>docs/metrics.md lists exactly what a running broker and registry expose, with the right types.</summary>
public sealed class MetricsDocumentationTests
{
    // The broker's and the registry's sections: the workers' metrics are another endpoint's (Eddy.Cli.Tests checks them).
    private static Dictionary<string, string> DocumentedMetrics() =>
        MetricsDocumentation.In(section => section is "Broker" or "Registry");

    [Fact]
    public async Task The_live_endpoint_exposes_every_documented_metric_with_its_type_and_nothing_undocumented()
    {
        await using var fixture = await RegistryFixture.StartAsync();
        using var endpoint = PrometheusEndpoint.Start("127.0.0.1", 0, fixture.Broker.Broker.Metrics.Meter, fixture.Registry.Metrics.Meter);
        await ExerciseAsync(fixture);

        var scrape = await Scrape.FromAsync(endpoint.Url);

        var documented = DocumentedMetrics();
        Assert.True(documented.Count >= 30, $"only {documented.Count} metrics found in docs/metrics.md");
        var missing = documented.Keys.Where(name => !scrape.Families.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "documented but not exposed: " + string.Join(", ", missing));
        var undocumented = scrape.Families.Keys.Where(name => !documented.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(undocumented.Count == 0, "exposed but not documented: " + string.Join(", ", undocumented));
        foreach (var (name, type) in documented)
        {
            Assert.True(type == scrape.Families[name], $"{name} is documented as a {type} and exposed as a {scrape.Families[name]}");
        }
    }

    /// <summary>Traffic that gives every metric something to say: records in and out, a commit, errors, schemas.</summary>
    private static async Task ExerciseAsync(RegistryFixture fixture)
    {
        var topic = $"documented-{Guid.NewGuid():N}";
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = fixture.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]);
            // An error for eddy_broker_request_errors_total: the topic does not exist.
            await Assert.ThrowsAsync<DeleteTopicsException>(() => admin.DeleteTopicsAsync([$"missing-{Guid.NewGuid():N}"]));
        }
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = fixture.BootstrapServers }).Build())
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "v" });
        }
        using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = fixture.BootstrapServers,
            GroupId = $"documented-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build())
        {
            consumer.Subscribe(topic);
            var record = consumer.Consume(TimeSpan.FromSeconds(30));
            Assert.NotNull(record);
            consumer.Commit(record);
            consumer.Close();
        }
        using var http = new HttpClient { BaseAddress = new Uri(fixture.RegistryUrl) };
        var registered = await http.PostAsync($"/subjects/{topic}-value/versions",
            new StringContent("""{"schema":"\"string\""}""", Encoding.UTF8, "application/vnd.schemaregistry.v1+json"));
        registered.EnsureSuccessStatusCode();
        var missing = await http.GetAsync("/subjects/no-such-subject/versions");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }
}
