using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Eddy.Protocol;

/// <summary>
/// Writes Kafka primitive types into one growable buffer rented from <see cref="ArrayPool{T}"/>.
/// A writer is reused per connection: <see cref="Reset"/> keeps the buffer, <see cref="Dispose"/> returns it.
/// </summary>
public sealed class KafkaWriter : IDisposable
{
    private readonly List<(int Position, Records Records)> _deferred = [];
    private byte[] _buffer;
    private int _position;

    /// <summary>Records at least this large are not copied in when <see cref="DeferLargeRecords"/> is on.</summary>
    public const int DeferThreshold = 32 * 1024;

    /// <summary>
    /// When on, large RECORDS fields are left out of the buffer and listed in <see cref="Deferred"/>: the sender streams
    /// them after the bytes before their position, so a 50 MB fetch response never needs a 50 MB buffer.
    /// </summary>
    public bool DeferLargeRecords { get; set; }

    /// <summary>Records left out of the buffer, each with the buffer position it belongs at.</summary>
    public IReadOnlyList<(int Position, Records Records)> Deferred => _deferred;

    /// <summary>Total size of the deferred records.</summary>
    public long DeferredBytes { get; private set; }

    public KafkaWriter(int initialCapacity = 4096) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Position => _position;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _position);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    public void Reset()
    {
        _position = 0;
        _deferred.Clear();
        DeferredBytes = 0;
    }

    /// <summary>Swaps a buffer grown past <paramref name="above"/> for a fresh one of <paramref name="size"/> (call when empty).</summary>
    public void TrimExcess(int above, int size)
    {
        if (_buffer.Length > above && _position == 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(size);
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Span<byte> Grab(int count)
    {
        if (_buffer.Length - _position < count)
        {
            Grow(count);
        }
        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private void Grow(int count)
    {
        var needed = checked(_position + count);
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _position).CopyTo(next);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = next;
    }

    /// <summary>Reserves an int32 to be patched later (a frame size or a records length).</summary>
    public int ReserveInt32()
    {
        var at = _position;
        Grab(4);
        return at;
    }

    public void PatchInt32(int at, int value) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(at, 4), value);

    public void WriteBool(bool value) => Grab(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteInt8(sbyte value) => Grab(1)[0] = (byte)value;

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Grab(2), value);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Grab(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Grab(4), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Grab(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Grab(8), value);

    public void WriteFloat64(double value) => BinaryPrimitives.WriteDoubleBigEndian(Grab(8), value);

    public void WriteUuid(Uuid value) => value.WriteTo(Grab(16));

    public void WriteUnsignedVarInt(uint value)
    {
        while (value >= 0x80)
        {
            Grab(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }
        Grab(1)[0] = (byte)value;
    }

    public void WriteVarInt(int value) => WriteUnsignedVarInt((uint)((value << 1) ^ (value >> 31)));

    public void WriteVarLong(long value)
    {
        var raw = (ulong)((value << 1) ^ (value >> 63));
        while (raw >= 0x80)
        {
            Grab(1)[0] = (byte)(raw | 0x80);
            raw >>= 7;
        }
        Grab(1)[0] = (byte)raw;
    }

    public static int SizeOfUnsignedVarInt(uint value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grab(bytes.Length));

    private void WriteUtf8(string value, int byteCount) => Encoding.UTF8.GetBytes(value, Grab(byteCount));

    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        if (count > short.MaxValue)
        {
            throw new ArgumentException($"String of {count} bytes does not fit an int16 length.", nameof(value));
        }
        WriteInt16((short)count);
        WriteUtf8(value, count);
    }

    public void WriteNullableString(string? value)
    {
        if (value is null)
        {
            WriteInt16(-1);
            return;
        }
        WriteString(value);
    }

    public void WriteCompactString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteUnsignedVarInt((uint)count + 1);
        WriteUtf8(value, count);
    }

    public void WriteCompactNullableString(string? value)
    {
        if (value is null)
        {
            WriteUnsignedVarInt(0);
            return;
        }
        WriteCompactString(value);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        WriteRaw(value);
    }

    public void WriteNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }
        WriteBytes(value.Value.Span);
    }

    public void WriteCompactBytes(ReadOnlySpan<byte> value)
    {
        WriteUnsignedVarInt((uint)value.Length + 1);
        WriteRaw(value);
    }

    public void WriteCompactNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is null)
        {
            WriteUnsignedVarInt(0);
            return;
        }
        WriteCompactBytes(value.Value.Span);
    }

    public void WriteArrayLength(int count, bool compact)
    {
        if (compact)
        {
            WriteUnsignedVarInt((uint)(count + 1));
        }
        else
        {
            WriteInt32(count);
        }
    }

    public void WriteRecords(Records? records, bool compact)
    {
        if (records is null)
        {
            if (compact)
            {
                WriteUnsignedVarInt(0);
            }
            else
            {
                WriteInt32(-1);
            }
            return;
        }
        var size = records.SizeInBytes;
        if (compact)
        {
            WriteUnsignedVarInt((uint)size + 1);
        }
        else
        {
            WriteInt32(size);
        }
        if (DeferLargeRecords && size >= DeferThreshold)
        {
            _deferred.Add((_position, records));
            DeferredBytes += size;
            return;
        }
        records.CopyTo(Grab(size));
    }

    /// <summary>Writes one tagged field: tag, size, then the value that <paramref name="write"/> produces.</summary>
    public void WriteTaggedField<TState>(uint tag, TState state, Action<KafkaWriter, TState> write)
    {
        using var scratch = new KafkaWriter(256);
        write(scratch, state);
        WriteUnsignedVarInt(tag);
        WriteUnsignedVarInt((uint)scratch.Position);
        WriteRaw(scratch.WrittenSpan);
    }
}
