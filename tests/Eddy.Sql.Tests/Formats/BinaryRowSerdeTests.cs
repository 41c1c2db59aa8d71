using System.Buffers;
using CsCheck;
using Eddy.Sql.Formats;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Formats;

[Trait("Category", "Unit")]
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

    [Fact]
    public void Rows_written_side_by_side_read_back_in_turn_and_the_position_ends_past_the_last()
    {
        var types = new[] { SqlType.Int, SqlType.String };
        var serde = new BinaryRowSerde(types);
        var buffer = new ArrayBufferWriter<byte>();
        serde.Serialize(Row.Of(types, 1, "one"), buffer);
        serde.Serialize(Row.Of(types, null, "two"), buffer);
        var position = 0;
        Assert.Equal(Row.Of(types, 1, "one"), serde.ReadAt(buffer.WrittenSpan, ref position));
        Assert.Equal(Row.Of(types, null, "two"), serde.ReadAt(buffer.WrittenSpan, ref position));
        Assert.Equal(buffer.WrittenCount, position);
    }

    [Fact]
    public void One_serde_serializes_correctly_from_several_threads_at_once()
    {
        // A job's topology, and so its serdes, is shared by the worker's stream threads.
        var types = new[] { SqlType.BigInt, SqlType.String };
        var serde = new BinaryRowSerde(types);
        Parallel.For(0, 4, thread =>
        {
            for (var i = 0L; i < 20_000; i++)
            {
                var row = Row.Of(types, (thread * 1_000_000L) + i, new string('x', (int)(i % 50)));
                Assert.Equal(row, serde.Deserialize(serde.Serialize(row)));
            }
        });
    }
}
