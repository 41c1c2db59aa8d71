using Eddy.Registry.Protobuf;
using static Eddy.Registry.Tests.Schemas;

namespace Eddy.Registry.Tests;

/// <summary>Protobuf (<c>schemaType: "PROTOBUF"</c>) through every endpoint, over real HTTP, with Confluent's answers and errors.</summary>
public class ProtobufRegistryTests(SharedRegistry registry) : IClassFixture<SharedRegistry>
{
    private const string Person = "syntax = \"proto3\";\npackage acme;\n\nmessage Person {\n  string name = 1;\n  int32 age = 2;\n}\n";
    private const string PersonSpaced = "// a person\nsyntax = \"proto3\";\n\npackage acme;\nmessage Person { string name = 1;   int32 age = 2; }\n";

    private readonly RegistryHost _r = registry.Host;
    private readonly TypedRegistry _protobuf = new(registry.Host, "PROTOBUF");

    [Fact]
    public async Task The_registry_lists_protobuf_among_its_schema_types()
    {
        Assert.Equal("[\"JSON\",\"PROTOBUF\",\"AVRO\"]", (await _r.GetAsync("/schemas/types")).Body);
    }

    [Fact]
    public async Task A_protobuf_schema_registers_in_printed_form_and_reads_back_with_its_type_everywhere()
    {
        var subject = Subject("proto");
        var registered = await _protobuf.RegisterAsync(subject, PersonSpaced);
        Assert.Equal(200, registered.Status);
        Assert.Equal(Person, registered.Json.GetProperty("schema").GetString());

        var version = await _r.GetAsync($"/subjects/{subject}/versions/1");
        Assert.Equal($"{{\"subject\":\"{subject}\",\"version\":1,\"id\":{registered.Id},\"schemaType\":\"PROTOBUF\",\"schema\":{JsonString(Person)}}}", version.Body);
        Assert.Equal($"{{\"schemaType\":\"PROTOBUF\",\"schema\":{JsonString(Person)}}}", (await _r.GetAsync($"/schemas/ids/{registered.Id}")).Body);
        Assert.Equal(Person, (await _r.GetAsync($"/schemas/ids/{registered.Id}/schema")).Body);
        Assert.Equal("[1]", (await _r.GetAsync($"/subjects/{subject}/versions")).Body);

        var looked = await _protobuf.LookUpAsync(subject, PersonSpaced);
        Assert.Equal((200, registered.Id, "PROTOBUF"), (looked.Status, looked.Id, looked.Json.GetProperty("schemaType").GetString()));
        Assert.Equal(registered.Id, (await _protobuf.RegisterAsync(subject, Person)).Id);
        // The same text as Avro is no schema at all.
        Assert.Equal(42201, (await _r.PostAsync($"/subjects/{subject}", RegistryHost.SchemaBody(Person))).ErrorCode);
    }

    [Fact]
    public async Task The_record_in_schemas_carries_the_protobuf_type_and_text()
    {
        var subject = Subject("stored");
        var registered = await _protobuf.RegisterAsync(subject, Person);
        var records = await StoreTests.ReadTopicAsync(_r.Broker, _r.Topic);
        var value = records.Last(r => r.Key.Contains($"\"subject\":\"{subject}\"", StringComparison.Ordinal)).Value!;
        Assert.Equal($"{{\"subject\":\"{subject}\",\"version\":1,\"id\":{registered.Id},\"schemaType\":\"PROTOBUF\",\"schema\":{JsonString(Person)},\"deleted\":false}}", value);
    }

    [Fact]
    public async Task Well_known_imports_resolve_without_references()
    {
        var schema = "syntax = \"proto3\";\n\nimport \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/wrappers.proto\";\n\nmessage Event {\n  google.protobuf.Timestamp at = 1;\n  google.protobuf.StringValue note = 2;\n}\n";
        var registered = await _protobuf.RegisterAsync(Subject("wkt"), schema);
        Assert.True(registered.Status == 200, registered.ToString());
        Assert.Equal(schema, registered.Json.GetProperty("schema").GetString());
    }

    [Theory]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  int32 x = 1\n}\n", "line 4, column 1")]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  Missing m = 1;\n}\n", "line 3, column 3")]
    [InlineData("syntax = \"proto3\";\nimport \"mine/other.proto\";\nmessage A {\n  int32 x = 1;\n}\n", "mine/other.proto")]
    public async Task An_invalid_protobuf_schema_is_42201_saying_what_is_wrong_and_where(string schema, string where)
    {
        var subject = Subject("bad");
        await _protobuf.AssertInvalidAsync(subject, schema,
            $"Invalid schema {{subject={subject}, version=0, id=-1, schemaType=PROTOBUF, references=[], schema={schema}}} with refs [] of type PROTOBUF, details: line ", where);
    }

    [Fact]
    public async Task Compatibility_is_checked_with_confluents_protobuf_rules_and_refusals_are_409()
    {
        var widened = Person.Replace("int32 age", "int64 age", StringComparison.Ordinal);
        var changed = Person.Replace("int32 age", "double age", StringComparison.Ordinal);
        await _protobuf.AssertEvolutionAsync(Subject("evolve"), Person, widened, changed, "FIELD_SCALAR_KIND_CHANGED",
            "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR field at path '#/Person/2' in the new schema does not match its kind in the old schema\"}");
    }

    [Fact]
    public async Task Switching_a_subject_from_json_to_protobuf_is_a_different_schema_type()
    {
        var subject = Subject("switch");
        Assert.Equal(200, (await _r.PostAsync($"/subjects/{subject}/versions", RegistryHost.SchemaBody("{\"type\":\"string\"}", "JSON"))).Status);
        var result = await _protobuf.RegisterAsync(subject, Person);
        Assert.Equal(409, result.Status);
        Assert.Contains("Incompatible because of different schema type", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registered_schema_names_its_messages_for_the_wire_format()
    {
        var registered = await _protobuf.RegisterAsync(Subject("indexes"), "syntax = \"proto3\";\nmessage A {\n  int32 x = 1;\n}\nmessage B {\n  message C {\n    int32 y = 1;\n  }\n}\n");
        var stored = ProtobufSchemaDocument.Parse((await _r.GetAsync($"/schemas/ids/{registered.Id}/schema")).Body);
        Assert.Equal([1, 0], stored.MessageIndexes("B.C"));
        var (id, indexes, _) = ProtobufWireFormat.Read(ProtobufWireFormat.Frame(registered.Id, stored.MessageIndexes("B.C"), []));
        Assert.Equal((registered.Id, "B.C"), (id, stored.MessageName(indexes)));
    }

    [Fact]
    public async Task Protobuf_schema_references_are_refused_for_now()
    {
        var result = await _r.PostAsync($"/subjects/{Subject("refs")}/versions",
            $"{{\"schemaType\":\"PROTOBUF\",\"schema\":{JsonString(Person)},\"references\":[{{\"name\":\"other.proto\",\"subject\":\"other\",\"version\":1}}]}}");
        Assert.Equal((422, 42201), (result.Status, result.ErrorCode));
    }
}
