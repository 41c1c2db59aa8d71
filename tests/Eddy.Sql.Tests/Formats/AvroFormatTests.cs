using CsCheck;
using Eddy.Avro;
using Eddy.Sql.Formats;
using Eddy.Sql.Formats.Avro;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Formats;

[Trait("Category", "Unit")]
public class AvroFormatTests
{
    private static RowFormat Avro(params (string Key, string Value)[] options) =>
        FormatRegistry.Default.Find("avro").Create(options.ToDictionary(o => o.Key, o => o.Value));

    // What Flink's legacy mapping carries: no intervals, no TIMESTAMP_LTZ, TIME and TIMESTAMP to milliseconds.
    internal static readonly TypeRules AvroRules = new()
    {
        Intervals = false, TimestampLtz = false, MaxTimePrecision = 3, MaxTimestampPrecision = 3,
    };

    [Fact]
    public void Random_rows_read_back_as_written()
    {
        var format = Avro();
        RandomRows.TypedRow(AvroRules).Sample(
            (type, row) => Assert.True(row.Equals(RandomRows.RoundTrip(format, type, row)), RandomRows.Describe(type, row)),
            iter: 400);
    }

    [Fact]
    public void Random_rows_with_the_new_timestamp_mapping_read_back_with_microseconds_and_local_time_zone_timestamps()
    {
        var format = Avro(("avro.timestamp_mapping.legacy", "false"));
        RandomRows.TypedRow(AvroRules with { TimestampLtz = true, MaxTimestampPrecision = 6 }).Sample(
            (type, row) => Assert.True(row.Equals(RandomRows.RoundTrip(format, type, row)), RandomRows.Describe(type, row)),
            iter: 300);
    }

    [Fact]
    public void The_schema_is_Flinks_derivation_a_record_named_record_with_nullable_unions_and_logical_types()
    {
        var type = SqlType.Row(
            new SqlField("id", SqlType.BigInt.NotNull()), new SqlField("name", SqlType.String), new SqlField("price", SqlType.Decimal(10, 2)),
            new SqlField("ts", SqlType.Timestamp(3)), new SqlField("day", SqlType.Date.NotNull()), new SqlField("at", SqlType.Time(3)),
            new SqlField("tags", SqlType.Array(SqlType.String)), new SqlField("addr", SqlType.Row(new SqlField("city", SqlType.String))),
            new SqlField("attrs", SqlType.Map(SqlType.String, SqlType.Int)));
        var expected = AvroSchema.Parse("""
            {"type":"record","name":"record","namespace":"org.apache.flink.avro.generated","fields":[
              {"name":"id","type":"long"},
              {"name":"name","type":["null","string"],"default":null},
              {"name":"price","type":["null",{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}],"default":null},
              {"name":"ts","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null},
              {"name":"day","type":{"type":"int","logicalType":"date"}},
              {"name":"at","type":["null",{"type":"int","logicalType":"time-millis"}],"default":null},
              {"name":"tags","type":["null",{"type":"array","items":["null","string"]}],"default":null},
              {"name":"addr","type":["null",{"type":"record","name":"record_addr","fields":[{"name":"city","type":["null","string"],"default":null}]}],"default":null},
              {"name":"attrs","type":["null",{"type":"map","values":["null","int"]}],"default":null}]}
            """);
        var derived = AvroSchemaConverter.ToSchema(type, legacyTimestampMapping: true);
        Assert.Equal(expected.ToCanonicalString(), derived.ToCanonicalString());
        var record = Assert.IsType<RecordSchema>(derived);
        Assert.False(record.Fields[0].HasDefault);
        Assert.True(record.Fields[1].HasDefault);
    }

    [Fact]
    public void A_row_is_written_in_Avros_binary_encoding_as_Flink_writes_it()
    {
        var type = SqlType.Row(new SqlField("id", SqlType.Int.NotNull()), new SqlField("name", SqlType.String), new SqlField("price", SqlType.Decimal(5, 2)));
        var bytes = RandomRows.Serialize(Avro().CreateSerializer(type), Row.Of([SqlType.Int, SqlType.String, SqlType.Decimal(5, 2)], -2, "ab", -1.5m));
        // id: zigzag(-2) = 3; name: branch 1, length 2, "ab"; price: branch 1, length 1, -150 as one byte 0x6A (two's complement of -150 needs two: FF 6A).
        Assert.Equal(new byte[] { 3, 2, 4, (byte)'a', (byte)'b', 2, 4, 0xFF, 0x6A }, bytes);
    }

    [Fact]
    public void Types_Avro_cannot_carry_are_Flinks_errors()
    {
        Assert.Equal("Avro does not support TIMESTAMP type with precision: 6, it only supports precision less than 3.",
            Assert.Throws<FormatValidationException>(() => Avro().CreateSerializer(SqlType.Row(new SqlField("ts", SqlType.Timestamp(6))))).Message);
        Assert.Equal("Unsupported to derive Schema for type: TIMESTAMP_LTZ(3)",
            Assert.Throws<FormatValidationException>(() => Avro().CreateDeserializer(SqlType.Row(new SqlField("ts", SqlType.TimestampLtz(3))))).Message);
        Assert.Equal("Avro format doesn't support non-string as key type of map. The key type is: INT",
            Assert.Throws<FormatValidationException>(() => Avro().CreateSerializer(SqlType.Row(new SqlField("m", SqlType.Map(SqlType.Int, SqlType.Int))))).Message);
    }

    [Fact]
    public void A_truncated_record_is_an_error_and_a_projection_keeps_the_asked_fields()
    {
        var type = SqlType.Row(new SqlField("a", SqlType.Int), new SqlField("b", SqlType.String));
        var bytes = RandomRows.Serialize(Avro().CreateSerializer(type), Row.Of([SqlType.Int, SqlType.String], 1, "xyz"))!;
        Assert.StartsWith("Failed to deserialize Avro record", Assert.Throws<FormatParseException>(() => RandomRows.Deserialize(Avro().CreateDeserializer(type), bytes.AsSpan(0, 4))).Message, StringComparison.Ordinal);
        var row = Assert.Single(RandomRows.Deserialize(Avro().CreateDeserializer(type, [1]), bytes)).Row;
        Assert.Equal(Row.Of([SqlType.String], "xyz"), row);
    }
}
