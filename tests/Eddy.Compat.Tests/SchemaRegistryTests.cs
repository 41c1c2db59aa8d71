using System.Buffers.Binary;
using Avro;
using Avro.Generic;
using Avro.Specific;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Eddy.Testing;
using Schema = Confluent.SchemaRegistry.Schema;

namespace Eddy.Compat.Tests;

/// <summary>
/// Confluent.SchemaRegistry 2.16 and its Avro serdes against Eddy's broker and registry, as an application uses them:
/// the client's calls, produce and consume with generic and specific records, the serializer's modes, and schema
/// evolution accepted or refused by the registry and then actually read by Confluent's deserializer.
/// </summary>
public class SchemaRegistryTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private const string UserV1 = """{"type":"record","name":"User","namespace":"eddy.test","fields":[{"name":"name","type":"string"}]}""";
    private const string UserV2 = """{"type":"record","name":"User","namespace":"eddy.test","fields":[{"name":"name","type":"string"},{"name":"age","type":"int","default":-1}]}""";

    private static RecordSchema Parse(string schema) => (RecordSchema)global::Avro.Schema.Parse(schema);

    [Fact]
    public async Task The_client_registers_gets_and_looks_up_schemas()
    {
        using var client = fixture.Client();
        var subject = RegistryFixture.Topic("client") + "-value";
        var id = await client.RegisterSchemaAsync(subject, new Schema(UserV1, SchemaType.Avro));
        Assert.Equal(id, await client.RegisterSchemaAsync(subject, new Schema(UserV1, SchemaType.Avro)));

        using var fresh = fixture.Client();
        var byId = await fresh.GetSchemaAsync(id);
        Assert.Equal(SchemaType.Avro, byId.SchemaType);
        Assert.Equal(global::Avro.Schema.Parse(UserV1).ToString(), global::Avro.Schema.Parse(byId.SchemaString).ToString());
        Assert.Equal(byId.SchemaString, (await fresh.GetSchemaBySubjectAndIdAsync(subject, id)).SchemaString);

        var looked = await fresh.LookupSchemaAsync(subject, new Schema(UserV1, SchemaType.Avro), ignoreDeletedSchemas: true);
        Assert.Equal((id, 1, subject), (looked.Id, looked.Version, looked.Subject));
        Assert.Equal(id, await fresh.GetSchemaIdAsync(subject, UserV1));

        var v2 = await fresh.RegisterSchemaAsync(subject, new Schema(UserV2, SchemaType.Avro));
        var latest = await fresh.GetLatestSchemaAsync(subject);
        Assert.Equal((v2, 2), (latest.Id, latest.Version));
        Assert.Equal([1, 2], await fresh.GetSubjectVersionsAsync(subject));
        Assert.Contains(subject, await fresh.GetAllSubjectsAsync());
        Assert.Equal(id, (await fresh.GetRegisteredSchemaAsync(subject, 1, ignoreDeletedSchemas: false)).Id);

        Assert.Equal(Compatibility.Backward, await fresh.GetCompatibilityAsync());
        Assert.Equal(Compatibility.Full, await fresh.UpdateCompatibilityAsync(Compatibility.Full, subject));
        Assert.Equal(Compatibility.Full, await fresh.GetCompatibilityAsync(subject));
        Assert.True(await fresh.IsCompatibleAsync(subject, new Schema(UserV2, SchemaType.Avro)));
        Assert.False(await fresh.IsCompatibleAsync(subject, new Schema(
            """{"type":"record","name":"User","namespace":"eddy.test","fields":[{"name":"name","type":"long"}]}""", SchemaType.Avro)));

        var missing = await Assert.ThrowsAsync<SchemaRegistryException>(() => fresh.GetSchemaAsync(987_654));
        Assert.Equal((System.Net.HttpStatusCode.NotFound, 40403), (missing.Status, missing.ErrorCode));
    }

    [Fact]
    public async Task Generic_records_round_trip_with_default_serializer_settings()
    {
        var topic = RegistryFixture.Topic("generic");
        var schema = Parse(UserV1);
        using var client = fixture.Client();
        await fixture.ProduceAsync(topic, client, null,
            ConfluentAvroClients.Record(schema, ("name", "ada")),
            ConfluentAvroClients.Record(schema, ("name", "grace")));

        // The default (Associated) strategy found no association and fell back to the topic's subject.
        using var fresh = fixture.Client();
        var registered = await fresh.GetLatestSchemaAsync(topic + "-value");
        var raw = fixture.ConsumeRaw(topic, 2);
        Assert.All(raw, bytes =>
        {
            Assert.Equal(0, bytes[0]);
            Assert.Equal(registered.Id, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4)));
        });

        var read = fixture.Consume<GenericRecord>(topic, fresh, null, 2);
        Assert.Equal(["ada", "grace"], read.Select(r => (string)r["name"]));
    }

    [Fact]
    public async Task A_pre_registered_schema_is_used_when_auto_registration_is_off()
    {
        var topic = RegistryFixture.Topic("preregistered");
        using var client = fixture.Client();
        var id = await client.RegisterSchemaAsync(topic + "-value", new Schema(UserV1, SchemaType.Avro));
        var noAuto = new AvroSerializerConfig { AutoRegisterSchemas = false };
        await fixture.ProduceAsync(topic, fixture.Client(), noAuto, ConfluentAvroClients.Record(Parse(UserV1), ("name", "linus")));
        Assert.Equal(id, BinaryPrimitives.ReadInt32BigEndian(fixture.ConsumeRaw(topic, 1)[0].AsSpan(1, 4)));

        // A schema that was never registered is refused by the lookup (40403), and nothing is registered.
        var e = await Assert.ThrowsAnyAsync<Exception>(() =>
            fixture.ProduceAsync(topic, fixture.Client(), noAuto, ConfluentAvroClients.Record(Parse(UserV2), ("name", "x"), ("age", 3))));
        Assert.Contains("40403", e.ToString(), StringComparison.Ordinal);
        Assert.Equal([1], await client.GetSubjectVersionsAsync(topic + "-value"));
    }

    [Fact]
    public async Task Use_latest_version_writes_with_the_latest_registered_schema()
    {
        var topic = RegistryFixture.Topic("latest");
        var subject = topic + "-value";
        using var client = fixture.Client();
        await client.RegisterSchemaAsync(subject, new Schema(UserV1, SchemaType.Avro));
        var v2 = await client.RegisterSchemaAsync(subject, new Schema(UserV2, SchemaType.Avro));

        await fixture.ProduceAsync(topic, fixture.Client(), new AvroSerializerConfig { AutoRegisterSchemas = false, UseLatestVersion = true },
            ConfluentAvroClients.Record(Parse(UserV2), ("name", "barbara"), ("age", 71)));
        Assert.Equal(v2, BinaryPrimitives.ReadInt32BigEndian(fixture.ConsumeRaw(topic, 1)[0].AsSpan(1, 4)));
        var read = fixture.Consume<GenericRecord>(topic, fixture.Client(), null, 1)[0];
        Assert.Equal(("barbara", 71), ((string)read["name"], (int)read["age"]));
    }

    [Fact]
    public async Task Specific_records_round_trip()
    {
        var topic = RegistryFixture.Topic("specific");
        var payments = new[]
        {
            new Payment { Id = "p-1", Amount = 12.5, Currency = Currency.EUR },
            new Payment { Id = "p-2", Amount = 99.99, Currency = Currency.USD },
        };
        await fixture.ProduceAsync(topic, fixture.Client(), null, payments);
        var read = fixture.Consume<Payment>(topic, fixture.Client(), null, 2);
        Assert.Equal(payments.Select(p => (p.Id, p.Amount, p.Currency)), read.Select(p => (p.Id, p.Amount, p.Currency)));

        using var client = fixture.Client();
        var stored = await client.GetLatestSchemaAsync(topic + "-value");
        Assert.Equal(Payment._SCHEMA.ToString(), global::Avro.Schema.Parse(stored.SchemaString).ToString());
    }

    // ------------------------------------------------------------------ schema evolution

    /// <summary>A subject at <paramref name="level"/> with one v1 record produced to its topic by the auto-registering serializer.</summary>
    private async Task<string> StartAsync(string level, string v1, params (string Field, object? Value)[] values)
    {
        var topic = RegistryFixture.Topic("evolve");
        using var client = fixture.Client();
        await client.UpdateCompatibilityAsync(Enum.Parse<Compatibility>(level, ignoreCase: true), topic + "-value");
        await fixture.ProduceAsync(topic, client, null, ConfluentAvroClients.Record(Parse(v1), values));
        return topic;
    }

    /// <summary>Registers <paramref name="v2"/> through the client; null when accepted, the exception when refused.</summary>
    private async Task<SchemaRegistryException?> EvolveAsync(string topic, string v2)
    {
        using var client = fixture.Client();
        try
        {
            await client.RegisterSchemaAsync(topic + "-value", new Schema(v2, SchemaType.Avro));
            return null;
        }
        catch (SchemaRegistryException e)
        {
            return e;
        }
    }

    /// <summary>Reads the topic's records with the subject's latest live schema as the reader schema.</summary>
    private List<GenericRecord> ReadWithLatest(string topic, int count) =>
        fixture.Consume<GenericRecord>(topic, fixture.Client(), new AvroDeserializerConfig { UseLatestVersion = true }, count);

    /// <summary>Produces a record of the new schema, then soft-deletes that version so the old one is latest again
    /// (an old consumer reading new data).</summary>
    private async Task ProduceNewThenRetireItAsync(string topic, string v2, params (string Field, object? Value)[] values)
    {
        await fixture.ProduceAsync(topic, fixture.Client(), null, ConfluentAvroClients.Record(Parse(v2), values));
        using var http = new HttpClient { BaseAddress = new Uri(fixture.RegistryUrl) };
        var response = await http.DeleteAsync($"/subjects/{topic}-value/versions/latest");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    private static void AssertRefused(SchemaRegistryException? e, string errorType)
    {
        Assert.NotNull(e);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, e.Status);
        Assert.Equal(409, e.ErrorCode);
        Assert.Contains("Schema being registered is incompatible with an earlier schema for subject", e.Message, StringComparison.Ordinal);
        Assert.Contains($"errorType:'{errorType}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adding_a_field_with_a_default_is_backward_and_old_data_reads_with_the_default()
    {
        var topic = await StartAsync("BACKWARD", UserV1, ("name", "ada"));
        Assert.Null(await EvolveAsync(topic, UserV2));
        var read = ReadWithLatest(topic, 1)[0];
        Assert.Equal(("ada", -1), ((string)read["name"], (int)read["age"]));
    }

    [Fact]
    public async Task Adding_a_field_without_a_default_is_refused_with_the_reason()
    {
        var topic = await StartAsync("BACKWARD", UserV1, ("name", "ada"));
        const string noDefault = """{"type":"record","name":"User","namespace":"eddy.test","fields":[{"name":"name","type":"string"},{"name":"age","type":"int"}]}""";
        var refused = await EvolveAsync(topic, noDefault);
        AssertRefused(refused, "READER_FIELD_MISSING_DEFAULT_VALUE");
        Assert.Contains("The field 'age' at path '/fields/1' in the new schema has no default value and is missing in the old schema", refused!.Message, StringComparison.Ordinal);

        // The auto-registering producer is refused the same way.
        var e = await Assert.ThrowsAnyAsync<Exception>(() => fixture.ProduceAsync(topic, fixture.Client(), null,
            ConfluentAvroClients.Record(Parse(noDefault), ("name", "x"), ("age", 1))));
        Assert.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renaming_a_field_with_an_alias_is_backward_and_old_data_reads_under_the_new_name()
    {
        var topic = await StartAsync("BACKWARD", UserV1, ("name", "ada"));
        const string renamed = """{"type":"record","name":"User","namespace":"eddy.test","fields":[{"name":"fullName","type":"string","aliases":["name"]}]}""";
        Assert.Null(await EvolveAsync(topic, renamed));
        // Avro's Java reader would hand "ada" over as fullName; Apache.Avro for C# (1.12) matches the writer's field by
        // the alias but then also looks for a default of fullName, so the .NET deserializer cannot read old data with
        // the renamed schema. Old data stays readable with its own schema, which is what the default deserializer does.
        Assert.Equal("ada", (string)fixture.Consume<GenericRecord>(topic, fixture.Client(), null, 1)[0]["name"]);
        using (var client = fixture.Client())
        {
            var latest = await client.GetLatestSchemaAsync(topic + "-value");
            Assert.Equal(2, latest.Version);
            Assert.Contains("\"aliases\":[\"name\"]", latest.SchemaString, StringComparison.Ordinal);
        }

        // Without the alias the rename is a removed field plus a new one without a default.
        var other = await StartAsync("BACKWARD", UserV1, ("name", "ada"));
        AssertRefused(await EvolveAsync(other, renamed.Replace(""","aliases":["name"]""", "", StringComparison.Ordinal)), "READER_FIELD_MISSING_DEFAULT_VALUE");
    }

    private const string Count32 = """{"type":"record","name":"Counter","fields":[{"name":"n","type":"int"}]}""";
    private const string Count64 = """{"type":"record","name":"Counter","fields":[{"name":"n","type":"long"}]}""";

    [Fact]
    public async Task Widening_int_to_long_is_backward_and_old_ints_read_as_longs()
    {
        var topic = await StartAsync("BACKWARD", Count32, ("n", 42));
        Assert.Null(await EvolveAsync(topic, Count64));
        Assert.Equal(42L, (long)ReadWithLatest(topic, 1)[0]["n"]);
    }

    [Fact]
    public async Task Widening_int_to_long_is_not_forward()
    {
        var topic = await StartAsync("FORWARD", Count32, ("n", 42));
        AssertRefused(await EvolveAsync(topic, Count64), "TYPE_MISMATCH");
    }

    private static string Suit(bool withDefault, params string[] symbols)
    {
        var list = string.Join(",", symbols.Select(s => $"\"{s}\""));
        var enumDefault = withDefault ? ",\"default\":\"HEARTS\"" : "";
        return "{\"type\":\"record\",\"name\":\"Card\",\"fields\":[{\"name\":\"suit\",\"type\":{\"type\":\"enum\",\"name\":\"Suit\",\"symbols\":["
            + list + "]" + enumDefault + "}}]}";
    }

    private static GenericEnum SuitValue(string schema, string symbol) =>
        new((EnumSchema)Parse(schema).Fields[0].Schema, symbol);

    [Fact]
    public async Task Adding_an_enum_symbol_is_backward_and_old_data_reads()
    {
        var v1 = Suit(false, "HEARTS", "SPADES");
        var v2 = Suit(false, "HEARTS", "SPADES", "CLUBS");
        var topic = await StartAsync("BACKWARD", v1, ("suit", SuitValue(v1, "SPADES")));
        Assert.Null(await EvolveAsync(topic, v2));
        Assert.Equal("SPADES", ((GenericEnum)ReadWithLatest(topic, 1)[0]["suit"]).Value);
    }

    [Theory]
    [InlineData("FORWARD")]
    [InlineData("FULL")]
    public async Task Adding_an_enum_symbol_without_an_enum_default_is_refused_forward_and_full(string level)
    {
        var v1 = Suit(false, "HEARTS", "SPADES");
        var topic = await StartAsync(level, v1, ("suit", SuitValue(v1, "HEARTS")));
        AssertRefused(await EvolveAsync(topic, Suit(false, "HEARTS", "SPADES", "CLUBS")), "MISSING_ENUM_SYMBOLS");
    }

    [Theory]
    [InlineData("FORWARD")]
    [InlineData("FULL")]
    public async Task Adding_an_enum_symbol_with_an_enum_default_is_forward_and_old_readers_see_the_default(string level)
    {
        var v1 = Suit(true, "HEARTS", "SPADES");
        var v2 = Suit(true, "HEARTS", "SPADES", "CLUBS");
        var topic = await StartAsync(level, v1, ("suit", SuitValue(v1, "SPADES")));
        Assert.Null(await EvolveAsync(topic, v2));
        await ProduceNewThenRetireItAsync(topic, v2, ("suit", SuitValue(v2, "CLUBS")));
        var read = ReadWithLatest(topic, 2);
        Assert.Equal(["SPADES", "HEARTS"], read.Select(r => ((GenericEnum)r["suit"]).Value));
    }

    private const string Plain = """{"type":"record","name":"Contact","fields":[{"name":"email","type":"string"}]}""";
    private const string Optional = """{"type":"record","name":"Contact","fields":[{"name":"email","type":["null","string"],"default":null}]}""";

    [Fact]
    public async Task Widening_a_field_to_a_union_is_backward_and_old_data_reads()
    {
        var topic = await StartAsync("BACKWARD", Plain, ("email", "a@example.com"));
        Assert.Null(await EvolveAsync(topic, Optional));
        Assert.Equal("a@example.com", (string)ReadWithLatest(topic, 1)[0]["email"]);
    }

    [Fact]
    public async Task Widening_a_field_to_a_union_is_not_forward()
    {
        var topic = await StartAsync("FORWARD", Plain, ("email", "a@example.com"));
        AssertRefused(await EvolveAsync(topic, Optional), "TYPE_MISMATCH");
    }

    [Fact]
    public async Task Removing_a_field_with_a_default_is_forward_and_old_readers_fill_it_in()
    {
        var topic = await StartAsync("FORWARD", UserV2, ("name", "ada"), ("age", 36));
        Assert.Null(await EvolveAsync(topic, UserV1));
        await ProduceNewThenRetireItAsync(topic, UserV1, ("name", "grace"));
        var read = ReadWithLatest(topic, 2);
        Assert.Equal([("ada", 36), ("grace", -1)], read.Select(r => ((string)r["name"], (int)r["age"])));
    }
}

/// <summary>A currency, as the specific record's enum (its full name matches the Avro enum's).</summary>
public enum Currency
{
    EUR,
    USD,
}

/// <summary>A hand-written Avro specific record, as avrogen would generate it.</summary>
public sealed class Payment : ISpecificRecord
{
    public static readonly global::Avro.Schema _SCHEMA = global::Avro.Schema.Parse(
        """{"type":"record","name":"Payment","namespace":"Eddy.Compat.Tests","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"currency","type":{"type":"enum","name":"Currency","symbols":["EUR","USD"]}}]}""");

    public global::Avro.Schema Schema => _SCHEMA;

    public string Id { get; set; } = "";

    public double Amount { get; set; }

    public Currency Currency { get; set; }

    public object Get(int fieldPos) => fieldPos switch
    {
        0 => Id,
        1 => Amount,
        2 => Currency,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in Get()"),
    };

    public void Put(int fieldPos, object fieldValue)
    {
        switch (fieldPos)
        {
            case 0:
                Id = (string)fieldValue;
                break;
            case 1:
                Amount = (double)fieldValue;
                break;
            case 2:
                Currency = (Currency)fieldValue;
                break;
            default:
                throw new AvroRuntimeException($"Bad index {fieldPos} in Put()");
        }
    }
}
