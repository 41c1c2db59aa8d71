using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Eddy.Avro;

/// <summary>
/// Avro's binary encoding written straight into an <see cref="IBufferWriter{T}"/>: zig-zag varints for int, long,
/// lengths and counts; little-endian IEEE floats; length-prefixed bytes and UTF-8 strings. Bytes are committed to the
/// buffer writer by <see cref="Flush"/>, which must be called when done.
/// </summary>
public ref struct AvroBinaryWriter
{
    private const int MinimumBuffer = 256;

    /// <summary>Records being written right now; a record that contains itself would otherwise overflow the stack.</summary>
    internal int Depth;

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _buffer;
    private int _position;

    public AvroBinaryWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _buffer = default;
        _position = 0;
        Depth = 0;
    }

    public void WriteBoolean(bool value)
    {
        Ensure(1);
        _buffer[_position++] = value ? (byte)1 : (byte)0;
    }

    public void WriteInt(int value) => WriteLong(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteLong(long value)
    {
        Ensure(10);
        var n = (ulong)((value << 1) ^ (value >> 63));
        var buffer = _buffer;
        var position = _position;
        while (n >= 0x80)
        {
            buffer[position++] = (byte)(n | 0x80);
            n >>= 7;
        }

        buffer[position++] = (byte)n;
        _position = position;
    }

    public void WriteFloat(float value)
    {
        Ensure(4);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer[_position..], value);
        _position += 4;
    }

    public void WriteDouble(double value)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer[_position..], value);
        _position += 8;
    }

    /// <summary>A length, then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteLong(value.Length);
        WriteFixed(value);
    }

    /// <summary>The bytes alone (fixed, whose length the schema says).</summary>
    public void WriteFixed(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    /// <summary>A UTF-8 length, then the UTF-8 bytes.</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteString(value.AsSpan());
    }

    public void WriteString(ReadOnlySpan<char> value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLong(length);
        Ensure(length);
        _position += Encoding.UTF8.GetBytes(value, _buffer[_position..]);
    }

    /// <summary>An enum's ordinal.</summary>
    public void WriteEnum(int ordinal) => WriteLong(ordinal);

    /// <summary>The index of the union branch that follows.</summary>
    public void WriteUnionIndex(int index) => WriteLong(index);

    /// <summary>
    /// Starts a block of <paramref name="count"/> array items or map entries. Arrays and maps are blocks followed
    /// by <see cref="WriteEndOfBlocks"/>; an empty one is just the end marker.
    /// </summary>
    public void WriteBlockCount(long count) => WriteLong(count);

    public void WriteEndOfBlocks() => WriteLong(0);

    /// <summary>Commits what was written to the buffer writer.</summary>
    public void Flush()
    {
        if (_position > 0)
        {
            _output.Advance(_position);
        }

        _buffer = default;
        _position = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int size)
    {
        if (_buffer.Length - _position < size)
        {
            Grow(size);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int size)
    {
        Flush();
        _buffer = _output.GetSpan(Math.Max(size, MinimumBuffer));
    }
}
