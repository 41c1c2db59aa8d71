using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Eddy.Protocol;

/// <summary>
/// Reads Kafka primitive types from one contiguous frame. Every read checks the remaining length and
/// throws <see cref="KafkaProtocolException"/> rather than reading past the frame, so a malformed request
/// can never make the broker allocate or index blindly.
/// </summary>
public ref struct KafkaReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public KafkaReader(ReadOnlyMemory<byte> frame)
    {
        _memory = frame;
        _span = frame.Span;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _span.Length - _position;

    public readonly bool End => _position >= _span.Length;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _span.Length - _position)
        {
            ThrowTruncated(count);
        }
        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    public bool ReadBool() => Take(1)[0] != 0;

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    public Uuid ReadUuid() => Uuid.FromBytes(Take(16));

    public uint ReadUnsignedVarInt()
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Take(1)[0];
            value |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new KafkaProtocolException("Unsigned varint is longer than 5 bytes.");
    }

    public int ReadVarInt()
    {
        var raw = ReadUnsignedVarInt();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    public long ReadVarLong()
    {
        ulong raw = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Take(1)[0];
            raw |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(raw >> 1) ^ -(long)(raw & 1);
            }
        }
        throw new KafkaProtocolException("Varlong is longer than 10 bytes.");
    }

    /// <summary>Length of a compact field: the unsigned varint holds length + 1, 0 meaning null (-1).</summary>
    public int ReadCompactLength()
    {
        var raw = ReadUnsignedVarInt();
        if (raw > int.MaxValue)
        {
            throw new KafkaProtocolException($"Compact length {raw} is out of range.");
        }
        return (int)raw - 1;
    }

    private string? ReadString(int length, bool nullable)
    {
        if (length < 0)
        {
            if (length == -1 && nullable)
            {
                return null;
            }
            throw new KafkaProtocolException($"Invalid string length {length}.");
        }
        try
        {
            return Encoding.UTF8.GetString(Take(length));
        }
        catch (DecoderFallbackException e)
        {
            throw new KafkaProtocolException("String is not valid UTF-8.", e);
        }
    }

    public string ReadString() => ReadString(ReadInt16(), nullable: false)!;

    public string? ReadNullableString() => ReadString(ReadInt16(), nullable: true);

    public string ReadCompactString() => ReadString(ReadCompactLength(), nullable: false)!;

    public string? ReadCompactNullableString() => ReadString(ReadCompactLength(), nullable: true);

    private ReadOnlyMemory<byte>? ReadBytes(int length, bool nullable)
    {
        if (length < 0)
        {
            if (length == -1 && nullable)
            {
                return null;
            }
            throw new KafkaProtocolException($"Invalid bytes length {length}.");
        }
        var start = _position;
        Take(length);
        return _memory.Slice(start, length);
    }

    /// <summary>A slice of the frame, not a copy: valid only while the frame's buffer is.</summary>
    public ReadOnlyMemory<byte> ReadBytesSlice() => ReadBytes(ReadInt32(), nullable: false)!.Value;

    public ReadOnlyMemory<byte>? ReadNullableBytesSlice() => ReadBytes(ReadInt32(), nullable: true);

    public ReadOnlyMemory<byte> ReadCompactBytesSlice() => ReadBytes(ReadCompactLength(), nullable: false)!.Value;

    public ReadOnlyMemory<byte>? ReadCompactNullableBytesSlice() => ReadBytes(ReadCompactLength(), nullable: true);

    public byte[] ReadBytes() => ReadBytesSlice().ToArray();

    public byte[]? ReadNullableBytes() => ReadNullableBytesSlice()?.ToArray();

    public byte[] ReadCompactBytes() => ReadCompactBytesSlice().ToArray();

    public byte[]? ReadCompactNullableBytes() => ReadCompactNullableBytesSlice()?.ToArray();

    /// <summary>An array length (int32, -1 = null). Checked against the bytes left so a hostile count cannot allocate.</summary>
    public int ReadArrayLength(bool nullable)
    {
        var length = ReadInt32();
        return CheckArrayLength(length, nullable);
    }

    public int ReadCompactArrayLength(bool nullable) => CheckArrayLength(ReadCompactLength(), nullable);

    private readonly int CheckArrayLength(int length, bool nullable)
    {
        if (length < 0)
        {
            if (length == -1 && nullable)
            {
                return -1;
            }
            throw new KafkaProtocolException($"Invalid array length {length}.");
        }
        // Every element takes at least one byte on the wire (an empty tagged-field section, an int8...).
        if (length > Remaining)
        {
            throw new KafkaProtocolException($"Array length {length} exceeds the {Remaining} bytes left in the frame.");
        }
        return length;
    }

    public Records? ReadRecords(bool compact)
    {
        var slice = compact ? ReadCompactNullableBytesSlice() : ReadNullableBytesSlice();
        return slice is { } s ? new MemoryRecords(s) : null;
    }

    public void Skip(int count) => Take(count);

    /// <summary>The next <paramref name="count"/> bytes as a slice of the frame (no length prefix read).</summary>
    public ReadOnlyMemory<byte> ReadRawSlice(int count)
    {
        var start = _position;
        Take(count);
        return _memory.Slice(start, count);
    }

    /// <summary>Skips a whole tagged-field section (used for tags this version does not know).</summary>
    public void SkipTaggedFields()
    {
        var count = ReadUnsignedVarInt();
        for (var i = 0u; i < count; i++)
        {
            ReadUnsignedVarInt();
            SkipTaggedField();
        }
    }

    public void SkipTaggedField()
    {
        var size = ReadUnsignedVarInt();
        if (size > int.MaxValue)
        {
            throw new KafkaProtocolException($"Tagged field size {size} is out of range.");
        }
        Take((int)size);
    }

    /// <summary>A reader over exactly the next <paramref name="size"/> bytes (a tagged field's value), advancing past them.</summary>
    public KafkaReader Sub(int size)
    {
        var start = _position;
        Take(size);
        return new KafkaReader(_memory.Slice(start, size));
    }

    [DoesNotReturn]
    private readonly void ThrowTruncated(int wanted) =>
        throw new KafkaProtocolException(
            wanted < 0
                ? $"Negative length {wanted}."
                : $"Frame truncated: wanted {wanted} bytes at position {_position}, {_span.Length - _position} left.");
}
