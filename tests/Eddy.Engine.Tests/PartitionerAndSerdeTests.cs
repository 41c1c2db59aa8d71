using System.Text;
using Eddy.Engine.Runtime;

namespace Eddy.Engine.Tests;

public class PartitionerAndSerdeTests
{
    // Kafka's UtilsTest.testMurmur2 vectors.
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    [InlineData("", 275646681)]
    public void Murmur2_matches_kafkas_utils(string input, int expected) =>
        Assert.Equal(expected, Murmur2Partitioner.Murmur2(Encoding.UTF8.GetBytes(input)));

    [Fact]
    public void Partition_is_the_positive_hash_modulo_the_partitions() =>
        Assert.Equal(16, Murmur2Partitioner.Partition("foobar"u8, 50));

    [Fact]
    public void Numbers_are_big_endian_like_kafkas_serializers()
    {
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 1, 2 }, Serdes.Long.Serialize(258));
        Assert.Equal(new byte[] { 0, 0, 1, 2 }, Serdes.Int.Serialize(258));
        Assert.Equal(-5L, Serdes.Long.Deserialize(Serdes.Long.Serialize(-5)));
        Assert.Equal(2.5, Serdes.Double.Deserialize(Serdes.Double.Serialize(2.5)));
    }

    [Fact]
    public void Json_string_and_windowed_serdes_round_trip()
    {
        var json = Serdes.Json<Order>();
        Assert.Equal(new Order("a", 3), json.Deserialize(json.Serialize(new Order("a", 3))));
        Assert.Equal("héllo", Serdes.String.Deserialize(Serdes.String.Serialize("héllo")));
        var windowed = Serdes.Windowed(Serdes.String);
        Assert.Equal(new Windowed<string>("k", 10, 20), windowed.Deserialize(windowed.Serialize(new Windowed<string>("k", 10, 20))));
    }

    [Fact]
    public void Writing_into_a_buffer_gives_the_same_bytes_as_serializing_to_an_array()
    {
        static void Same<T>(ISerde<T> serde, T value)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            System.Buffers.BuffersExtensions.Write(buffer, new byte[] { 9 }); // appends after what is there
            serde.Serialize(value, buffer);
            Assert.Equal([9, .. serde.Serialize(value)], buffer.WrittenSpan.ToArray());
        }

        Same(Serdes.String, "héllo");
        Same(Serdes.Long, -2L);
        Same(Serdes.Int, 7);
        Same(Serdes.Double, 1.25);
        Same(Serdes.Bytes, new byte[] { 1, 2 });
        Same(Serdes.Json<Order>(), new Order("c", 1));
        Same(Serdes.Windowed(Serdes.String), new Windowed<string>("k", 1, 2));
    }

    public sealed record Order(string Customer, int Amount);
}
