using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Eddy.Storage;

/// <summary>
/// An append-only index file of fixed-size entries. While its segment is active the entries live in memory (one
/// writer under the log's lock, lock-free readers) and reach the file only when the segment is flushed, rolled or
/// closed: recovery rebuilds the last segment's indexes anyway, so the append path stays a single write. Once the
/// segment is sealed the in-memory copy is dropped and lookups binary-search the file, so old segments cost no memory.
/// </summary>
internal abstract class SparseIndex<TEntry>
    where TEntry : struct
{
    private const int PersistChunkEntries = 4096;

    private readonly SafeFileHandle _file;
    private TEntry[] _entries = [];
    private int _count;
    private int _persisted;
    private bool _inMemory;
    private bool _fileIsStale;

    protected SparseIndex(SafeFileHandle file) => _file = file;

    protected abstract int EntrySize { get; }

    /// <summary>Entries persisted to the file (what a sealed index holds).</summary>
    public int PersistedCount => Volatile.Read(ref _persisted);

    /// <summary>Uses the file as it is, for a sealed segment; false when its length is not a whole number of entries.</summary>
    public bool OpenSealed()
    {
        var length = RandomAccess.GetLength(_file);
        if (length % EntrySize != 0 || length / EntrySize > int.MaxValue)
        {
            return false;
        }
        _persisted = (int)(length / EntrySize);
        _inMemory = false;
        return true;
    }

    /// <summary>Starts empty in memory, for a new segment or one being rebuilt; the file is rewritten on the next persist.</summary>
    public void StartInMemory()
    {
        _entries = [];
        _count = 0;
        _persisted = 0;
        _fileIsStale = true;
        _inMemory = true;
    }

    /// <summary>Adds an entry to an in-memory index (writer only).</summary>
    public void Append(in TEntry entry)
    {
        if (_count == _entries.Length)
        {
            var grown = new TEntry[Math.Max(64, _count * 2)];
            Array.Copy(_entries, grown, _count);
            // Publish the array before the count that makes its new slot visible.
            Volatile.Write(ref _entries, grown);
        }
        _entries[_count] = entry;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>The newest entry (writer side, or a sealed index at load time).</summary>
    public bool TryGetLast(out TEntry entry)
    {
        var view = Capture();
        if (view.Count == 0)
        {
            entry = default;
            return false;
        }
        entry = view[view.Count - 1];
        return true;
    }

    /// <summary>A consistent set of entries for one lookup.</summary>
    public View Capture()
    {
        if (Volatile.Read(ref _inMemory))
        {
            var count = Volatile.Read(ref _count);
            var entries = Volatile.Read(ref _entries);
            // Sealing empties the array after switching to the file; a reader caught in between scans from further back.
            return new View(this, entries, Math.Min(count, entries.Length));
        }
        return new View(this, null, Volatile.Read(ref _persisted));
    }

    /// <summary>Writes the entries not yet in the file (writer only).</summary>
    public void Persist(bool flushToDisk)
    {
        if (!_inMemory)
        {
            return;
        }
        var count = _count;
        var from = _fileIsStale ? 0 : _persisted;
        if (count > from)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(count - from, PersistChunkEntries) * EntrySize);
            try
            {
                while (from < count)
                {
                    var chunk = Math.Min(count - from, PersistChunkEntries);
                    for (var i = 0; i < chunk; i++)
                    {
                        Encode(_entries[from + i], buffer.AsSpan(i * EntrySize, EntrySize));
                    }
                    RandomAccess.Write(_file, buffer.AsSpan(0, chunk * EntrySize), (long)from * EntrySize);
                    from += chunk;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        if (_fileIsStale)
        {
            RandomAccess.SetLength(_file, (long)count * EntrySize);
            _fileIsStale = false;
        }
        Volatile.Write(ref _persisted, count);
        if (flushToDisk)
        {
            RandomAccess.FlushToDisk(_file);
        }
    }

    /// <summary>
    /// Drops the in-memory copy once the file holds every entry (writer only): lookups read the file from then on.
    /// Separate from persisting so that a roll that fails after the fsync leaves the segment fully usable as active.
    /// </summary>
    public void ServeFromFile()
    {
        Persist(flushToDisk: false);
        Volatile.Write(ref _inMemory, false);
        Volatile.Write(ref _entries, []);
        _count = 0;
    }

    protected abstract void Encode(in TEntry entry, Span<byte> destination);

    protected abstract TEntry Decode(ReadOnlySpan<byte> source);

    private TEntry ReadFromFile(int index)
    {
        Span<byte> bytes = stackalloc byte[EntrySize];
        FileReads.ReadExactly(_file, bytes, (long)index * EntrySize);
        return Decode(bytes);
    }

    /// <summary>Entries as of one moment: from memory, or read from the file entry by entry.</summary>
    public readonly struct View
    {
        private readonly SparseIndex<TEntry> _index;
        private readonly TEntry[]? _entries;

        public View(SparseIndex<TEntry> index, TEntry[]? entries, int count)
        {
            _index = index;
            _entries = entries;
            Count = count;
        }

        public int Count { get; }

        public TEntry this[int index] => _entries is { } entries ? entries[index] : _index.ReadFromFile(index);

        /// <summary>
        /// Binary search for the last entry that satisfies <paramref name="atOrBelow"/>, which must hold for a prefix
        /// of the entries (both columns of a sparse index increase). False when no entry does.
        /// </summary>
        public bool TryFindLast<TKey>(TKey key, Func<TEntry, TKey, bool> atOrBelow, out TEntry entry)
        {
            entry = default!;
            var found = false;
            int low = 0, high = Count - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) >> 1);
                var candidate = this[middle];
                if (atOrBelow(candidate, key))
                {
                    entry = candidate;
                    found = true;
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }
            return found;
        }
    }
}
