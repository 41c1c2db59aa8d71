using System.Buffers.Binary;

namespace Eddy.Engine.Runtime;

/// <summary>
/// Byte layouts of state keys. Keys are length-prefixed so that one key is never a prefix of another (a per-key range
/// scan sees only its own entries); timestamps are sign-flipped big-endian so unsigned byte order is time order.
/// </summary>
internal static class StateKeys
{
    public static void WriteTime(Span<byte> into, long timestamp) =>
        BinaryPrimitives.WriteUInt64BigEndian(into, unchecked((ulong)(timestamp ^ long.MinValue)));

    public static long ReadTime(ReadOnlySpan<byte> from) =>
        unchecked((long)BinaryPrimitives.ReadUInt64BigEndian(from)) ^ long.MinValue;

    /// <summary>[length][key].</summary>
    public static byte[] KeyPrefix(ReadOnlySpan<byte> key, int extra = 0)
    {
        var bytes = new byte[4 + key.Length + extra];
        BinaryPrimitives.WriteInt32BigEndian(bytes, key.Length);
        key.CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    /// <summary>[length][key][sub-key].</summary>
    public static byte[] Compose(ReadOnlySpan<byte> key, ReadOnlySpan<byte> subKey)
    {
        var bytes = KeyPrefix(key, subKey.Length);
        subKey.CopyTo(bytes.AsSpan(4 + key.Length));
        return bytes;
    }

    /// <summary>The sub-key after [length][key].</summary>
    public static ReadOnlySpan<byte> SubKey(ReadOnlySpan<byte> composed) =>
        composed[(4 + BinaryPrimitives.ReadInt32BigEndian(composed))..];

    /// <summary>The key inside [length][key]...</summary>
    public static ReadOnlySpan<byte> Key(ReadOnlySpan<byte> composed) =>
        composed.Slice(4, BinaryPrimitives.ReadInt32BigEndian(composed));

    /// <summary>[length][key][start][end].</summary>
    public static byte[] Window(ReadOnlySpan<byte> key, TimeWindow window)
    {
        var bytes = new byte[WindowKeyLength(key)];
        WriteWindow(bytes, key, window);
        return bytes;
    }

    public static int WindowKeyLength(ReadOnlySpan<byte> key) => 20 + key.Length;

    /// <summary>Writes [length][key][start][end] into <paramref name="into"/> (a reused buffer on the hot path).</summary>
    public static void WriteWindow(Span<byte> into, ReadOnlySpan<byte> key, TimeWindow window)
    {
        BinaryPrimitives.WriteInt32BigEndian(into, key.Length);
        key.CopyTo(into[4..]);
        WriteTime(into[(4 + key.Length)..], window.Start);
        WriteTime(into[(12 + key.Length)..], window.End);
    }

    public static TimeWindow ReadWindow(ReadOnlySpan<byte> composed)
    {
        var sub = SubKey(composed);
        return new TimeWindow(ReadTime(sub), ReadTime(sub[8..]));
    }

    /// <summary>The first key after every key starting with <paramref name="prefix"/> (null: none, scan to the end).</summary>
    public static byte[]? PrefixEnd(byte[] prefix)
    {
        var end = (byte[])prefix.Clone();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] != 0xFF)
            {
                end[i]++;
                return end.AsSpan(0, i + 1).ToArray();
            }
        }

        return null;
    }
}
