using Confluent.SchemaRegistry;
using Eddy.Testing;

namespace Eddy.Compat.Tests;

/// <summary>
/// normalize=true through Confluent.SchemaRegistry's client: the registry stores what Confluent's
/// <c>AvroSchema.normalize().canonicalString()</c> is, the normalized string parsed again and written as Avro's
/// <c>Schema.toString()</c> does (namespace apart from the name, primitives as plain names, no default field order,
/// aliases sorted), so a client comparing the returned schema with its own normalized string finds them equal.
/// </summary>
public class NormalizeTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    // As a user writes it: keys in any order, the namespace apart, a primitive as an object, unsorted aliases.
    private const string Written =
        """{"namespace":"com.acme","type":"record","name":"Account","doc":"An account","fields":[{"name":"id","type":{"type":"long"}},{"type":{"type":"array","items":{"type":"string"}},"name":"tags","default":[]},{"name":"nick","type":["null","string"],"default":null,"aliases":["n2","n1"]},{"name":"rank","type":"int","order":"descending","default":0}]}""";

    // What Confluent stores for it: Avro's toString of the normalized schema (fields as name, type, doc, default,
    // order when not ascending, aliases).
    private const string Normalized =
        """{"type":"record","name":"Account","namespace":"com.acme","doc":"An account","fields":[{"name":"id","type":"long"},{"name":"tags","type":{"type":"array","items":"string"},"default":[]},{"name":"nick","type":["null","string"],"default":null,"aliases":["n1","n2"]},{"name":"rank","type":"int","default":0,"order":"descending"}]}""";

    [Fact]
    public async Task Registering_with_normalize_stores_and_returns_confluents_normalized_form()
    {
        using var client = fixture.Client();
        var subject = RegistryFixture.Topic("normalize") + "-value";
        var id = await client.RegisterSchemaAsync(subject, new Schema(Written, SchemaType.Avro), normalize: true);

        using var fresh = fixture.Client();
        var latest = await fresh.GetLatestSchemaAsync(subject);
        Assert.Equal(Normalized, latest.SchemaString);
        Assert.DoesNotContain("ASCENDING", latest.SchemaString, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Normalized, (await fresh.GetSchemaAsync(id)).SchemaString);

        var looked = await fresh.LookupSchemaAsync(subject, new Schema(Written, SchemaType.Avro), ignoreDeletedSchemas: true, normalize: true);
        Assert.Equal((id, 1, Normalized), (looked.Id, looked.Version, looked.SchemaString));
        // The normalized text is itself what the registry holds, so registering it plainly finds the same version.
        Assert.Equal(id, await fresh.RegisterSchemaAsync(subject, new Schema(Normalized, SchemaType.Avro)));
        Assert.Equal([1], await fresh.GetSubjectVersionsAsync(subject));
    }

    [Fact]
    public async Task Without_normalize_the_written_form_is_a_different_schema_from_the_normalized_one()
    {
        using var client = fixture.Client();
        var subject = RegistryFixture.Topic("plain") + "-value";
        var plain = await client.RegisterSchemaAsync(subject, new Schema(Written, SchemaType.Avro));
        // A fresh client: the first one would answer from its cache, whatever normalize says.
        using var other = fixture.Client();
        var normalized = await other.RegisterSchemaAsync(subject, new Schema(Written, SchemaType.Avro), normalize: true);
        // Only the aliases' order tells them apart: Avro's toString keeps the written order, normalize sorts them.
        Assert.NotEqual(plain, normalized);
        Assert.Contains("\"aliases\":[\"n2\",\"n1\"]", (await fixture.Client().GetSchemaAsync(plain)).SchemaString, StringComparison.Ordinal);
        Assert.Equal(Normalized, (await fixture.Client().GetSchemaAsync(normalized)).SchemaString);
    }
}
