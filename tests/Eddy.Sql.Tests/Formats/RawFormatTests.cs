using System.Text;
using CsCheck;
using Eddy.Sql.Formats;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Formats;

[Trait("Category", "Unit")]
public class RawFormatTests
{
    private static RowFormat Raw(params (string Key, string Value)[] options) =>
        FormatRegistry.Default.Find("raw").Create(options.ToDictionary(o => o.Key, o => o.Value));

    private static SqlType Column(SqlType type) => SqlType.Row(new SqlField("v", type));

    [Fact]
    public void A_string_is_its_bytes_in_the_charset()
    {
        var type = Column(SqlType.String);
        var row = Row.Of([SqlType.String], "héllo");
        Assert.Equal(Encoding.UTF8.GetBytes("héllo"), RandomRows.Serialize(Raw().CreateSerializer(type), row));
        Assert.Equal(Encoding.BigEndianUnicode.GetBytes("héllo"), RandomRows.Serialize(Raw(("raw.charset", "UTF-16BE")).CreateSerializer(type), row));
        Assert.Equal(row, Assert.Single(RandomRows.Deserialize(Raw(("raw.charset", "UTF-16BE")).CreateDeserializer(type), Encoding.BigEndianUnicode.GetBytes("héllo"))).Row);
    }

    [Fact]
    public void Numbers_are_written_in_the_byte_order_asked_for()
    {
        var type = Column(SqlType.Int);
        var row = Row.Of([SqlType.Int], 0x01020304);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, RandomRows.Serialize(Raw().CreateSerializer(type), row));
        Assert.Equal(new byte[] { 4, 3, 2, 1 }, RandomRows.Serialize(Raw(("raw.endianness", "little-endian")).CreateSerializer(type), row));
        Assert.Equal(BitConverter.GetBytes(1.5).Reverse(), RandomRows.Serialize(Raw().CreateSerializer(Column(SqlType.Double)), Row.Of([SqlType.Double], 1.5)));
    }

    [Fact]
    public void A_null_column_is_a_null_message_and_back()
    {
        var type = Column(SqlType.Bytes);
        Assert.Null(RandomRows.Serialize(Raw().CreateSerializer(type), new Row(1)));
        var rows = new RowBuffer();
        Raw().CreateDeserializer(type).DeserializeNull(rows);
        Assert.True(Assert.Single(rows.Rows).Row.IsNull(0));
    }

    [Theory]
    [InlineData("big-endian")]
    [InlineData("little-endian")]
    public void Random_values_of_every_raw_type_read_back_as_written(string endianness)
    {
        var format = Raw(("raw.endianness", endianness));
        var types = Gen.OneOf(Gen.Const(SqlType.Boolean), Gen.Const(SqlType.TinyInt), Gen.Const(SqlType.SmallInt), Gen.Const(SqlType.Int),
            Gen.Const(SqlType.BigInt), Gen.Const(SqlType.Float), Gen.Const(SqlType.Double), Gen.Const(SqlType.String), Gen.Const(SqlType.Bytes));
        types.SelectMany(t => RandomRows.Row(Column(t), new TypeRules()).Select(r => (t, r))).Sample((t, row) =>
        {
            var bytes = RandomRows.Serialize(format.CreateSerializer(Column(t)), row);
            var rows = new RowBuffer();
            var deserializer = format.CreateDeserializer(Column(t));
            if (bytes is null)
                deserializer.DeserializeNull(rows);
            else
                deserializer.Deserialize(bytes, rows);
            Assert.Equal(row, Assert.Single(rows.Rows).Row);
        }, iter: 300);
    }

    [Fact]
    public void A_message_of_the_wrong_size_names_the_column_and_the_sizes()
    {
        var error = Assert.Throws<FormatParseException>(() => RandomRows.Deserialize(Raw().CreateDeserializer(Column(SqlType.BigInt)), new byte[3]));
        Assert.Equal("The raw message has 3 bytes, but a BIGINT column 'v' takes 8.", error.Message);
    }

    [Fact]
    public void Several_columns_an_unsupported_type_a_bad_charset_or_endianness_are_Flinks_errors()
    {
        Assert.Equal("The 'raw' format only supports single physical column. However the defined schema contains multiple physical columns: ROW<`a` INT, `b` INT>",
            Assert.Throws<FormatValidationException>(() => Raw().CreateSerializer(SqlType.Row(new SqlField("a", SqlType.Int), new SqlField("b", SqlType.Int)))).Message);
        Assert.Equal("The 'raw' format doesn't supports 'DATE' as column type.",
            Assert.Throws<FormatValidationException>(() => Raw().CreateDeserializer(Column(SqlType.Date))).Message);
        Assert.Equal("Unsupported 'raw.charset' charset: EBCDIC-X.", Assert.Throws<FormatValidationException>(() => Raw(("raw.charset", "EBCDIC-X"))).Message);
        Assert.Equal("Unsupported endianness name: middle.", Assert.Throws<FormatValidationException>(() => Raw(("raw.endianness", "middle"))).Message);
    }
}
