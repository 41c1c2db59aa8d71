using Confluent.SchemaRegistry;
using Eddy.Testing;
using Schema = Confluent.SchemaRegistry.Schema;

namespace Eddy.Compat.Tests;

/// <summary>
/// Confluent.SchemaRegistry 2.16's client with Protobuf schemas against Eddy's registry: registering, reading back,
/// looking up and checking compatibility as Confluent's Protobuf serializer does before it frames a record. (Its
/// Protobuf serdes package is not served here; the framing itself is checked byte for byte in Eddy.Registry.Tests.)
/// </summary>
public class ProtobufRegistryClientTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private const string OrderV1 = "syntax = \"proto3\";\npackage eddy.test;\n\nimport \"google/protobuf/timestamp.proto\";\n\nmessage Order {\n  string id = 1;\n  int32 quantity = 2;\n  google.protobuf.Timestamp placed_at = 3;\n}\n";
    private const string OrderV2 = "syntax = \"proto3\";\npackage eddy.test;\n\nimport \"google/protobuf/timestamp.proto\";\n\nmessage Order {\n  string id = 1;\n  int64 quantity = 2;\n  google.protobuf.Timestamp placed_at = 3;\n  map<string, string> tags = 4;\n}\n";
    private const string OrderBroken = "syntax = \"proto3\";\npackage eddy.test;\n\nmessage Order {\n  string id = 1;\n  double quantity = 2;\n}\n";

    [Fact]
    public async Task The_client_registers_gets_and_looks_up_protobuf_schemas()
    {
        using var client = fixture.Client();
        var subject = RegistryFixture.Topic("proto") + "-value";
        var id = await client.RegisterSchemaAsync(subject, new Schema(OrderV1, SchemaType.Protobuf));
        Assert.Equal(id, await client.RegisterSchemaAsync(subject, new Schema(OrderV1, SchemaType.Protobuf)));

        using var fresh = fixture.Client();
        var byId = await fresh.GetSchemaAsync(id);
        Assert.Equal(SchemaType.Protobuf, byId.SchemaType);
        Assert.Equal(OrderV1, byId.SchemaString);
        var looked = await fresh.LookupSchemaAsync(subject, new Schema(OrderV1, SchemaType.Protobuf), ignoreDeletedSchemas: true);
        Assert.Equal((id, 1, subject), (looked.Id, looked.Version, looked.Subject));

        Assert.True(await fresh.IsCompatibleAsync(subject, new Schema(OrderV2, SchemaType.Protobuf)));
        var v2 = await fresh.RegisterSchemaAsync(subject, new Schema(OrderV2, SchemaType.Protobuf));
        var latest = await fresh.GetLatestSchemaAsync(subject);
        Assert.Equal((v2, 2, SchemaType.Protobuf), (latest.Id, latest.Version, latest.SchemaType));
    }

    [Fact]
    public async Task An_incompatible_protobuf_schema_is_refused_with_confluents_error()
    {
        using var client = fixture.Client();
        var subject = RegistryFixture.Topic("proto-bad") + "-value";
        await client.RegisterSchemaAsync(subject, new Schema(OrderV1, SchemaType.Protobuf));
        Assert.False(await client.IsCompatibleAsync(subject, new Schema(OrderBroken, SchemaType.Protobuf)));
        var e = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync(subject, new Schema(OrderBroken, SchemaType.Protobuf)));
        Assert.Equal(409, (int)e.Status);
        Assert.Contains("FIELD_SCALAR_KIND_CHANGED", e.Message, StringComparison.Ordinal);

        var invalid = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync(subject, new Schema("syntax = \"proto3\";\nmessage {", SchemaType.Protobuf)));
        Assert.Equal(42201, invalid.ErrorCode);
    }
}
