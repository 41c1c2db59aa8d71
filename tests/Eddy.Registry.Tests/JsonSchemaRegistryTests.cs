using static Eddy.Registry.Tests.Schemas;

namespace Eddy.Registry.Tests;

/// <summary>JSON Schema (<c>schemaType: "JSON"</c>) through every endpoint, over real HTTP, with Confluent's answers and errors.</summary>
public class JsonSchemaRegistryTests(SharedRegistry registry) : IClassFixture<SharedRegistry>
{
    private const string Person = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name"]}""";
    private const string PersonSpaced = "{ \"type\": \"object\",\n  \"properties\": { \"name\": {\"type\": \"string\"}, \"age\": {\"type\": \"integer\"} },\n  \"required\": [\"name\"] }";

    private readonly RegistryHost _r = registry.Host;

    private Task<HttpResult> Register(string subject, string schema, string query = "") =>
        _r.PostAsync($"/subjects/{subject}/versions{query}", RegistryHost.SchemaBody(schema, "JSON"));

    [Fact]
    public async Task A_json_schema_registers_in_compact_form_and_reads_back_with_its_type_everywhere()
    {
        var subject = Subject("json");
        var registered = await Register(subject, PersonSpaced);
        Assert.Equal(200, registered.Status);
        Assert.Equal(Person, registered.Json.GetProperty("schema").GetString());

        var version = await _r.GetAsync($"/subjects/{subject}/versions/1");
        Assert.Equal($"{{\"subject\":\"{subject}\",\"version\":1,\"id\":{registered.Id},\"schemaType\":\"JSON\",\"schema\":{JsonString(Person)}}}", version.Body);
        Assert.Equal($"{{\"schemaType\":\"JSON\",\"schema\":{JsonString(Person)}}}", (await _r.GetAsync($"/schemas/ids/{registered.Id}")).Body);
        Assert.Equal(Person, (await _r.GetAsync($"/schemas/ids/{registered.Id}/schema")).Body);

        var looked = await _r.PostAsync($"/subjects/{subject}", RegistryHost.SchemaBody(PersonSpaced, "JSON"));
        Assert.Equal((200, registered.Id, "JSON"), (looked.Status, looked.Id, looked.Json.GetProperty("schemaType").GetString()));
        // Registering again is idempotent; looked up as Avro, the same text is not even a valid schema.
        Assert.Equal(registered.Id, (await Register(subject, Person)).Id);
        Assert.Equal(42201, (await _r.PostAsync($"/subjects/{subject}", RegistryHost.SchemaBody(Person))).ErrorCode);
    }

    [Fact]
    public async Task The_same_text_as_avro_and_as_json_gets_two_ids()
    {
        var avro = await _r.RegisterAsync(Subject("a"), "{\"type\":\"string\"}");
        var json = await Register(Subject("j"), "{\"type\":\"string\"}");
        Assert.Equal((200, 200), (avro.Status, json.Status));
        Assert.NotEqual(avro.Id, json.Id);
        Assert.Equal("\"string\"", avro.Json.GetProperty("schema").GetString());
        Assert.Equal("{\"type\":\"string\"}", json.Json.GetProperty("schema").GetString());
        // Each lookup finds the schema of its own type only.
        var avroSubject = Subject("a2");
        await _r.RegisterOkAsync(avroSubject, "\"string\"");
        Assert.Equal(40403, (await _r.PostAsync($"/subjects/{avroSubject}", RegistryHost.SchemaBody("{\"type\":\"string\"}", "JSON"))).ErrorCode);
    }

    [Fact]
    public async Task Normalize_sorts_the_keys_at_every_level()
    {
        var subject = Subject("norm");
        var normalized = await Register(subject, PersonSpaced, "?normalize=true");
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
        var registered = await Register(Subject("draft"), schema);
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
        var result = await Register(subject, schema);
        Assert.Equal((422, 42201), (result.Status, result.ErrorCode));
        Assert.StartsWith($"Invalid schema {{subject={subject}, version=0, id=-1, schemaType=JSON, references=[], schema={schema}}}, details: Invalid JSON", result.Message, StringComparison.Ordinal);
        Assert.Contains(where, result.Message, StringComparison.Ordinal);
        var check = await _r.PostAsync($"/compatibility/subjects/{subject}/versions/latest", RegistryHost.SchemaBody(schema, "JSON"));
        Assert.Equal(42201, check.ErrorCode);
    }

    [Fact]
    public async Task Compatibility_is_checked_with_confluents_json_rules_and_refusals_are_409()
    {
        var subject = Subject("evolve");
        Assert.Equal(200, (await Register(subject, Person)).Status);
        var widened = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"number"}},"required":["name"]}""";
        var changed = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"string"}},"required":["name"]}""";

        var ok = await _r.PostAsync($"/compatibility/subjects/{subject}/versions/latest?verbose=true", RegistryHost.SchemaBody(widened, "JSON"));
        Assert.Equal("{\"is_compatible\":true,\"messages\":[]}", ok.Body);
        var refused = await _r.PostAsync($"/compatibility/subjects/{subject}/versions/latest?verbose=true", RegistryHost.SchemaBody(changed, "JSON"));
        Assert.Equal(
            "{\"is_compatible\":false,\"messages\":[\"{errorType:\\\"TYPE_CHANGED\\\", description:\\\"A type at path '#/properties/age' is different between the new schema and the old schema'}\",\"{oldSchemaVersion: 1}\","
            + $"{JsonString("{oldSchema: '" + Person + "'}")},\"{{validateFields: 'false', compatibility: 'BACKWARD'}}\"]}}",
            refused.Body);

        var conflict = await Register(subject, changed);
        Assert.Equal((409, 409), (conflict.Status, conflict.ErrorCode));
        Assert.StartsWith($"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{{errorType:\"TYPE_CHANGED\"", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await Register(subject, widened)).Version);
    }

    [Fact]
    public async Task Switching_a_subject_from_avro_to_json_is_a_different_schema_type()
    {
        var subject = Subject("switch");
        await _r.RegisterOkAsync(subject, Record("User", Field("name", "\"string\"")));
        var result = await Register(subject, Person);
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
