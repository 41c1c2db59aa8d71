using static Eddy.Registry.Tests.Schemas;

namespace Eddy.Registry.Tests;

/// <summary>JSON Schema (<c>schemaType: "JSON"</c>) through every endpoint, over real HTTP, with Confluent's answers and errors.</summary>
public class JsonSchemaRegistryTests(SharedRegistry registry) : IClassFixture<SharedRegistry>
{
    private const string Person = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name"]}""";
    private const string PersonSpaced = "{ \"type\": \"object\",\n  \"properties\": { \"name\": {\"type\": \"string\"}, \"age\": {\"type\": \"integer\"} },\n  \"required\": [\"name\"] }";

    private readonly RegistryHost _r = registry.Host;
    private readonly TypedRegistry _json = new(registry.Host, "JSON");

    [Fact]
    public async Task A_json_schema_registers_in_compact_form_and_reads_back_with_its_type_everywhere()
    {
        var subject = Subject("json");
        var registered = await _json.RegisterAsync(subject, PersonSpaced);
        Assert.Equal(200, registered.Status);
        Assert.Equal(Person, registered.Json.GetProperty("schema").GetString());

        var version = await _r.GetAsync($"/subjects/{subject}/versions/1");
        Assert.Equal($"{{\"subject\":\"{subject}\",\"version\":1,\"id\":{registered.Id},\"schemaType\":\"JSON\",\"schema\":{JsonString(Person)}}}", version.Body);
        Assert.Equal($"{{\"schemaType\":\"JSON\",\"schema\":{JsonString(Person)}}}", (await _r.GetAsync($"/schemas/ids/{registered.Id}")).Body);
        Assert.Equal(Person, (await _r.GetAsync($"/schemas/ids/{registered.Id}/schema")).Body);

        var looked = await _json.LookUpAsync(subject, PersonSpaced);
        Assert.Equal((200, registered.Id, "JSON"), (looked.Status, looked.Id, looked.Json.GetProperty("schemaType").GetString()));
        // Registering again is idempotent; looked up as Avro, the same text is not even a valid schema.
        Assert.Equal(registered.Id, (await _json.RegisterAsync(subject, Person)).Id);
        Assert.Equal(42201, (await _r.PostAsync($"/subjects/{subject}", RegistryHost.SchemaBody(Person))).ErrorCode);
    }

    [Fact]
    public async Task The_same_text_as_avro_and_as_json_gets_two_ids()
    {
        var avro = await _r.RegisterAsync(Subject("a"), "{\"type\":\"string\"}");
        var json = await _json.RegisterAsync(Subject("j"), "{\"type\":\"string\"}");
        Assert.Equal((200, 200), (avro.Status, json.Status));
        Assert.NotEqual(avro.Id, json.Id);
        Assert.Equal("\"string\"", avro.Json.GetProperty("schema").GetString());
        Assert.Equal("{\"type\":\"string\"}", json.Json.GetProperty("schema").GetString());
        // Each lookup finds the schema of its own type only.
        var avroSubject = Subject("a2");
        await _r.RegisterOkAsync(avroSubject, "\"string\"");
        Assert.Equal(40403, (await _json.LookUpAsync(avroSubject, "{\"type\":\"string\"}")).ErrorCode);
    }

    [Fact]
    public async Task Normalize_sorts_the_keys_at_every_level()
    {
        var subject = Subject("norm");
        var normalized = await _json.RegisterAsync(subject, PersonSpaced, "?normalize=true");
        Assert.Equal(
            """{"properties":{"age":{"type":"integer"},"name":{"type":"string"}},"required":["name"],"type":"object"}""",
            normalized.Json.GetProperty("schema").GetString());
        var reordered = """{"required":["name"],"properties":{"age":{"type":"integer"},"name":{"type":"string"}},"type":"object"}""";
        Assert.Equal(normalized.Id, (await _r.PostAsync($"/subjects/{subject}?normalize=true", RegistryHost.SchemaBody(reordered, "JSON"))).Id);
    }

    [Theory]
    [InlineData("http://json-schema.org/draft-04/schema#", "\"exclusiveMinimum\":true,\"minimum\":0")]
    [InlineData("http://json-schema.org/draft-06/schema#", "\"exclusiveMinimum\":0")]
    [InlineData("http://json-schema.org/draft-07/schema#", "\"exclusiveMinimum\":0")]
    [InlineData("https://json-schema.org/draft/2019-09/schema", "\"exclusiveMinimum\":0")]
    [InlineData("https://json-schema.org/draft/2020-12/schema", "\"exclusiveMinimum\":0")]
    public async Task Every_draft_confluent_accepts_is_accepted(string draft, string limit)
    {
        var schema = $"{{\"$schema\":\"{draft}\",\"type\":\"object\",\"properties\":{{\"n\":{{\"type\":\"number\",{limit}}}}}}}";
        var registered = await _json.RegisterAsync(Subject("draft"), schema);
        Assert.True(registered.Status == 200, registered.ToString());
    }

    [Theory]
    [InlineData("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"strin\"}}}", "#/properties/a/type")]
    [InlineData("{\"type\":\"string\",\"minLength\":\"five\"}", "#/minLength")]
    [InlineData("{\"type\":\"object\",\"required\":\"name\"}", "#/required")]
    [InlineData("{\"properties\":{\"a\":{\"$ref\":\"#/definitions/missing\"}}}", "#/definitions/missing")]
    [InlineData("{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"number\",\"exclusiveMaximum\":5}", "#/exclusiveMaximum")]
    [InlineData("{\"type\":\"object\",", "line 1")]
    [InlineData("[\"not a schema\"]", "expected an object or boolean at the root")]
    public async Task An_invalid_json_schema_is_42201_saying_what_is_wrong_and_where(string schema, string where)
    {
        var subject = Subject("bad");
        await _json.AssertInvalidAsync(subject, schema,
            $"Invalid schema {{subject={subject}, version=0, id=-1, schemaType=JSON, references=[], schema={schema}}}, details: Invalid JSON", where);
    }

    [Fact]
    public async Task Compatibility_is_checked_with_confluents_json_rules_and_refusals_are_409()
    {
        var widened = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"number"}},"required":["name"]}""";
        var changed = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"string"}},"required":["name"]}""";
        await _json.AssertEvolutionAsync(Subject("evolve"), Person, widened, changed, "TYPE_CHANGED",
            "{errorType:\"TYPE_CHANGED\", description:\"A type at path '#/properties/age' is different between the new schema and the old schema'}");
    }

    [Fact]
    public async Task Switching_a_subject_from_avro_to_json_is_a_different_schema_type()
    {
        var subject = Subject("switch");
        await _r.RegisterOkAsync(subject, Record("User", Field("name", "\"string\"")));
        var result = await _json.RegisterAsync(subject, Person);
        Assert.Equal(409, result.Status);
        Assert.Contains("Incompatible because of different schema type", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_schema_references_are_refused_for_now()
    {
        var result = await _r.PostAsync($"/subjects/{Subject("refs")}/versions",
            $"{{\"schemaType\":\"JSON\",\"schema\":{JsonString(Person)},\"references\":[{{\"name\":\"a.json\",\"subject\":\"a\",\"version\":1}}]}}");
        Assert.Equal((422, 42201), (result.Status, result.ErrorCode));
    }
}
