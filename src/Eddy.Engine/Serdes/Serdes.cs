using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Eddy.Engine;

/// <summary>The built-in serdes. Numbers are big-endian, as Kafka's own serializers write them, so keys hash alike.</summary>
public static class Serdes
{
    public static ISerde<string> String { get; } = new StringSerde();

    public static ISerde<byte[]> Bytes { get; } = new BytesSerde();

    public static ISerde<long> Long { get; } = new LongSerde();

    public static ISerde<int> Int { get; } = new IntSerde();

    public static ISerde<double> Double { get; } = new DoubleSerde();

    /// <summary>Windowed keys (window aggregation results) over the serde of the grouping key.</summary>
    public static ISerde<Windowed<TKey>> Windowed<TKey>(ISerde<TKey> keySerde) => new WindowedSerde<TKey>(keySerde);

    /// <summary>JSON through System.Text.Json, for POCOs and records.</summary>
    public static ISerde<T> Json<T>(JsonSerializerOptions? options = null) => new JsonSerde<T>(options);

    private sealed class StringSerde : ISerde<string>
    {
        public byte[] Serialize(string value) => Encoding.UTF8.GetBytes(value);

        public void Serialize(string value, IBufferWriter<byte> into) => Encoding.UTF8.GetBytes(value, into);

        public string Deserialize(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);
    }

    private sealed class BytesSerde : ISerde<byte[]>
    {
        public byte[] Serialize(byte[] value) => value;

        public void Serialize(byte[] value, IBufferWriter<byte> into) => into.Write(value);

        public byte[] Deserialize(ReadOnlySpan<byte> data) => data.ToArray();
    }

    private sealed class LongSerde : ISerde<long>
    {
        public byte[] Serialize(long value)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            return bytes;
        }

        public void Serialize(long value, IBufferWriter<byte> into)
        {
            BinaryPrimitives.WriteInt64BigEndian(into.GetSpan(8), value);
            into.Advance(8);
        }

        public long Deserialize(ReadOnlySpan<byte> data) => BinaryPrimitives.ReadInt64BigEndian(data);
    }

    private sealed class IntSerde : ISerde<int>
    {
        public byte[] Serialize(int value)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(bytes, value);
            return bytes;
        }

        public void Serialize(int value, IBufferWriter<byte> into)
        {
            BinaryPrimitives.WriteInt32BigEndian(into.GetSpan(4), value);
            into.Advance(4);
        }

        public int Deserialize(ReadOnlySpan<byte> data) => BinaryPrimitives.ReadInt32BigEndian(data);
    }

    private sealed class DoubleSerde : ISerde<double>
    {
        public byte[] Serialize(double value)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteDoubleBigEndian(bytes, value);
            return bytes;
        }

        public void Serialize(double value, IBufferWriter<byte> into)
        {
            BinaryPrimitives.WriteDoubleBigEndian(into.GetSpan(8), value);
            into.Advance(8);
        }

        public double Deserialize(ReadOnlySpan<byte> data) => BinaryPrimitives.ReadDoubleBigEndian(data);
    }

    private sealed class JsonSerde<T>(JsonSerializerOptions? options) : ISerde<T>
    {
        public byte[] Serialize(T value) => JsonSerializer.SerializeToUtf8Bytes(value, options);

        public void Serialize(T value, IBufferWriter<byte> into)
        {
            using var writer = new Utf8JsonWriter(into);
            JsonSerializer.Serialize(writer, value, options);
        }

        public T Deserialize(ReadOnlySpan<byte> data) =>
            JsonSerializer.Deserialize<T>(data, options) ?? throw new JsonException("The JSON value is null.");
    }
}
