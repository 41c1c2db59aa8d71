using System.Buffers;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>
/// One side of an interval join: its store (entries in <see cref="JoinRows"/>' layout, one per key and timestamp),
/// mirrored in memory while the mirror fits its budget. Every write goes to the store, which the runtime logs to the
/// changelog and restores from; reads (a probe's rows of one key in a time range, an entry about to be appended to or
/// expired) come from the mirror, so a record costs no RocksDB iterator and no point read. The mirror holds the
/// entries' stored bytes, not deserialized rows, so what a row joins as is the same with or without it (a row read
/// from the store after a restart deserializes from the same bytes).
/// <para>
/// The mirror is built from the store when the task opens (as after a restart or a move, or after an aborted
/// transaction rebuilds the task). When it outgrows its budget it is dropped and the side reads its store as before
/// (a range scan per probe); once the side's entries (counted in both modes) fall to half of what they were then,
/// it is rebuilt from the store, so a burst does not leave the side on the slow path for good.
/// </para>
/// </summary>
internal sealed class JoinSideRows(IKeyValueStore store, long budgetBytes)
{
    // What an entry and a key cost in memory besides their bytes (array headers, the slots that hold them), so a
    // budget in bytes bounds many small entries as well as few large ones.
    private const int EntryOverhead = 48;
    private const int KeyOverhead = 96;
    private const int PooledKeysLimit = 1024;

    private readonly Dictionary<byte[], KeyEntries> _keys = new(ByteArrayComparer.Instance);
    private readonly Stack<KeyEntries> _pool = new();
    private readonly ArrayBufferWriter<byte> _stateKey = new();
    private Dictionary<byte[], KeyEntries>.AlternateLookup<ReadOnlySpan<byte>> _byKey;
    private byte[] _from = [];
    private byte[] _to = [];
    private long _bytes;
    private long _rebuildAt = -1;

    /// <summary>Whether reads come from memory (false: the mirror outgrew its budget and the store is read).</summary>
    public bool Mirrored { get; private set; }

    /// <summary>The side's entries, in memory or not.</summary>
    public long Entries { get; private set; }

    /// <summary>
    /// Reads the store (when the task opens): builds the mirror, and reports each entry's key (an array that may be
    /// kept) and timestamp.
    /// </summary>
    public void Load(Action<byte[], long> onEntry)
    {
        Entries = 0;
        Mirror(onEntry);
    }

    /// <summary>The entries of <paramref name="key"/> at <paramref name="from"/> ≤ timestamp ≤ <paramref name="to"/>, in time order.</summary>
    public void Scan(ReadOnlySpan<byte> key, long from, long to, List<(long Timestamp, byte[] Rows)> into)
    {
        into.Clear();
        if (from > to)
        {
            return;
        }

        if (!Mirrored)
        {
            var lower = JoinRows.Bound(ref _from, key, from);
            var upper = JoinRows.Bound(ref _to, key, to == long.MaxValue ? to : to + 1);
            foreach (var (stateKey, rows) in store.Range(lower, upper))
            {
                into.Add((JoinRows.Timestamp(stateKey), rows));
            }

            return;
        }

        if (!_byKey.TryGetValue(key, out var entries))
        {
            return;
        }

        for (var i = entries.LowerBound(from); i < entries.Count && entries.Times[i] <= to; i++)
        {
            into.Add((entries.Times[i], entries.Rows[i]));
        }
    }

    /// <summary>The entry at <paramref name="key"/> and <paramref name="timestamp"/>, or null.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key, long timestamp)
    {
        if (!Mirrored)
        {
            JoinRows.WriteKey(_stateKey, key, timestamp);
            return store.Get(_stateKey.WrittenSpan);
        }

        if (!_byKey.TryGetValue(key, out var entries))
        {
            return null;
        }

        var at = entries.IndexOf(timestamp);
        return at < 0 ? null : entries.Rows[at];
    }

    /// <summary>
    /// Stores a new entry (none is at <paramref name="key"/> and <paramref name="timestamp"/>); returns the key as an
    /// array its expiry can keep (the mirror's own, so a key costs one array while it has entries).
    /// </summary>
    public byte[] Insert(ReadOnlySpan<byte> key, long timestamp, ReadOnlySpan<byte> rows)
    {
        JoinRows.WriteKey(_stateKey, key, timestamp);
        store.Put(_stateKey.WrittenSpan, rows);
        Entries++;
        if (!Mirrored)
        {
            return key.ToArray();
        }

        var entries = EntriesOf(key);
        entries.Insert(timestamp, rows.ToArray());
        _bytes += rows.Length + EntryOverhead;
        var kept = entries.Key;
        OverflowIfOverBudget();
        return kept;
    }

    /// <summary>Replaces the entry at <paramref name="key"/> and <paramref name="timestamp"/> (one exists).</summary>
    public void Update(ReadOnlySpan<byte> key, long timestamp, ReadOnlySpan<byte> rows)
    {
        JoinRows.WriteKey(_stateKey, key, timestamp);
        store.Put(_stateKey.WrittenSpan, rows);
        if (Mirrored && _byKey.TryGetValue(key, out var entries) && entries.IndexOf(timestamp) is var at and >= 0)
        {
            var old = entries.Rows[at];
            // A probe flags an entry's rows as matched in the mirror's own array and writes that array back: kept as is.
            if (!rows.Overlaps(old))
            {
                _bytes += rows.Length - old.Length;
                entries.Rows[at] = rows.ToArray();
            }

            OverflowIfOverBudget();
        }
    }

    /// <summary>Deletes the entry at <paramref name="key"/> and <paramref name="timestamp"/>.</summary>
    public void Delete(ReadOnlySpan<byte> key, long timestamp)
    {
        JoinRows.WriteKey(_stateKey, key, timestamp);
        store.Delete(_stateKey.WrittenSpan);
        Entries--;
        if (Mirrored)
        {
            if (_byKey.TryGetValue(key, out var entries) && entries.IndexOf(timestamp) is var at and >= 0)
            {
                _bytes -= entries.Rows[at].Length + EntryOverhead;
                entries.RemoveAt(at);
                if (entries.Count == 0)
                {
                    _keys.Remove(entries.Key);
                    _bytes -= entries.Key.Length + KeyOverhead;
                    if (_pool.Count < PooledKeysLimit)
                    {
                        entries.Key = [];
                        _pool.Push(entries);
                    }
                }
            }
        }
        else if (Entries <= _rebuildAt)
        {
            Mirror(onEntry: null);
        }
    }

    /// <summary>Rebuilds the mirror from the store, or leaves the side unmirrored if the store is over budget.</summary>
    private void Mirror(Action<byte[], long>? onEntry)
    {
        Clear();
        Mirrored = true;
        _byKey = _keys.GetAlternateLookup<ReadOnlySpan<byte>>();
        foreach (var (stateKey, rows) in store.Range([], null))
        {
            var key = StateKeys.Key(stateKey);
            var timestamp = JoinRows.Timestamp(stateKey);
            byte[] kept;
            if (Mirrored)
            {
                var entries = EntriesOf(key);
                entries.Insert(timestamp, rows);
                _bytes += rows.Length + EntryOverhead;
                kept = entries.Key;
            }
            else
            {
                kept = onEntry is null ? [] : key.ToArray();
            }

            if (onEntry is not null)
            {
                Entries++;
                onEntry(kept, timestamp);
            }

            if (Mirrored && _bytes > budgetBytes)
            {
                Clear();
                Mirrored = false;
                if (onEntry is null)
                {
                    break; // a rebuild: the entries are counted already
                }
            }
        }

        if (!Mirrored)
        {
            _rebuildAt = Entries / 2;
        }
    }

    private void OverflowIfOverBudget()
    {
        if (_bytes > budgetBytes)
        {
            Clear();
            Mirrored = false;
            _rebuildAt = Entries / 2;
        }
    }

    private void Clear()
    {
        _keys.Clear();
        _pool.Clear();
        _bytes = 0;
    }

    /// <summary>The key's entries in the mirror, added (empty) if it has none.</summary>
    private KeyEntries EntriesOf(ReadOnlySpan<byte> key)
    {
        if (_byKey.TryGetValue(key, out var entries))
        {
            return entries;
        }

        entries = _pool.Count > 0 ? _pool.Pop() : new KeyEntries();
        entries.Key = key.ToArray();
        _keys.Add(entries.Key, entries);
        _bytes += key.Length + KeyOverhead;
        return entries;
    }

    /// <summary>One key's entries in time order: parallel arrays, so a key with one or two entries is three small objects.</summary>
    private sealed class KeyEntries
    {
        public byte[] Key = [];
        public long[] Times = new long[2];
        public byte[][] Rows = new byte[2][];
        public int Count;

        /// <summary>The first position whose timestamp is at or after <paramref name="timestamp"/>.</summary>
        public int LowerBound(long timestamp)
        {
            var at = Array.BinarySearch(Times, 0, Count, timestamp);
            return at < 0 ? ~at : at;
        }

        public int IndexOf(long timestamp) => Array.BinarySearch(Times, 0, Count, timestamp);

        public void Insert(long timestamp, byte[] rows)
        {
            if (Count == Times.Length)
            {
                Array.Resize(ref Times, Count * 2);
                Array.Resize(ref Rows, Count * 2);
            }

            // Rows come roughly in time order, so the place is almost always the end.
            var at = Count;
            while (at > 0 && Times[at - 1] > timestamp)
            {
                Times[at] = Times[at - 1];
                Rows[at] = Rows[at - 1];
                at--;
            }

            Times[at] = timestamp;
            Rows[at] = rows;
            Count++;
        }

        public void RemoveAt(int at)
        {
            Count--;
            Array.Copy(Times, at + 1, Times, at, Count - at);
            Array.Copy(Rows, at + 1, Rows, at, Count - at);
            Rows[Count] = null!;
        }
    }
}
