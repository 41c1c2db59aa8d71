using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Eddy.Avro;

/// <summary>
/// Reads Avro's binary encoding from a span. Every read checks its bounds: truncated or malformed input is an
/// <see cref="AvroDataException"/>, never an out-of-range read.
/// </summary>
public ref struct AvroBinaryReader
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public AvroBinaryReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        Depth = 0;
    }

    /// <summary>
    /// How deeply nested records may be. Recursive schemas allow any depth, and a few bytes per level of hostile
    /// input would otherwise overflow the stack, which no handler can catch.
    /// </summary>
    public const int MaxDepth = 1000;

    /// <summary>Records being read right now, outermost included.</summary>
    internal int Depth;

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public bool ReadBoolean()
    {
        var value = ReadByte();
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw new AvroDataException($"Invalid boolean byte 0x{value:X2} at offset {_position - 1}"),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadInt()
    {
        if (_position < _data.Length && _data[_position] < 0x80)
        {
            // One byte: the common case for small ints, lengths and indexes.
            var b = _data[_position++];
            return (b >> 1) ^ -(b & 1);
        }

        var value = ReadLong();
        return value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new AvroDataException($"Int out of range: {value} at offset {_position}");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadLong()
    {
        ulong result = 0;
        var shift = 0;
        var data = _data;
        var position = _position;
        while (true)
        {
            if ((uint)position >= (uint)data.Length)
            {
                throw Truncated(position);
            }

            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }

            shift += 7;
            if (shift > 63)
            {
                throw new AvroDataException($"Invalid varint: more than 10 bytes at offset {_position}");
            }
        }

        _position = position;
        return (long)(result >> 1) ^ -(long)(result & 1);
    }

    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>A length-prefixed byte sequence, as a view of the input.</summary>
    public ReadOnlySpan<byte> ReadBytesSpan() => Take(ReadLength());

    public byte[] ReadBytes() => ReadBytesSpan().ToArray();

    public string ReadString()
    {
        var bytes = Take(ReadLength());
        return bytes.Length == 0 ? string.Empty : Utf8.GetString(bytes);
    }

    /// <summary><paramref name="size"/> bytes, as a view of the input.</summary>
    public ReadOnlySpan<byte> ReadFixed(int size) => Take(size);

    public int ReadEnum() => ReadInt();

    public int ReadUnionIndex() => ReadInt();

    /// <summary>
    /// The item count of the next array or map block, 0 at the end. A negative count on the wire means the block's
    /// size in bytes follows; <paramref name="byteSize"/> is that size, or -1 when not given.
    /// </summary>
    public long ReadBlockCount(out long byteSize)
    {
        var count = ReadLong();
        byteSize = -1;
        if (count < 0)
        {
            if (count == long.MinValue)
            {
                throw new AvroDataException($"Invalid block count at offset {_position}");
            }

            count = -count;
            byteSize = ReadLong();
            if (byteSize < 0)
            {
                throw new AvroDataException($"Invalid block size {byteSize} at offset {_position}");
            }
        }

        return count;
    }

    public long ReadBlockCount() => ReadBlockCount(out _);

    public void Skip(int count) => Take(count);

    public void SkipLong() => ReadLong();

    public void SkipBytes() => Take(ReadLength());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte ReadByte()
    {
        if ((uint)_position >= (uint)_data.Length)
        {
            throw Truncated(_position);
        }

        return _data[_position++];
    }

    private int ReadLength()
    {
        var length = ReadLong();
        if (length < 0)
        {
            throw new AvroDataException($"Negative length {length} at offset {_position}");
        }

        return length > _data.Length - _position ? throw Truncated(_position, length) : (int)length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_data.Length - _position))
        {
            throw Truncated(_position, count);
        }

        var result = _data.Slice(_position, count);
        _position += count;
        return result;
    }

    private readonly AvroDataException Truncated(int position, long needed = 1) =>
        new($"Unexpected end of data at offset {position}: {needed} more byte(s) needed, {_data.Length - position} left");
}
