using Eddy.Registry.Protobuf;

namespace Eddy.Registry.Tests;

/// <summary>
/// Confluent's Protobuf compatibility rules, each tried both ways: a row is an old and a new schema, with the
/// difference a BACKWARD check (old → new diffed) and a FORWARD check (new → old diffed) must refuse, or null when that
/// direction is compatible. FULL must refuse whatever either direction refuses.
/// </summary>
public class ProtobufCompatibilityTests
{
    public static TheoryData<string, string, string, string?, string?> Rules => new()
    {
        // name, old, new, backward refusal ("TYPE at path"), forward refusal
        { "field added", P3("string a = 1;"), P3("string a = 1;\n  int32 b = 2;"), null, null },
        { "field renamed", P3("string a = 1;"), P3("string b = 1;"), null, null },
        { "int32 widened to int64 (one group)", P3("int32 a = 1;"), P3("int64 a = 1;"), null, null },
        { "uint64 changed to bool (one group)", P3("uint64 a = 1;"), P3("bool a = 1;"), null, null },
        { "int32 changed to sint32", P3("int32 a = 1;"), P3("sint32 a = 1;"), "FIELD_SCALAR_KIND_CHANGED #/M/1", "FIELD_SCALAR_KIND_CHANGED #/M/1" },
        { "sint32 widened to sint64", P3("sint32 a = 1;"), P3("sint64 a = 1;"), null, null },
        { "string changed to bytes", P3("string a = 1;"), P3("bytes a = 1;"), null, null },
        { "fixed32 changed to sfixed32", P3("fixed32 a = 1;"), P3("sfixed32 a = 1;"), null, null },
        { "fixed64 changed to sfixed64", P3("fixed64 a = 1;"), P3("sfixed64 a = 1;"), null, null },
        { "fixed32 changed to fixed64", P3("fixed32 a = 1;"), P3("fixed64 a = 1;"), "FIELD_SCALAR_KIND_CHANGED #/M/1", "FIELD_SCALAR_KIND_CHANGED #/M/1" },
        { "float changed to double", P3("float a = 1;"), P3("double a = 1;"), "FIELD_SCALAR_KIND_CHANGED #/M/1", "FIELD_SCALAR_KIND_CHANGED #/M/1" },
        { "int32 changed to an enum", P3("int32 a = 1;"), P3("E a = 1;", "enum E {\n  X = 0;\n}"), null, null },
        { "string changed to an enum", P3("string a = 1;"), P3("E a = 1;", "enum E {\n  X = 0;\n}"), "FIELD_SCALAR_KIND_CHANGED #/M/1", "FIELD_SCALAR_KIND_CHANGED #/M/1" },
        { "string changed to a message", P3("string a = 1;", Sub), P3("Sub a = 1;", Sub), "FIELD_KIND_CHANGED #/M/1", "FIELD_KIND_CHANGED #/M/1" },
        { "message field changed to another message", P3("Sub a = 1;", Sub + "\nmessage Other {\n  int32 x = 1;\n}"), P3("Other a = 1;", Sub + "\nmessage Other {\n  int32 x = 1;\n}"), "FIELD_NAMED_TYPE_CHANGED #/M/1", "FIELD_NAMED_TYPE_CHANGED #/M/1" },
        { "map value kind changed", P3("map<string, int32> a = 1;"), P3("map<string, string> a = 1;"), "FIELD_SCALAR_KIND_CHANGED #/M/1", "FIELD_SCALAR_KIND_CHANGED #/M/1" },
        { "map changed to a repeated message", P3("map<string, int32> a = 1;", Sub), P3("repeated Sub a = 1;", Sub), "FIELD_KIND_CHANGED #/M/1", "FIELD_KIND_CHANGED #/M/1" },
        { "map key widened (one group)", P3("map<int32, string> a = 1;"), P3("map<int64, string> a = 1;"), null, null },
        { "package changed", P3("string a = 1;"), P3("string a = 1;").Replace("package acme;", "package other;", StringComparison.Ordinal), "PACKAGE_CHANGED #/", "PACKAGE_CHANGED #/" },
        { "message removed", P3("string a = 1;", Sub), P3("string a = 1;"), "MESSAGE_REMOVED #/Sub", null },
        { "messages reordered", P3("string a = 1;", Sub), "syntax = \"proto3\";\npackage acme;\n" + Sub + "\nmessage M {\n  string a = 1;\n}\n", null, null },
        { "nested message field changed", P3("string a = 1;\n  message Inner {\n    int32 x = 1;\n  }"), P3("string a = 1;\n  message Inner {\n    string x = 1;\n  }"), "FIELD_SCALAR_KIND_CHANGED #/M/Inner/1", "FIELD_SCALAR_KIND_CHANGED #/M/Inner/1" },
        { "required field added (proto2)", P2("optional string a = 1;"), P2("optional string a = 1;\n  required int32 b = 2;"), "REQUIRED_FIELD_ADDED #/M/2", "REQUIRED_FIELD_REMOVED #/M/2" },
        { "optional number made repeated (proto2)", P2("optional int32 a = 1;"), P2("repeated int32 a = 1;"), "FIELD_NUMERIC_LABEL_CHANGED #/M/1", "FIELD_NUMERIC_LABEL_CHANGED #/M/1" },
        { "optional string made repeated (proto2)", P2("optional string a = 1;"), P2("repeated string a = 1;"), null, null },
        // A proto3 field written without a label has none in Confluent's schema elements: no label is compared.
        { "unlabelled number made repeated (proto3)", P3("int32 a = 1;"), P3("repeated int32 a = 1;"), null, null },
        { "field made proto3 optional", P3("int32 a = 1;"), P3("optional int32 a = 1;"), null, null },
        { "oneof field removed", P3("oneof o {\n    string a = 1;\n    string b = 2;\n  }"), P3("oneof o {\n    string a = 1;\n  }"), "ONEOF_FIELD_REMOVED #/M/o/2", null },
        { "whole oneof removed", P3("int32 x = 3;\n  oneof o {\n    string a = 1;\n    string b = 2;\n  }"), P3("int32 x = 3;"), null, null },
        { "one field moved into a new oneof", P3("string a = 1;\n  string b = 2;"), P3("string b = 2;\n  oneof o {\n    string a = 1;\n  }"), null, null },
        { "two fields moved into a oneof", P3("string a = 1;\n  string b = 2;"), P3("oneof o {\n    string a = 1;\n    string b = 2;\n  }"), "MULTIPLE_FIELDS_MOVED_TO_ONEOF #/M/o", null },
        { "field moved into an existing oneof", P3("string a = 1;\n  oneof o {\n    string b = 2;\n  }"), P3("oneof o {\n    string a = 1;\n    string b = 2;\n  }"), "FIELD_MOVED_TO_EXISTING_ONEOF #/M/o", null },
        { "oneof member type changed", P3("oneof o {\n    string a = 1;\n  }"), P3("oneof o {\n    double a = 1;\n  }"), "FIELD_SCALAR_KIND_CHANGED #/M/o/1", "FIELD_SCALAR_KIND_CHANGED #/M/o/1" },
        { "enum constant added", P3("E a = 1;", "enum E {\n  X = 0;\n}"), P3("E a = 1;", "enum E {\n  X = 0;\n  Y = 1;\n}"), null, null },
        { "enum constant renamed", P3("E a = 1;", "enum E {\n  X = 0;\n}"), P3("E a = 1;", "enum E {\n  Z = 0;\n}"), null, null },
        { "unused enum removed", P3("string a = 1;", "enum E {\n  X = 0;\n}"), P3("string a = 1;"), null, null },
        { "well-known type kept", Wkt("google.protobuf.Timestamp at = 1;"), Wkt("google.protobuf.Timestamp at = 1;"), null, null },
        { "well-known type changed", Wkt("google.protobuf.Timestamp at = 1;"), Wkt("google.protobuf.Duration at = 1;"), "FIELD_NAMED_TYPE_CHANGED #/M/1", "FIELD_NAMED_TYPE_CHANGED #/M/1" },
    };

    private const string Sub = "message Sub {\n  int32 x = 1;\n}";

    private static string P3(string body, string more = "") => $"syntax = \"proto3\";\npackage acme;\n\nmessage M {{\n  {body}\n}}\n{more}\n";

    private static string P2(string body) => $"syntax = \"proto2\";\npackage acme;\n\nmessage M {{\n  {body}\n}}\n";

    private static string Wkt(string body) =>
        $"syntax = \"proto3\";\npackage acme;\nimport \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/duration.proto\";\n\nmessage M {{\n  {body}\n}}\n";

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_is_checked_backward_forward_and_full(string rule, string oldSchema, string newSchema, string? backward, string? forward)
    {
        Assert.False(string.IsNullOrEmpty(rule));
        CompatibilityRules.AssertBothWaysAndFull(level => Check(level, oldSchema, newSchema), backward, forward, NamesDirection);
    }

    [Fact]
    public void Compatible_changes_are_still_reported_as_differences()
    {
        var differences = ProtobufDiff.Compare(
            ProtobufSchemaDocument.Parse(P3("string a = 1;\n  int32 b = 2;", Sub)),
            ProtobufSchemaDocument.Parse(P3("string renamed = 1;\n  int32 c = 3;")));
        Assert.Equal(
            ["FIELD_NAME_CHANGED #/M/1", "FIELD_REMOVED #/M/2", "FIELD_ADDED #/M/3", "MESSAGE_REMOVED #/Sub"],
            differences.Select(d => d.ToString()).ToArray());
        Assert.Equal([true, true, true, false], differences.Select(d => d.IsCompatible).ToArray());
    }

    [Fact]
    public void A_refusal_reads_as_confluents_message_with_the_old_version_and_the_level()
    {
        var messages = Check(CompatibilityLevel.Backward, P3("int32 a = 1;"), P3("sint32 a = 1;"));
        Assert.Equal(
            [
                "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR field at path '#/M/1' in the new schema does not match its kind in the old schema\"}",
                "{oldSchemaVersion: 1}",
                "{oldSchema: '" + ProtobufSchemaDocument.Parse(P3("int32 a = 1;")).CanonicalString + "'}",
                "{validateFields: 'false', compatibility: 'BACKWARD'}",
            ],
            messages);
    }

    [Fact]
    public void A_protobuf_schema_following_a_json_schema_is_of_a_different_type()
    {
        var candidate = ProtobufSchemaDocument.Parse(P3("string a = 1;"));
        var messages = CompatibilityChecker.Check(CompatibilityLevel.Backward, candidate, [new PreviousSchema(1, "{\"type\":\"string\"}", null, "JSON")]);
        Assert.Equal("Incompatible because of different schema type", messages[0]);
    }

    [Fact]
    public void Transitive_levels_check_every_earlier_version_and_plain_ones_only_the_latest()
    {
        // v1 has a message Sub, v2 drops it, the candidate adds a field: BACKWARD against v2 holds, BACKWARD_TRANSITIVE
        // finds v1's message missing.
        var v1 = ProtobufSchemaDocument.Parse(P3("string a = 1;", Sub));
        var v2 = ProtobufSchemaDocument.Parse(P3("string a = 1;"));
        var candidate = ProtobufSchemaDocument.Parse(P3("string a = 1;\n  int64 b = 2;"));
        PreviousSchema[] previous = [new(1, v1.CanonicalString, null, "PROTOBUF", null, v1), new(2, v2.CanonicalString, null, "PROTOBUF", null, v2)];
        Assert.Empty(CompatibilityChecker.Check(CompatibilityLevel.Backward, candidate, previous));
        var transitive = CompatibilityChecker.Check(CompatibilityLevel.BackwardTransitive, candidate, previous);
        Assert.StartsWith("{errorType:\"MESSAGE_REMOVED\"", transitive[0], StringComparison.Ordinal);
        Assert.Contains("{oldSchemaVersion: 1}", transitive);
    }

    private static IReadOnlyList<string> Check(CompatibilityLevel level, string oldSchema, string newSchema)
    {
        var old = ProtobufSchemaDocument.Parse(oldSchema);
        return CompatibilityChecker.Check(level, ProtobufSchemaDocument.Parse(newSchema), [new PreviousSchema(1, old.CanonicalString, null, "PROTOBUF", null, old)]);
    }

    // Confluent's Protobuf messages name both schemas ("in the new schema ... in the old schema").
    private static bool NamesDirection(string message, string first, string second) =>
        message.Contains($" {first} schema", StringComparison.Ordinal) && message.Contains($" {second} schema", StringComparison.Ordinal);
}
