using System.Net;
using System.Net.Sockets;
using Confluent.SchemaRegistry;
using Eddy.Avro;

namespace Eddy.Engine.Avro.Tests;

/// <summary>A registry that is down or does not answer makes a serde fail, in bounded time, saying so.</summary>
public class RegistryFailureTests
{
    private static readonly byte[] Id7 = [0, 0, 0, 0, 7, 0];

    [Fact]
    public void A_registry_that_does_not_answer_fails_the_lookup_after_the_timeout()
    {
        // Accepts connections and never answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig
        {
            Url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}",
            RequestTimeoutMs = 60_000,
        });
        var serde = AvroSerdes.Generic(client, "t", registryTimeout: TimeSpan.FromMilliseconds(500));

        // Not the record's fault: a transient error (a worker retries the interval), never a dead letter.
        var error = Assert.Throws<SchemaRegistryUnavailableException>(() => serde.Deserialize(Id7));
        Assert.IsAssignableFrom<TransientSerdeException>(error);
        Assert.Equal("The schema registry did not answer within 0.5 s looking up schema id 7", error.Message);
    }

    [Fact]
    public void A_registry_that_cannot_be_reached_fails_the_lookup_naming_the_id()
    {
        int port;
        using (var closed = new TcpListener(IPAddress.Loopback, 0))
        {
            closed.Start();
            port = ((IPEndPoint)closed.LocalEndpoint).Port;
        }

        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = $"http://127.0.0.1:{port}", MaxRetries = 0 });
        var serde = AvroSerdes.Generic(client, "t", registryTimeout: TimeSpan.FromSeconds(20));
        var error = Assert.Throws<SchemaRegistryUnavailableException>(() => serde.Deserialize(Id7));
        Assert.StartsWith("The schema registry request failed looking up schema id 7: ", error.Message);
    }

    [Fact]
    public void Use_latest_and_auto_registration_together_are_refused_as_Confluent_refuses_them()
    {
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = "http://127.0.0.1:1" });
        Assert.Throws<ArgumentException>(() => AvroSerdes.Generic(client, "t", config: new Eddy.Avro.Serdes.AvroSerdeConfig { UseLatestVersion = true }));
    }

    [Fact]
    public void A_value_that_is_not_a_record_needs_a_schema_to_be_written()
    {
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = "http://127.0.0.1:1" });
        var error = Assert.Throws<AvroDataException>(() => AvroSerdes.Datum(client, "t").Serialize("text"));
        Assert.Equal("Cannot write a String to subject t-value: the serde has no schema, and only records carry their own", error.Message);
    }
}
