using System.Buffers;
using CsCheck;
using Eddy.Sql.Formats;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Formats;

public class BinaryRowSerdeTests
{
    [Fact]
    public void Random_rows_of_every_type_read_back_as_written_through_both_serialize_paths()
    {
        RandomRows.TypedRow(new TypeRules { Depth = 3 }, maxFields: 8).Sample((type, row) =>
        {
            var serde = new BinaryRowSerde([.. type.Fields.Select(f => f.Type)]);
            var bytes = serde.Serialize(row);
            Assert.True(row.Equals(serde.Deserialize(bytes)), RandomRows.Describe(type, row));
            var buffer = new ArrayBufferWriter<byte>();
            serde.Serialize(row, buffer);
            Assert.Equal(bytes, buffer.WrittenSpan.ToArray());
        }, iter: 500);
    }

    [Fact]
    public void Small_values_take_few_bytes()
    {
        var types = new[] { SqlType.BigInt, SqlType.String, SqlType.Int };
        // One bitmap byte (the third column NULL), zigzag 5 in one byte, "ab" in a length byte and two bytes.
        Assert.Equal(new byte[] { 0b100, 10, 2, (byte)'a', (byte)'b' }, new BinaryRowSerde(types).Serialize(Row.Of(types, 5L, "ab", null)));
    }

    [Fact]
    public void Truncated_bytes_are_a_precise_error()
    {
        var types = new[] { SqlType.String };
        var bytes = new BinaryRowSerde(types).Serialize(Row.Of(types, "hello"));
        var error = Assert.Throws<FormatParseException>(() => new BinaryRowSerde(types).Deserialize(bytes.AsSpan(0, 4)));
        Assert.StartsWith("The binary row is corrupt at byte", error.Message, StringComparison.Ordinal);
    }
}
