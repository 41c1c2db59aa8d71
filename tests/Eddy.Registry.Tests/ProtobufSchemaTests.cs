using Eddy.Registry.Protobuf;

namespace Eddy.Registry.Tests;

/// <summary>Parsing <c>.proto</c> texts (proto2 and proto3), the form the registry stores, and message indexes.</summary>
public class ProtobufSchemaTests
{
    private const string Order = """
        // An order, as a user writes it: comments, blank lines, one-line oneofs.
        syntax = "proto3";
        package com.acme;

        import "google/protobuf/timestamp.proto";
        option java_package = "com.acme.proto";

        message Order {
          string id = 1;   // trailing comment
          optional int32 qty = 2;
          map<string, Line> lines = 3;
          google.protobuf.Timestamp at = 4;
          oneof payment { string card = 5; Line other = 6; }
          reserved 9, 10 to 12;
          reserved "legacy";
          repeated int64 codes = 7 [packed = false];
          message Line { int64 n = 1; Kind kind = 2; }
          enum Kind { A = 0; B = 1; }
        }

        enum Status { UNKNOWN = 0; DONE = 1 [deprecated = true]; }
        message Ack { Status status = 1; }
        """;

    [Fact]
    public void A_schema_is_stored_in_confluents_printed_form()
    {
        var document = ProtobufSchemaDocument.Parse(Order);
        Assert.Equal(
            """
            syntax = "proto3";
            package com.acme;

            import "google/protobuf/timestamp.proto";

            option java_package = "com.acme.proto";

            message Order {
              reserved 9, 10 to 12;
              reserved "legacy";

              string id = 1;
              optional int32 qty = 2;
              map<string, Line> lines = 3;
              google.protobuf.Timestamp at = 4;
              repeated int64 codes = 7 [packed = false];

              oneof payment {
                string card = 5;
                Line other = 6;
              }

              message Line {
                int64 n = 1;
                Kind kind = 2;
              }
              enum Kind {
                A = 0;
                B = 1;
              }
            }
            message Ack {
              Status status = 1;
            }
            enum Status {
              UNKNOWN = 0;
              DONE = 1 [deprecated = true];
            }

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            document.CanonicalString);
        // The printed form parses to itself.
        Assert.Equal(document.CanonicalString, ProtobufSchemaDocument.Parse(document.CanonicalString).CanonicalString);
    }

    [Fact]
    public void Proto2_labels_defaults_and_extension_ranges_are_kept()
    {
        var document = ProtobufSchemaDocument.Parse(
            "syntax = \"proto2\";\nmessage A {\n  required int32 a = 1;\n  optional string b = 2 [default = \"x\"];\n  repeated bytes c = 3;\n  extensions 100 to max;\n}\n");
        Assert.Equal(
            "syntax = \"proto2\";\n\nmessage A {\n  required int32 a = 1;\n  optional string b = 2 [default = \"x\"];\n  repeated bytes c = 3;\n\n  extensions 100 to max;\n}\n",
            document.CanonicalString);
    }

    [Theory]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  int32 x = 1\n}\n", "line 4, column 1")]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  Missing m = 1;\n}\n", "line 3, column 3")]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  int32 x = 1;\n  int32 y = 1;\n}\n", "line 4")]
    [InlineData("syntax = \"proto3\";\nimport \"other.proto\";\nmessage A {\n  int32 x = 1;\n}\n", "other.proto")]
    public void An_invalid_schema_says_what_is_wrong_and_where(string text, string where)
    {
        var e = Assert.Throws<ProtobufSchemaException>(() => ProtobufSchemaDocument.Parse(text));
        Assert.Contains(where, e.Message, StringComparison.Ordinal);
        Assert.True(e.Line > 0);
    }

    [Fact]
    public void Message_indexes_follow_declaration_order_depth_first_without_map_entries()
    {
        var document = ProtobufSchemaDocument.Parse(Order);
        Assert.Equal(["com.acme.Order", "com.acme.Order.Line", "com.acme.Ack"], document.MessageNames);
        Assert.Equal([0], document.MessageIndexes("com.acme.Order"));
        // Order's synthetic LinesEntry comes before Line among its nested types, but is no message of the schema.
        Assert.Equal([0, 0], document.MessageIndexes("com.acme.Order.Line"));
        Assert.Equal([1], document.MessageIndexes("com.acme.Ack"));
        foreach (var name in document.MessageNames)
        {
            Assert.Equal(name, document.MessageName(document.MessageIndexes(name)));
        }
        Assert.Throws<ArgumentException>(() => document.MessageIndexes("com.acme.Missing"));
        Assert.Throws<ArgumentException>(() => document.MessageName([2]));
    }
}
