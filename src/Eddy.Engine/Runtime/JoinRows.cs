using System.Buffers;
using System.Buffers.Binary;

namespace Eddy.Engine.Runtime;

/// <summary>
/// The state layout the event-time joins share: one side's rows of one key at one timestamp are one store entry,
/// key [length][key][timestamp] (so a key's rows are a range scan in time order) and value a list of rows, each
/// [matched flag][int32 length, -1 for null][value bytes]. Rows at one timestamp are few, so appending rewrites the
/// list (as Flink keeps a list per timestamp), and no sequence number has to survive a restart.
/// </summary>
internal static class JoinRows
{
    private const int Header = 5;

    /// <summary>Writes [length][key][timestamp] into <paramref name="into"/> (reset first).</summary>
    public static void WriteKey(ArrayBufferWriter<byte> into, ReadOnlySpan<byte> key, long timestamp)
    {
        into.ResetWrittenCount();
        var span = into.GetSpan(12 + key.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, key.Length);
        key.CopyTo(span[4..]);
        StateKeys.WriteTime(span[(4 + key.Length)..], timestamp);
        into.Advance(12 + key.Length);
    }

    /// <summary>[length][key][timestamp] in an array of its own (a range bound), reused when the length allows.</summary>
    public static byte[] Bound(ref byte[] reused, ReadOnlySpan<byte> key, long timestamp)
    {
        if (reused.Length != 12 + key.Length)
        {
            reused = new byte[12 + key.Length];
        }

        BinaryPrimitives.WriteInt32BigEndian(reused, key.Length);
        key.CopyTo(reused.AsSpan(4));
        StateKeys.WriteTime(reused.AsSpan(4 + key.Length), timestamp);
        return reused;
    }

    /// <summary>The timestamp of a [length][key][timestamp] state key.</summary>
    public static long Timestamp(ReadOnlySpan<byte> stateKey) => StateKeys.ReadTime(StateKeys.SubKey(stateKey));

    /// <summary>Writes <paramref name="existing"/> followed by one more row into <paramref name="into"/> (reset first).</summary>
    public static void Append<T>(ArrayBufferWriter<byte> into, ArrayBufferWriter<byte> scratch, ReadOnlySpan<byte> existing, bool matched,
        ISerde<T> serde, T value)
    {
        var length = -1;
        scratch.ResetWrittenCount();
        if (value is not null)
        {
            serde.Serialize(value, scratch);
            length = scratch.WrittenCount;
        }

        into.ResetWrittenCount();
        into.Write(existing);
        var header = into.GetSpan(Header);
        header[0] = matched ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], length);
        into.Advance(Header);
        into.Write(scratch.WrittenSpan);
    }

    /// <summary>
    /// Sets every row's matched flag; true when one was not set. The rows of one entry share their timestamp, so a
    /// row of the other side in range of one is in range of all of them.
    /// </summary>
    public static bool MarkMatched(Span<byte> rows)
    {
        var changed = false;
        for (var position = 0; position < rows.Length;)
        {
            changed |= rows[position] == 0;
            rows[position] = 1;
            var length = BinaryPrimitives.ReadInt32BigEndian(rows[(position + 1)..]);
            position += Header + Math.Max(length, 0);
        }

        return changed;
    }

    /// <summary>
    /// The row at <paramref name="position"/> (advanced past it): where its flag byte is, whether it is matched, and
    /// its value (null when the row's value was null).
    /// </summary>
    public static bool Next<T>(ReadOnlySpan<byte> rows, ref int position, ISerde<T> serde, out int flagAt, out bool matched, out T value)
    {
        if (position >= rows.Length)
        {
            flagAt = -1;
            matched = false;
            value = default!;
            return false;
        }

        flagAt = position;
        matched = rows[position] == 1;
        var length = BinaryPrimitives.ReadInt32BigEndian(rows[(position + 1)..]);
        position += Header;
        if (length < 0)
        {
            value = default!;
            return true;
        }

        value = serde.Deserialize(rows.Slice(position, length));
        position += length;
        return true;
    }
}
