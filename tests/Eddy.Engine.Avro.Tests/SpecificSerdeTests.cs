using Confluent.Kafka;
using Confluent.SchemaRegistry.Serdes;
using ConfluentRecord = Avro.Generic.GenericRecord;
using Eddy.Avro;
using Eddy.Engine.Testing;
using Eddy.Testing;

namespace Eddy.Engine.Avro.Tests;

public sealed record Click(string User, string Page, string? Referrer = null);

public enum Status
{
    NEW,
    PAID,
}

public sealed record Line(string Sku, int Qty);

public sealed class Order
{
    public long OrderId { get; set; }

    public Status Status { get; init; }

    public List<Line> Lines { get; set; } = [];

    public IReadOnlyDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();

    public double? Discount { get; set; }
}

/// <summary>Avro records as C# records and classes (<see cref="AvroSerdes.Specific{T}"/>).</summary>
public class SpecificSerdeTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private const string OrderSchema = """
        {"type":"record","name":"Order","namespace":"demo","fields":[
          {"name":"order_id","type":"long"},
          {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}},
          {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}},
          {"name":"tags","type":{"type":"map","values":"string"}},
          {"name":"discount","type":["null","double"],"default":null},
          {"name":"note","type":"string","default":"none"}]}
        """;

    private static readonly RecordSchema ClickV1 = Schemas.Record(Schemas.ClickV1);
    private static readonly RecordSchema ClickV2 = Schemas.Record(Schemas.ClickV2);

    [Fact]
    public void A_class_with_nested_records_lists_maps_enums_and_nullables_round_trips_and_unmapped_fields_take_defaults()
    {
        var topic = RegistryFixture.Topic("orders");
        using var client = fixture.Client();
        var schema = Schemas.Record(OrderSchema);
        var serde = AvroSerdes.Specific<Order>(client, topic, schema);
        var order = new Order
        {
            OrderId = 42,
            Status = Status.PAID,
            Lines = [new Line("a-1", 2), new Line("b-7", 1)],
            Tags = new Dictionary<string, string> { ["channel"] = "web" },
            Discount = 0.1,
        };

        var bytes = serde.Serialize(order);
        var read = serde.Deserialize(bytes);
        Assert.Equal((42L, Status.PAID, 0.1), (read.OrderId, read.Status, read.Discount));
        Assert.Equal([new Line("a-1", 2), new Line("b-7", 1)], read.Lines);
        Assert.Equal("web", read.Tags["channel"]);
        Assert.Null(serde.Deserialize(serde.Serialize(new Order { Lines = [] })).Discount);

        var generic = AvroSerdes.Generic(client, topic).Deserialize(bytes);
        Assert.Equal("none", generic["note"]); // no property: the field's default
        Assert.Equal("PAID", ((GenericEnum)generic["status"]!).Symbol);
    }

    [Fact]
    public async Task Records_written_by_Confluent_with_an_older_schema_read_into_a_CSharp_record_of_the_newer()
    {
        var topic = RegistryFixture.Topic("clicks");
        using var client = fixture.Client();
        var written = new ConfluentRecord((global::Avro.RecordSchema)global::Avro.Schema.Parse(Schemas.ClickV1));
        written.Add("user", "ann");
        written.Add("page", "/home");
        var old = await new AvroSerializer<ConfluentRecord>(client).SerializeAsync(written, new SerializationContext(MessageComponentType.Value, topic));

        var serde = AvroSerdes.Specific<Click>(client, topic, ClickV2);
        Assert.Equal(new Click("ann", "/home"), serde.Deserialize(old));
        var current = serde.Serialize(new Click("bob", "/cart", "https://example.com"));
        var read = await new AvroDeserializer<ConfluentRecord>(client).DeserializeAsync(current, false, new SerializationContext(MessageComponentType.Value, topic));
        Assert.Equal("https://example.com", read["referrer"]);
    }

    [Fact]
    public void A_type_that_does_not_fit_the_schema_is_refused_when_the_serde_is_made_listing_every_mismatch()
    {
        using var client = fixture.Client();
        var error = Assert.Throws<ArgumentException>(() => AvroSerdes.Specific<Line>(client, "t", ClickV1));
        Assert.StartsWith("Line does not fit Avro record demo.Click: ", error.Message);
        Assert.Contains("/user: Line has no property for it, and it has no default", error.Message);
        Assert.Contains("/: constructor parameter Sku of Line matches no field", error.Message);
        var nullable = Assert.Throws<ArgumentException>(() => AvroSerdes.Specific<WrongReferrer>(client, "t", ClickV2));
        Assert.Contains("/referrer: \"string\" does not map to Int32", nullable.Message);
        Assert.Contains("/referrer: [\"null\",\"string\"] may be null, Int32 cannot (make it Int32?)", nullable.Message);
    }

    [Fact]
    public void A_job_reads_CSharp_records_from_an_avro_topic()
    {
        var clicks = RegistryFixture.Topic("clicks");
        using var client = fixture.Client();
        var job = new JobBuilder("specific");
        job.Source(clicks, Serdes.String, AvroSerdes.Specific<Click>(client, clicks, ClickV2))
            .KeyBy((_, click) => click.User, Serdes.String, name: "by-user")
            .Window(Windows.Tumbling(TimeSpan.FromMilliseconds(10)))
            .Count()
            .Map((w, n) => (w.Key, $"{w.Key}[{w.Start},{w.End})={n}"), Serdes.String, Serdes.String)
            .To("counts");
        using var driver = new JobTestDriver(job.Build());
        var v1 = AvroSerdes.Generic(client, clicks, ClickV1);
        var raw = driver.Input(clicks, Serdes.String, Serdes.Bytes);
        raw.Pipe("a", v1.Serialize(new GenericRecord(ClickV1, "ann", "/home")), 1);
        raw.Pipe("a", v1.Serialize(new GenericRecord(ClickV1, "ann", "/cart")), 2);
        driver.AdvanceWatermark(clicks, 100);
        Assert.Equal(["ann[0,10)=2"], driver.Output<string, string>("counts").ReadValues());
    }

    public sealed record WrongReferrer(string User, string Page, int Referrer);
}
