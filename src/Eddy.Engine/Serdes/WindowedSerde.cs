using System.Buffers.Binary;

namespace Eddy.Engine;

/// <summary>A windowed key as the inner key's bytes followed by the window start and end (8 bytes each, big-endian).</summary>
internal sealed class WindowedSerde<TKey>(ISerde<TKey> inner) : ISerde<Windowed<TKey>>
{
    public byte[] Serialize(Windowed<TKey> value)
    {
        var key = inner.Serialize(value.Key);
        var bytes = new byte[key.Length + 16];
        key.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(key.Length), value.Start);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(key.Length + 8), value.End);
        return bytes;
    }

    public Windowed<TKey> Deserialize(ReadOnlySpan<byte> data)
    {
        var keyLength = data.Length - 16;
        return new Windowed<TKey>(
            inner.Deserialize(data[..keyLength]),
            BinaryPrimitives.ReadInt64BigEndian(data[keyLength..]),
            BinaryPrimitives.ReadInt64BigEndian(data[(keyLength + 8)..]));
    }
}
