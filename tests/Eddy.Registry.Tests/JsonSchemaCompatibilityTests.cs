using Eddy.Registry.JsonSchemas;

namespace Eddy.Registry.Tests;

/// <summary>
/// Confluent's JSON Schema compatibility rules, each tried both ways: a row is an old and a new schema, with the
/// difference a BACKWARD check (new reads old: old → new) and a FORWARD check (old reads new: new → old) must
/// refuse, or null when that direction is compatible. FULL must refuse whatever either direction refuses.
/// </summary>
public class JsonSchemaCompatibilityTests
{
    private const string Closed = "\"additionalProperties\":false";

    public static TheoryData<string, string, string, string?, string?> Rules => new()
    {
        // name, old, new, backward refusal ("TYPE at path"), forward refusal
        { "integer widened to number", Prop("a", "{\"type\":\"integer\"}"), Prop("a", "{\"type\":\"number\"}"), null, "TYPE_NARROWED #/properties/a" },
        { "number narrowed to integer", Prop("a", "{\"type\":\"number\"}"), Prop("a", "{\"type\":\"integer\"}"), "TYPE_NARROWED #/properties/a", null },
        { "string changed to integer", Prop("a", "{\"type\":\"string\"}"), Prop("a", "{\"type\":\"integer\"}"), "TYPE_CHANGED #/properties/a", "TYPE_CHANGED #/properties/a" },
        { "string widened to string or null", Prop("a", "{\"type\":\"string\"}"), Prop("a", "{\"type\":[\"string\",\"null\"]}"), null, "TYPE_CHANGED #/properties/a" },
        { "optional property added to a closed model", Obj(Closed, P("a", "string")), Obj(Closed, P("a", "string"), P("b", "string")), null, "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b" },
        { "required property added to a closed model", Obj(Closed, P("a", "string")), Obj(Closed + ",\"required\":[\"b\"]", P("a", "string"), P("b", "string")), "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b", "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b" },
        { "required property with a default added to a closed model", Obj(Closed, P("a", "string")), Obj(Closed + ",\"required\":[\"b\"]", P("a", "string"), "\"b\":{\"type\":\"string\",\"default\":\"x\"}"), null, "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b" },
        { "optional property added to an open model", Obj("", P("a", "string")), Obj("", P("a", "string"), P("b", "string")), "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b", null },
        { "property with an empty schema added to an open model", Obj("", P("a", "string")), Obj("", P("a", "string"), "\"b\":{}"), null, null },
        { "property removed from an open model", Obj("", P("a", "string"), P("b", "string")), Obj("", P("a", "string")), null, "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b" },
        { "property removed from a closed model", Obj(Closed, P("a", "string"), P("b", "string")), Obj(Closed, P("a", "string")), "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b", null },
        { "property covered by a partially open model added", Obj("\"additionalProperties\":{\"type\":\"string\"}", P("a", "string")), Obj("\"additionalProperties\":{\"type\":\"string\"}", P("a", "string"), P("b", "string")), null, null },
        { "property not covered by a partially open model added", Obj("\"additionalProperties\":{\"type\":\"string\"}", P("a", "string")), Obj("\"additionalProperties\":{\"type\":\"string\"}", P("a", "string"), P("b", "integer")), "TYPE_CHANGED #/properties/b", "TYPE_CHANGED #/properties/b" },
        { "existing property made required", Obj("", P("a", "string")), Obj("\"required\":[\"a\"]", P("a", "string")), "REQUIRED_ATTRIBUTE_ADDED #/required/a", null },
        { "model opened (additionalProperties false removed)", Obj(Closed, P("a", "string")), Obj("", P("a", "string")), null, "ADDITIONAL_PROPERTIES_REMOVED #/additionalProperties" },
        { "enum extended", Prop("a", "{\"enum\":[\"x\",\"y\"]}"), Prop("a", "{\"enum\":[\"x\",\"y\",\"z\"]}"), null, "ENUM_ARRAY_NARROWED #/properties/a/enum" },
        // "type" and "enum" together load as a synthetic allOf of both; narrowing the enum leaves no pairing of the parts.
        { "typed enum narrowed", Prop("a", "{\"type\":\"string\",\"enum\":[\"x\",\"y\"]}"), Prop("a", "{\"type\":\"string\",\"enum\":[\"x\"]}"), "COMBINED_TYPE_SUBSCHEMAS_CHANGED #/properties/a", null },
        { "enum changed", Prop("a", "{\"enum\":[\"x\",\"y\"]}"), Prop("a", "{\"enum\":[\"x\",\"z\"]}"), "ENUM_ARRAY_CHANGED #/properties/a/enum", "ENUM_ARRAY_CHANGED #/properties/a/enum" },
        { "maxLength increased", Prop("a", "{\"type\":\"string\",\"maxLength\":5}"), Prop("a", "{\"type\":\"string\",\"maxLength\":10}"), null, "MAX_LENGTH_DECREASED #/properties/a/maxLength" },
        { "minimum added", Prop("a", "{\"type\":\"integer\"}"), Prop("a", "{\"type\":\"integer\",\"minimum\":0}"), "MINIMUM_ADDED #/properties/a/minimum", null },
        { "exclusiveMaximum lowered", Prop("a", "{\"type\":\"number\",\"exclusiveMaximum\":10}"), Prop("a", "{\"type\":\"number\",\"exclusiveMaximum\":5}"), "EXCLUSIVE_MAXIMUM_DECREASED #/properties/a/exclusiveMaximum", null },
        { "multipleOf made coarser", Prop("a", "{\"type\":\"integer\",\"multipleOf\":2}"), Prop("a", "{\"type\":\"integer\",\"multipleOf\":4}"), "MULTIPLE_OF_EXPANDED #/properties/a/multipleOf", null },
        { "pattern changed", Prop("a", "{\"type\":\"string\",\"pattern\":\"^a\"}"), Prop("a", "{\"type\":\"string\",\"pattern\":\"^b\"}"), "PATTERN_CHANGED #/properties/a/pattern", "PATTERN_CHANGED #/properties/a/pattern" },
        { "anyOf extended", Prop("a", "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}"), Prop("a", "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"},{\"type\":\"boolean\"}]}"), null, "SUM_TYPE_NARROWED #/properties/a" },
        { "oneOf widened to anyOf", Prop("a", "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}"), Prop("a", "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}"), null, "COMBINED_TYPE_CHANGED #/properties/a" },
        { "array items changed", Prop("a", "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"), Prop("a", "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}"), "TYPE_CHANGED #/properties/a/items", "TYPE_CHANGED #/properties/a/items" },
        { "maxItems added", Prop("a", "{\"type\":\"array\"}"), Prop("a", "{\"type\":\"array\",\"maxItems\":3}"), "MAX_ITEMS_ADDED #/properties/a/maxItems", null },
        { "uniqueItems added", Prop("a", "{\"type\":\"array\"}"), Prop("a", "{\"type\":\"array\",\"uniqueItems\":true}"), "UNIQUE_ITEMS_ADDED #/properties/a/uniqueItems", null },
        { "dependency array extended", Obj("\"dependencies\":{\"a\":[\"b\"]}", P("a", "string"), P("b", "string"), P("c", "string")), Obj("\"dependencies\":{\"a\":[\"b\",\"c\"]}", P("a", "string"), P("b", "string"), P("c", "string")), "DEPENDENCY_ARRAY_EXTENDED #/dependencies/a", null },
        { "referenced definition changed", "{\"definitions\":{\"A\":{\"type\":\"string\"}},\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/definitions/A\"}}}", "{\"definitions\":{\"A\":{\"type\":\"integer\"}},\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"#/definitions/A\"}}}", "TYPE_CHANGED #/properties/x", "TYPE_CHANGED #/properties/x" },
        { "recursive schema unchanged", Tree, Tree, null, null },
        { "title and description changed", "{\"type\":\"string\",\"title\":\"a\"}", "{\"type\":\"string\",\"title\":\"b\",\"description\":\"d\"}", null, null },
        { "unevaluatedProperties false added (2020-12)", "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}", "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"unevaluatedProperties\":false}", "UNEVALUATED_PROPERTIES_REMOVED #/unevaluatedProperties", null },
        { "prefixItems item added to a closed tuple (2020-12)", "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"}],\"items\":false}", "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"items\":false}", null, "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL #/items/1" },
        { "draft 4 exclusiveMaximum flag and maximum raised", "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"number\",\"maximum\":5,\"exclusiveMaximum\":true}", "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"number\",\"maximum\":9,\"exclusiveMaximum\":true}", null, "MAXIMUM_DECREASED #/maximum" },
        { "not narrowed", "{\"not\":{\"type\":[\"string\",\"integer\"]}}", "{\"not\":{\"type\":\"string\"}}", null, "NOT_TYPE_EXTENDED #/not" },
        { "anything becomes the empty schema", "{\"type\":\"string\"}", "{}", null, "TYPE_CHANGED #/" },
    };

    private const string Tree =
        "{\"type\":\"object\",\"properties\":{\"value\":{\"type\":\"integer\"},\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}}}";

    private static string P(string name, string type) => $"\"{name}\":{{\"type\":\"{type}\"}}";

    private static string Obj(string extra, params string[] properties) =>
        $"{{\"type\":\"object\",\"properties\":{{{string.Join(",", properties)}}}{(extra.Length > 0 ? "," + extra : "")}}}";

    private static string Prop(string name, string schema) => Obj("", $"\"{name}\":{schema}");

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_is_checked_backward_forward_and_full(string rule, string oldSchema, string newSchema, string? backward, string? forward)
    {
        Assert.False(string.IsNullOrEmpty(rule));
        CompatibilityRules.AssertBothWaysAndFull(level => Check(level, oldSchema, newSchema), backward, forward, NamesDirection);
    }

    [Fact]
    public void A_refusal_reads_as_confluents_message_with_the_old_version_and_the_level()
    {
        var messages = Check(CompatibilityLevel.Backward, Prop("a", "{\"type\":\"string\"}"), Prop("a", "{\"type\":\"integer\"}"));
        Assert.Equal(
            [
                "{errorType:\"TYPE_CHANGED\", description:\"A type at path '#/properties/a' is different between the new schema and the old schema'}",
                "{oldSchemaVersion: 1}",
                "{oldSchema: '" + Prop("a", "{\"type\":\"string\"}") + "'}",
                "{validateFields: 'false', compatibility: 'BACKWARD'}",
            ],
            messages);
    }

    [Fact]
    public void A_json_schema_following_an_avro_schema_is_of_a_different_type()
    {
        var candidate = JsonSchemaDocument.Parse("{\"type\":\"string\"}");
        var messages = CompatibilityChecker.Check(CompatibilityLevel.Backward, candidate, [new PreviousSchema(1, "\"string\"", Eddy.Avro.AvroSchema.Parse("\"string\""))]);
        Assert.Equal("Incompatible because of different schema type", messages[0]);
    }

    [Fact]
    public void Transitive_levels_check_every_earlier_version_and_plain_ones_only_the_latest()
    {
        // v1 string, v2 string or null, v3 string, null or integer: each step widens, so BACKWARD_TRANSITIVE holds,
        // FORWARD_TRANSITIVE fails first at the latest version, and a narrowing v3 fails BACKWARD against v2.
        var v1 = JsonSchemaDocument.Parse(Prop("a", "{\"type\":\"string\"}"));
        var v2 = JsonSchemaDocument.Parse(Prop("a", "{\"type\":[\"string\",\"null\"]}"));
        var candidate = JsonSchemaDocument.Parse(Prop("a", "{\"type\":[\"string\",\"null\",\"integer\"]}"));
        PreviousSchema[] previous = [new(1, v1.CanonicalString, null, "JSON", v1), new(2, v2.CanonicalString, null, "JSON", v2)];
        Assert.Empty(CompatibilityChecker.Check(CompatibilityLevel.BackwardTransitive, candidate, previous));
        var forwardTransitive = CompatibilityChecker.Check(CompatibilityLevel.ForwardTransitive, candidate, previous);
        Assert.Contains("{oldSchemaVersion: 2}", forwardTransitive);
        var narrowing = JsonSchemaDocument.Parse(Prop("a", "{\"type\":\"null\"}"));
        Assert.Contains("{oldSchemaVersion: 2}", CompatibilityChecker.Check(CompatibilityLevel.Backward, narrowing, previous));
    }

    private static IReadOnlyList<string> Check(CompatibilityLevel level, string oldSchema, string newSchema)
    {
        var old = JsonSchemaDocument.Parse(oldSchema);
        return CompatibilityChecker.Check(level, JsonSchemaDocument.Parse(newSchema), [new PreviousSchema(1, old.CanonicalString, null, "JSON", old)]);
    }

    // Confluent's JSON messages name the schema at fault ("in the new schema") or both ("between the new and old schema").
    private static bool NamesDirection(string message, string first, string second) =>
        message.Contains($" {first} schema", StringComparison.Ordinal) || message.Contains($"{first} and {second}", StringComparison.Ordinal);
}
