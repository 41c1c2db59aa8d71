using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>One row of a group's cached top N: its entry in the store, its bytes, and the row itself once known.</summary>
internal sealed class CachedRow(byte[] key, byte[] value, object? row)
{
    /// <summary>The row's store key, [group][sort key][sequence]: rows rank in the order of these bytes.</summary>
    public byte[] Key { get; } = key;

    /// <summary>The row's serialized bytes, as stored.</summary>
    public byte[] Value { get; } = value;

    /// <summary>
    /// The row as emitted: the input row it was added from, or, for a row loaded from the store, deserialized when it
    /// is first emitted. A row is emitted again every time it moves, so it is deserialized at most once while cached.
    /// </summary>
    public object? Row { get; set; } = row;
}

/// <summary>A change to a group's top N made by <see cref="CachedTopRows.Add"/>: a row entering, leaving or moving to a rank.</summary>
internal readonly record struct CachedRankChange(RowKind Kind, int Rank, CachedRow Row);

/// <summary>
/// The Top-N's <see cref="RankedRows"/> with the top N rows of recently used groups (keys) in memory, as Flink's
/// AppendOnlyTopNFunction keeps them: a row that does not enter its group's top N costs one comparison with the N-th
/// row and touches neither the store nor the heap. The store keeps the very layout <see cref="RankedRows"/> reads and
/// writes (header with the next sequence, one entry per row), and stays the truth: every change is written through to
/// it, a group is loaded from it (its header and first N rows, one range scan) on its first use since the operator
/// opened or since it was evicted, and the operator is the store's only writer (a task that starts over, after a
/// restore, an abort or a move, is a new operator with an empty cache). Groups are evicted least recently used first
/// once the cache holds more than its limit of rows. A retraction goes to the store through
/// <see cref="RankedRows.Remove"/> (it may need the row beyond the top N, which only the store holds on an updating
/// input) and evicts the group, which its next use reloads.
/// </summary>
internal sealed class CachedTopRows
{
    private readonly IKeyValueStore _store;
    private readonly int _n;
    private readonly bool _keepAll;
    private readonly bool _withRank;
    private readonly int _rowLimit;
    private readonly RankedRows _uncached;

    private readonly Dictionary<byte[], Group> _groups = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], Group>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    // The least recently used list: a group moves to the newest end on every use; eviction takes the oldest.
    private Group? _newest;
    private Group? _oldest;

    // Rows and groups cached, counted together (an empty group still costs an entry).
    private int _cachedRows;

    private readonly ArrayBufferWriter<byte> _entry = new();
    private readonly byte[] _sequence = new byte[8];

    /// <param name="store">The "rows" store.</param>
    /// <param name="n">How many rows per group.</param>
    /// <param name="keepAll">Keep every row (an updating input) rather than only the top N (an insert-only input).</param>
    /// <param name="withRank">Report rank shifts (update-before and update-after) rather than only membership changes.</param>
    /// <param name="rowLimit">How many rows (and groups) the cache holds before it evicts; at least 1.</param>
    public CachedTopRows(IKeyValueStore store, int n, bool keepAll, bool withRank, int rowLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLimit, 1);
        _store = store;
        _n = n;
        _keepAll = keepAll;
        _withRank = withRank;
        _rowLimit = rowLimit;
        _uncached = new RankedRows(store, n, keepAll, withRank);
        _lookup = _groups.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>What the last <see cref="Add"/> did to the top N, in the order to emit it.</summary>
    public List<CachedRankChange> Changes { get; } = [];

    /// <summary>What the last <see cref="Remove"/> did to the top N, in the order to emit it (rows as bytes).</summary>
    public List<RankChange> Removed => _uncached.Changes;

    /// <summary>How many groups the cache holds.</summary>
    public int CachedGroups => _groups.Count;

    /// <summary>How many times a group was read from the store (its first use, or its first since an eviction).</summary>
    public long Loads { get; private set; }

    /// <summary>
    /// Adds a row to <paramref name="group"/>; <see cref="Changes"/> tells how the top N changed. The row's bytes are
    /// asked of <paramref name="value"/> only when it is stored. The row inserted (the only <see cref="RowKind.Insert"/>
    /// among the changes) has no <see cref="CachedRow.Row"/> yet: the caller, which has it, sets it.
    /// </summary>
    public void Add(ReadOnlySpan<byte> group, ReadOnlySpan<byte> sortKey, RowBytes value)
    {
        Changes.Clear();
        var cached = Use(group);
        _entry.ResetWrittenCount();
        _entry.Write(group);
        _entry.Write(sortKey);
        BinaryPrimitives.WriteInt64BigEndian(_entry.GetSpan(8), cached.NextSequence);
        _entry.Advance(8);
        var entry = _entry.WrittenSpan;

        // The new row's sequence is its group's highest, so it ranks after the rows of equal sort key: its place is
        // after every row whose entry is smaller. Searched from the bottom, so a row that does not make a full top N
        // costs one comparison.
        var rows = cached.Rows;
        var position = rows.Count;
        while (position > 0 && rows[position - 1].Key.AsSpan().SequenceCompareTo(entry) > 0)
        {
            position--;
        }

        var entersTop = position < _n;
        if (!entersTop && !_keepAll)
        {
            return;
        }

        var bytes = value();
        _store.Put(entry, bytes);
        cached.NextSequence++;
        BinaryPrimitives.WriteInt64BigEndian(_sequence, cached.NextSequence);
        _store.Put(group, _sequence);
        if (!entersTop)
        {
            return; // kept beyond the top N (an updating input), which the cache does not hold
        }

        var added = new CachedRow(entry.ToArray(), bytes.ToArray(), null);

        // As RankedRows: emitted from the bottom up, so that a reader keeping one row per rank never sees two rows at one rank.
        if (rows.Count == _n)
        {
            var pushedOut = rows[_n - 1];
            Changes.Add(new CachedRankChange(RowKind.Delete, _n, pushedOut));
            if (!_keepAll)
            {
                _store.Delete(pushedOut.Key);
            }

            rows.RemoveAt(_n - 1);
            _cachedRows--;
        }

        for (var i = rows.Count - 1; _withRank && i >= position; i--)
        {
            Changes.Add(new CachedRankChange(RowKind.UpdateBefore, i + 1, rows[i]));
            Changes.Add(new CachedRankChange(RowKind.UpdateAfter, i + 2, rows[i]));
        }

        Changes.Add(new CachedRankChange(RowKind.Insert, position + 1, added));
        rows.Insert(position, added);
        _cachedRows++;
        EvictBeyondLimit();
    }

    /// <summary>
    /// Takes back a row equal to <paramref name="value"/>, as <see cref="RankedRows.Remove"/> does (<see cref="Removed"/>
    /// tells how the top N changed); false when the group has none.
    /// </summary>
    public bool Remove(ReadOnlySpan<byte> group, ReadOnlySpan<byte> sortKey, ReadOnlySpan<byte> value)
    {
        if (_lookup.TryGetValue(group, out var cached))
        {
            Evict(cached);
        }

        return _uncached.Remove(group.ToArray(), sortKey, value);
    }

    /// <summary>The group's cache entry, loaded from the store if it has none, made the most recently used.</summary>
    private Group Use(ReadOnlySpan<byte> group)
    {
        if (_lookup.TryGetValue(group, out var cached))
        {
            Unlink(cached);
            Link(cached);
            return cached;
        }

        var key = group.ToArray();
        cached = new Group(key, _n);
        Loads++;
        // The header sorts first (it is its rows' prefix); the scan stops after the N-th row.
        foreach (var (entryKey, entryValue) in _store.Range(key, StateKeys.PrefixEnd(key)))
        {
            if (RankedRows.IsHeader(entryKey, key.Length))
            {
                cached.NextSequence = BinaryPrimitives.ReadInt64BigEndian(entryValue);
                continue;
            }

            if (cached.Rows.Count == _n)
            {
                break;
            }

            cached.Rows.Add(new CachedRow(entryKey, entryValue, null));
        }

        _groups.Add(key, cached);
        _cachedRows += 1 + cached.Rows.Count;
        Link(cached);
        EvictBeyondLimit();
        return cached;
    }

    /// <summary>Evicts the least recently used groups while over the limit, never the group just used (the newest).</summary>
    private void EvictBeyondLimit()
    {
        while (_cachedRows > _rowLimit && _oldest is not null && _oldest != _newest)
        {
            Evict(_oldest);
        }
    }

    private void Evict(Group cached)
    {
        Unlink(cached);
        _groups.Remove(cached.Bytes);
        _cachedRows -= 1 + cached.Rows.Count;
    }

    private void Link(Group cached)
    {
        cached.Older = _newest;
        cached.Newer = null;
        if (_newest is not null)
        {
            _newest.Newer = cached;
        }

        _newest = cached;
        _oldest ??= cached;
    }

    private void Unlink(Group cached)
    {
        if (cached.Newer is null)
        {
            _newest = cached.Older;
        }
        else
        {
            cached.Newer.Older = cached.Older;
        }

        if (cached.Older is null)
        {
            _oldest = cached.Newer;
        }
        else
        {
            cached.Older.Newer = cached.Newer;
        }

        cached.Newer = null;
        cached.Older = null;
    }

    /// <summary>A cached group: its next sequence number (its header) and its top rows in rank order.</summary>
    private sealed class Group(byte[] bytes, int n)
    {
        public byte[] Bytes { get; } = bytes;

        public long NextSequence { get; set; }

        public List<CachedRow> Rows { get; } = new(n);

        public Group? Newer { get; set; }

        public Group? Older { get; set; }
    }
}
