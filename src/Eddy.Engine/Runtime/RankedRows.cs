using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>The bytes of the row being added, written when they are first needed.</summary>
internal delegate ReadOnlySpan<byte> RowBytes();

/// <summary>A change to a group's top N: a row (null: the row being added) entering, leaving or moving to a rank.</summary>
internal readonly record struct RankChange(RowKind Kind, int Rank, byte[]? Value);

/// <summary>
/// The rows of Top-N groups (a key, or a key and window) kept sorted in one store, so that a group's top N is the
/// start of one range scan. A group's entries are its header, [group] → the next sequence number (8 bytes), then one
/// entry per row, [group][sort key][sequence] → the row's bytes: the sequence orders rows of equal sort key by arrival,
/// and makes equal rows distinct entries. The header sorts before the group's rows (it is their prefix), so one scan
/// reads both; it goes when the group's last row does. With <c>keepAll</c> false (an insert-only input) a group keeps
/// only its top N: the row pushed out is deleted, and a row that does not make the top N is not stored. With
/// <c>withRank</c> false (Flink's Top-N without rank number) <see cref="Changes"/> holds only membership changes: the
/// rows whose rank merely shifts are left out, as a reader without ranks sees no change in them.
/// </summary>
internal sealed class RankedRows(IKeyValueStore store, int n, bool keepAll, bool withRank = true)
{
    // The group's header (if any) and its first rows, read by one scan; reused per record.
    private readonly List<KeyValuePair<byte[], byte[]>> _top = new(n + 1);
    private readonly ArrayBufferWriter<byte> _entry = new();
    private readonly byte[] _sequence = new byte[8];

    /// <summary>What the last <c>Add</c> or <see cref="Remove"/> did to the top N, in the order to emit it.</summary>
    public List<RankChange> Changes { get; } = [];

    /// <summary>
    /// Adds a row to <paramref name="group"/>; <see cref="Changes"/> tells how the top N changed. True when the group is
    /// new (it had no rows).
    /// </summary>
    public bool Add(byte[] group, ReadOnlySpan<byte> sortKey, ReadOnlySpan<byte> value) => Add(group, sortKey, null, value);

    /// <summary>
    /// As <see cref="Add(byte[], ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>, but the row's bytes are asked of
    /// <paramref name="value"/> only when the row is stored: a row that does not make the top N of an insert-only
    /// input is never serialized.
    /// </summary>
    public bool Add(byte[] group, ReadOnlySpan<byte> sortKey, RowBytes value) => Add(group, sortKey, value, default);

    private bool Add(byte[] group, ReadOnlySpan<byte> sortKey, RowBytes? lazyValue, ReadOnlySpan<byte> value)
    {
        Changes.Clear();
        var sequence = ReadTop(group, n);
        _entry.ResetWrittenCount();
        _entry.Write(group);
        _entry.Write(sortKey);
        BinaryPrimitives.WriteInt64BigEndian(_entry.GetSpan(8), sequence);
        _entry.Advance(8);
        var entry = _entry.WrittenSpan;

        // Equal sort keys rank by arrival: the new row's sequence is the group's highest, so it goes after them.
        var position = 0;
        while (position < _top.Count && _top[position].Key.AsSpan().SequenceCompareTo(entry) < 0)
        {
            position++;
        }

        var entersTop = position < n;
        if (!entersTop && !keepAll)
        {
            return false;
        }

        store.Put(entry, lazyValue is null ? value : lazyValue());
        BinaryPrimitives.WriteInt64BigEndian(_sequence, sequence + 1);
        store.Put(group, _sequence);
        if (!entersTop)
        {
            return false;
        }

        // Emitted from the bottom up, so that a reader keeping one row per rank never sees two rows at one rank.
        if (_top.Count == n)
        {
            Changes.Add(new RankChange(RowKind.Delete, n, _top[n - 1].Value));
            if (!keepAll)
            {
                store.Delete(_top[n - 1].Key);
            }
        }

        for (var i = Math.Min(_top.Count, n - 1) - 1; withRank && i >= position; i--)
        {
            Changes.Add(new RankChange(RowKind.UpdateBefore, i + 1, _top[i].Value));
            Changes.Add(new RankChange(RowKind.UpdateAfter, i + 2, _top[i].Value));
        }

        Changes.Add(new RankChange(RowKind.Insert, position + 1, null));
        return sequence == 0;
    }

    /// <summary>
    /// Takes back a row equal to <paramref name="value"/> (the first in rank order, when there are several); false when
    /// the group has none. <see cref="Changes"/> tells how the top N changed: the rows below move up, and the best row
    /// beyond the top N (kept only with <c>keepAll</c>) enters it.
    /// </summary>
    public bool Remove(byte[] group, ReadOnlySpan<byte> sortKey, ReadOnlySpan<byte> value)
    {
        Changes.Clear();
        ReadTop(group, n + 1);
        var position = -1;
        for (var i = 0; i < Math.Min(_top.Count, n); i++)
        {
            if (IsRow(_top[i], group.Length, sortKey, value))
            {
                position = i;
                break;
            }
        }

        if (position < 0)
        {
            // Not in the top N: it can only be among the rows beyond it, all of the same sort key in one range.
            return _top.Count > n && RemoveBeyondTop(group, sortKey, value);
        }

        store.Delete(_top[position].Key);
        if (_top.Count == 1)
        {
            store.Delete(group);
        }

        Changes.Add(new RankChange(RowKind.Delete, position + 1, _top[position].Value));
        for (var i = position + 1; withRank && i < Math.Min(_top.Count, n); i++)
        {
            Changes.Add(new RankChange(RowKind.UpdateBefore, i + 1, _top[i].Value));
            Changes.Add(new RankChange(RowKind.UpdateAfter, i, _top[i].Value));
        }

        if (_top.Count > n)
        {
            Changes.Add(new RankChange(RowKind.Insert, n, _top[n].Value));
        }

        return true;
    }

    /// <summary>The group's first <paramref name="limit"/> rows (its top N, as it is ranked when it fires) in rank order.</summary>
    public IReadOnlyList<KeyValuePair<byte[], byte[]>> Top(byte[] group, int limit)
    {
        ReadTop(group, limit);
        return _top;
    }

    /// <summary>Deletes the group: its header and every row.</summary>
    public void Clear(byte[] group)
    {
        foreach (var (key, _) in store.Range(group, StateKeys.PrefixEnd(group)).ToList())
        {
            store.Delete(key);
        }
    }

    /// <summary>Whether a stored entry is the header of a group (its key is the group itself, without sort key or sequence).</summary>
    public static bool IsHeader(ReadOnlySpan<byte> entryKey, int groupLength) => entryKey.Length == groupLength;

    /// <summary>Fills <see cref="_top"/> with up to <paramref name="limit"/> rows; returns the group's next sequence number.</summary>
    private long ReadTop(byte[] group, int limit)
    {
        _top.Clear();
        var sequence = 0L;
        // The scan stops after the rows it needs: a group with many rows beyond the top costs no more.
        foreach (var entry in store.Range(group, StateKeys.PrefixEnd(group)))
        {
            if (IsHeader(entry.Key, group.Length))
            {
                sequence = BinaryPrimitives.ReadInt64BigEndian(entry.Value);
                continue;
            }

            if (_top.Count == limit)
            {
                break;
            }

            _top.Add(entry);
        }

        return sequence;
    }

    private bool RemoveBeyondTop(byte[] group, ReadOnlySpan<byte> sortKey, ReadOnlySpan<byte> value)
    {
        var prefix = new byte[group.Length + sortKey.Length];
        group.CopyTo(prefix, 0);
        sortKey.CopyTo(prefix.AsSpan(group.Length));
        byte[]? found = null;
        foreach (var entry in store.Range(prefix, StateKeys.PrefixEnd(prefix)))
        {
            if (IsRow(entry, group.Length, sortKey, value))
            {
                found = entry.Key;
                break;
            }
        }

        if (found is null)
        {
            return false;
        }

        store.Delete(found);
        return true;
    }

    private static bool IsRow(KeyValuePair<byte[], byte[]> entry, int groupLength, ReadOnlySpan<byte> sortKey, ReadOnlySpan<byte> value) =>
        entry.Key.Length == groupLength + sortKey.Length + 8
        && entry.Key.AsSpan(groupLength, sortKey.Length).SequenceEqual(sortKey)
        && entry.Value.AsSpan().SequenceEqual(value);
}
