using System.Text;
using CsCheck;
using Eddy.Engine.Records;
using Eddy.Sql.Formats;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Formats;

[Trait("Category", "Unit")]
public class DebeziumJsonFormatTests
{
    private static RowFormat Debezium(params (string Key, string Value)[] options) =>
        FormatRegistry.Default.Find("debezium-json").Create(options.ToDictionary(o => o.Key, o => o.Value));

    // The products table of Flink's Debezium documentation (and Debezium's MySQL tutorial).
    private static readonly SqlType Products = SqlType.Row(
        new SqlField("id", SqlType.BigInt), new SqlField("name", SqlType.String),
        new SqlField("description", SqlType.String), new SqlField("weight", SqlType.Decimal(10, 2)));

    private static Row Product(long id, string name, string description, decimal weight) =>
        Row.Of([SqlType.BigInt, SqlType.String, SqlType.String, SqlType.Decimal(10, 2)], id, name, description, weight);

    private const string UpdateEvent = """
        {
          "before": {"id": 111, "name": "scooter", "description": "Big 2-wheel scooter", "weight": 5.18},
          "after": {"id": 111, "name": "scooter", "description": "Big 2-wheel scooter", "weight": 5.15},
          "source": {"version": "1.1.1.Final", "connector": "mysql", "name": "dbserver1", "ts_ms": 0, "snapshot": "false",
                     "db": "inventory", "table": "products", "server_id": 0, "gtid": null, "file": "mysql-bin.000003", "pos": 154,
                     "row": 0, "thread": null, "query": null},
          "op": "u",
          "ts_ms": 1589362330904,
          "transaction": null
        }
        """;

    private static IReadOnlyList<(RowKind Kind, Row Row)> Decode(RowFormat format, string json) =>
        RandomRows.Deserialize(format.CreateDeserializer(Products), Encoding.UTF8.GetBytes(json));

    [Fact]
    public void An_update_event_from_Debeziums_documentation_is_an_update_before_and_an_update_after()
    {
        Assert.Equal(
            [(RowKind.UpdateBefore, Product(111, "scooter", "Big 2-wheel scooter", 5.18m)), (RowKind.UpdateAfter, Product(111, "scooter", "Big 2-wheel scooter", 5.15m))],
            Decode(Debezium(), UpdateEvent));
    }

    [Theory]
    [InlineData("c", RowKind.Insert)]
    [InlineData("r", RowKind.Insert)]
    public void Create_and_snapshot_read_events_are_insertions_of_after(string op, RowKind kind)
    {
        var json = $$"""{"before":null,"after":{"id":101,"name":"scooter","description":"Small 2-wheel scooter","weight":3.14},"op":"{{op}}","ts_ms":1589355606100}""";
        Assert.Equal([(kind, Product(101, "scooter", "Small 2-wheel scooter", 3.14m))], Decode(Debezium(), json));
    }

    [Fact]
    public void A_delete_event_is_a_deletion_of_before_and_a_tombstone_is_nothing()
    {
        var json = """{"before":{"id":111,"name":"scooter","description":"Big 2-wheel scooter","weight":5.17},"after":null,"op":"d"}""";
        Assert.Equal([(RowKind.Delete, Product(111, "scooter", "Big 2-wheel scooter", 5.17m))], Decode(Debezium(), json));
        Assert.Empty(Decode(Debezium(), ""));
        var rows = new RowBuffer();
        Debezium().CreateDeserializer(Products).DeserializeNull(rows);
        Assert.Equal(0, rows.Count);
    }

    [Fact]
    public void With_schema_include_the_event_is_read_from_the_payload()
    {
        var json = """
            {"schema":{"type":"struct","fields":[{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"}],"optional":true,"field":"before"}],"optional":false},
             "payload":{"before":null,"after":{"id":101,"name":"scooter","description":"Small 2-wheel scooter","weight":3.14},"op":"c"}}
            """;
        Assert.Equal([(RowKind.Insert, Product(101, "scooter", "Small 2-wheel scooter", 3.14m))], Decode(Debezium(("debezium-json.schema-include", "true")), json));
        var error = Assert.Throws<FormatParseException>(() => Decode(Debezium(), json));
        Assert.Contains("please set 'debezium-json.schema-include' to 'true'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_op_is_Flinks_error()
    {
        var error = Assert.Throws<FormatParseException>(() => Decode(Debezium(), """{"before":null,"after":null,"op":"t"}"""));
        Assert.StartsWith("Unknown \"op\" value \"t\". The Debezium JSON message is '", error.Message, StringComparison.Ordinal);
        Assert.Empty(Decode(Debezium(("debezium-json.ignore-parse-errors", "true")), """{"before":null,"after":null,"op":"t"}"""));
    }

    [Fact]
    public void An_update_without_before_is_Flinks_error_about_replica_identity()
    {
        var error = Assert.Throws<FormatParseException>(() => Decode(Debezium(), """{"before":null,"after":{"id":1},"op":"u"}"""));
        Assert.StartsWith("The \"before\" field of UPDATE message is null, if you are using Debezium Postgres Connector", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_field_in_after_names_its_path()
    {
        var error = Assert.Throws<FormatParseException>(() => Decode(Debezium(), """{"before":null,"after":{"id":"one"},"op":"c"}"""));
        Assert.Equal("after.id", error.Path);
        Assert.StartsWith("Corrupt Debezium JSON message '", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_are_written_as_Flinks_Debezium_envelopes()
    {
        var serializer = Debezium().CreateSerializer(Products);
        var row = Product(1, "a", "b", 2.5m);
        string Write(RowKind kind) => Encoding.UTF8.GetString(RandomRows.Serialize(serializer, row, kind)!);
        const string Json = """{"id":1,"name":"a","description":"b","weight":2.50}""";
        Assert.Equal($$"""{"before":null,"after":{{Json}},"op":"c"}""", Write(RowKind.Insert));
        Assert.Equal($$"""{"before":null,"after":{{Json}},"op":"c"}""", Write(RowKind.UpdateAfter));
        Assert.Equal($$"""{"before":{{Json}},"after":null,"op":"d"}""", Write(RowKind.UpdateBefore));
        Assert.Equal($$"""{"before":{{Json}},"after":null,"op":"d"}""", Write(RowKind.Delete));
    }

    [Fact]
    public void Random_changes_read_back_as_written_kinds_of_their_envelopes()
    {
        var format = Debezium();
        Gen.Select(RandomRows.TypedRow(new TypeRules()), Gen.Int[0, 3]).Sample((typed, k) =>
        {
            var (type, row) = typed;
            var kind = (RowKind)k;
            var bytes = RandomRows.Serialize(format.CreateSerializer(type), row, kind)!;
            var (readKind, readRow) = Assert.Single(RandomRows.Deserialize(format.CreateDeserializer(type), bytes));
            Assert.Equal(kind is RowKind.Insert or RowKind.UpdateAfter ? RowKind.Insert : RowKind.Delete, readKind);
            Assert.True(row.Equals(readRow), RandomRows.Describe(type, row));
        }, iter: 200);
    }

    [Fact]
    public void Serializing_with_schema_include_is_Flinks_error_and_the_format_is_a_changelog()
    {
        var format = Debezium(("debezium-json.schema-include", "true"));
        Assert.Equal(FormatChangelogMode.All, format.ChangelogMode);
        var error = Assert.Throws<FormatValidationException>(() => format.CreateSerializer(Products));
        Assert.Equal("Debezium JSON serialization doesn't support 'debezium-json.schema-include' option been set to true.", error.Message);
    }
}
