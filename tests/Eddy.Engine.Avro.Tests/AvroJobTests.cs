using System.Text;
using Confluent.SchemaRegistry;
using Eddy.Avro;
using Eddy.Engine.Plan;
using Eddy.Engine.Testing;
using Eddy.Testing;

namespace Eddy.Engine.Avro.Tests;

/// <summary>Jobs reading and writing Avro topics through Eddy's registry, run by the test kit.</summary>
public class AvroJobTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private static readonly RecordSchema ClickV1 = Schemas.Record(Schemas.ClickV1);
    private static readonly RecordSchema ClickV2 = Schemas.Record(Schemas.ClickV2);
    private static readonly RecordSchema UserCount = Schemas.Record(Schemas.UserCount);

    /// <summary>clicks (string, Click) → key by user → 10 ms tumbling count → counts (string, UserCount), Avro both ends.</summary>
    private static JobPlan ClickCounts(ISchemaRegistryClient registry, string clicks, string counts)
    {
        var job = new JobBuilder("click-counts");
        job.Source(clicks, Serdes.String, AvroSerdes.Generic(registry, clicks))
            .KeyBy((_, click) => (string)click["user"]!, Serdes.String, name: "by-user")
            .Window(Windows.Tumbling(TimeSpan.FromMilliseconds(10)))
            .Count()
            .Map((window, count) => (window.Key, new GenericRecord(UserCount, window.Key, window.Start, window.End, count)),
                Serdes.String, AvroSerdes.Generic(registry, counts, UserCount))
            .To(counts);
        return job.Build();
    }

    private static List<string> Show(IEnumerable<TestRecord<string, GenericRecord>> records) =>
        records.Select(r => $"{r.Key}:{r.Value["user"]}[{r.Value["start"]},{r.Value["end"]})={r.Value["count"]}").Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task An_avro_source_keyed_and_counted_in_windows_writes_avro_results_registered_under_the_sink_topic()
    {
        var (clicks, counts) = (RegistryFixture.Topic("clicks"), RegistryFixture.Topic("counts"));
        using var client = fixture.Client();
        var (registry, counter) = CountingRegistryClient.Wrap(client);
        using var driver = new JobTestDriver(ClickCounts(registry, clicks, counts), new JobTestDriverOptions { Partitions = 2 });
        // Another producer's serde: the job knows nothing of it but the ids in the messages.
        var input = driver.Input(clicks, Serdes.String, AvroSerdes.Generic(client, clicks, ClickV1));

        input.PipeBatch([
            ("a", new GenericRecord(ClickV1, "ann", "/home"), 1),
            ("b", new GenericRecord(ClickV1, "bob", "/home"), 3),
            ("a", new GenericRecord(ClickV1, "ann", "/cart"), 5),
            ("a", new GenericRecord(ClickV1, "ann", "/pay"), 12),
        ]);
        driver.AdvanceWatermark(clicks, 100);

        var output = driver.Output<string, GenericRecord>(counts);
        Assert.Equal(["ann:ann[0,10)=2", "ann:ann[10,20)=1", "bob:bob[0,10)=1"], Show(output.ReadAll()));
        var registered = await client.GetLatestSchemaAsync(counts + "-value");
        Assert.Equal(UserCount.ToCanonicalString(), registered.SchemaString);

        // Warmed up: more records of the same schemas cost no registry call.
        var calls = counter.Calls;
        input.PipeBatch(Enumerable.Range(0, 50).Select(i => ("c", new GenericRecord(ClickV1, $"u{i % 5}", "/p"), 100L + i)));
        driver.AdvanceWatermark(clicks, 1000);
        Assert.Equal(25, output.ReadAll().Count); // 5 users x 5 windows of 10 ms
        Assert.Equal(calls, counter.Calls);
    }

    [Fact]
    public void Records_that_are_not_readable_avro_go_to_the_dead_letters_with_a_precise_error_and_the_job_goes_on()
    {
        var (clicks, counts) = (RegistryFixture.Topic("clicks"), RegistryFixture.Topic("counts"));
        using var client = fixture.Client();
        var (registry, counter) = CountingRegistryClient.Wrap(client);
        using var driver = new JobTestDriver(ClickCounts(registry, clicks, counts));
        var good = AvroSerdes.Generic(client, clicks, ClickV1);
        var raw = driver.Input(clicks, Serdes.String, Serdes.Bytes);
        var valid = good.Serialize(new GenericRecord(ClickV1, "ann", "/home"));

        raw.Pipe("a", valid, 1);
        raw.Pipe("a", """{"user":"ann","page":"/home"}"""u8.ToArray(), 2); // JSON, not Avro
        raw.Pipe("a", [0, 0, 0, 0x30, 0x39, 6, 0x61, 0x6E, 0x6E], 3); // schema id 12345
        var callsAfterFirstUnknown = counter.Calls;
        raw.Pipe("a", [0, 0, 0, 0x30, 0x39, 2, 0x61], 4); // the same unknown id again: remembered, not asked
        Assert.Equal(callsAfterFirstUnknown, counter.Calls);
        raw.Pipe("a", [0, 0], 5); // too short for the header
        raw.Pipe("a", valid[..7], 6); // a known id, but the payload is cut short
        raw.Pipe("a", valid, 7);
        driver.AdvanceWatermark(clicks, 100);

        Assert.Equal(["ann:ann[0,10)=2"], Show(driver.Output<string, GenericRecord>(counts).ReadAll()));
        var errors = driver.DeadLetters.Select(d => (d.Timestamp, d.Error)).ToList();
        Assert.Equal(5, errors.Count);
        Assert.Equal((2L, "AvroDataException: Not in Confluent wire format: the first byte is 0x7B, not the magic byte 0x00"), errors[0]);
        Assert.Equal((3L, "SchemaRegistryLookupException: Schema id 12345 not found in the schema registry"), errors[1]);
        Assert.Equal((4L, "SchemaRegistryLookupException: Schema id 12345 not found in the schema registry"), errors[2]);
        Assert.Equal(5L, errors[3].Timestamp);
        Assert.StartsWith("AvroDataException: Not in Confluent wire format: 2 byte(s)", errors[3].Error);
        Assert.Equal(6L, errors[4].Timestamp);
        Assert.StartsWith("AvroDataException: ", errors[4].Error);
        Assert.Equal("""{"user":"ann","page":"/home"}""", Encoding.UTF8.GetString(driver.DeadLetters[0].Value!));
    }

    [Fact]
    public void Records_written_with_an_older_schema_version_are_read_into_the_newer_reader_schema()
    {
        var clicks = RegistryFixture.Topic("clicks");
        using var client = fixture.Client();
        var job = new JobBuilder("evolution");
        job.Source(clicks, Serdes.String, AvroSerdes.Generic(client, clicks, ClickV2))
            .MapValues(c => $"{c["user"]} {c["page"]} {c["referrer"] ?? "-"} ({c.Schema.Fields.Count} fields)", Serdes.String)
            .To("lines");
        using var driver = new JobTestDriver(job.Build());
        var v1 = AvroSerdes.Generic(client, clicks, ClickV1);
        var v2 = AvroSerdes.Generic(client, clicks, ClickV2);
        var old = v1.Serialize(new GenericRecord(ClickV1, "ann", "/home"));
        var current = v2.Serialize(new GenericRecord(ClickV2, "bob", "/cart", "https://example.com"));
        Assert.NotEqual(old[1..5], current[1..5]); // two versions of the subject, two ids

        var raw = driver.Input(clicks, Serdes.String, Serdes.Bytes);
        raw.Pipe("a", old, 1);
        raw.Pipe("b", current, 2);

        Assert.Equal(["ann /home - (3 fields)", "bob /cart https://example.com (3 fields)"], driver.Output<string, string>("lines").ReadValues());
        Assert.Empty(driver.DeadLetters);
    }
}
