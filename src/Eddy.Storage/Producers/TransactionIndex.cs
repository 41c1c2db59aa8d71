using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Eddy.Storage.Producers;

/// <summary>
/// A segment's aborted-transaction index ({baseOffset}.txnindex): the transactions whose ABORT marker is in the
/// segment, in marker order, as fixed-size entries like Kafka's AbortedTxn (34 bytes, big-endian: int16 version 0,
/// int64 producer id, int64 first offset, int64 last offset, int64 last stable offset). The file exists only once
/// the segment holds an abort. Entries are kept in memory too, published as a whole array so that fetches read them
/// without the log's lock; the log (under its lock) or the cleaner (on a segment not yet in the log) writes.
/// </summary>
internal sealed class TransactionIndex
{
    public const int EntrySize = 34;

    private const short Version = 0;

    // Rewrites go through a temporary copy under the cleaner's "unfinished copy" suffix, which recovery discards.
    private const string TemporarySuffix = SegmentFileNames.CleanedSuffix;

    private readonly SegmentFiles _files;
    private AbortedTxn[] _entries;
    private bool _unflushed;

    private TransactionIndex(SegmentFiles files, AbortedTxn[] entries)
    {
        _files = files;
        _entries = entries;
    }

    /// <summary>The entries in marker order; safe to read without the lock.</summary>
    public AbortedTxn[] Entries => Volatile.Read(ref _entries);

    /// <summary>A new segment's index: empty, and no file left from an earlier segment of the same name.</summary>
    public static TransactionIndex CreateEmpty(SegmentFiles files)
    {
        File.Delete(files.TransactionIndexPath);
        return new TransactionIndex(files, []);
    }

    /// <summary>Reads an existing segment's index, cutting a torn or unreadable tail off the file.</summary>
    public static TransactionIndex Load(SegmentFiles files, ILogger logger)
    {
        var path = files.TransactionIndexPath;
        if (!File.Exists(path))
        {
            return new TransactionIndex(files, []);
        }
        var bytes = File.ReadAllBytes(path);
        var entries = new List<AbortedTxn>(bytes.Length / EntrySize);
        var position = 0;
        for (; bytes.Length - position >= EntrySize; position += EntrySize)
        {
            var entry = bytes.AsSpan(position, EntrySize);
            if (BinaryPrimitives.ReadInt16BigEndian(entry) != Version)
            {
                break;
            }
            entries.Add(new AbortedTxn(
                BinaryPrimitives.ReadInt64BigEndian(entry[2..]),
                BinaryPrimitives.ReadInt64BigEndian(entry[10..]),
                BinaryPrimitives.ReadInt64BigEndian(entry[18..]),
                BinaryPrimitives.ReadInt64BigEndian(entry[26..])));
        }
        if (position != bytes.Length)
        {
            StorageLog.TruncatedTransactionIndex(logger, path, bytes.Length, position);
            using var file = OpenFile(path);
            RandomAccess.SetLength(file, position);
            RandomAccess.FlushToDisk(file);
        }
        return new TransactionIndex(files, [.. entries]);
    }

    /// <summary>Adds the entry of an ABORT marker just written to the segment (writer only); fsynced on <see cref="Flush"/>.</summary>
    public void Append(AbortedTxn entry)
    {
        var entries = _entries;
        Span<byte> bytes = stackalloc byte[EntrySize];
        Encode(entry, bytes);
        using (var file = OpenFile(_files.TransactionIndexPath))
        {
            RandomAccess.Write(file, bytes, (long)entries.Length * EntrySize);
        }
        _unflushed = true;
        Volatile.Write(ref _entries, [.. entries, entry]);
    }

    /// <summary>Replaces every entry (recovery, and the cleaner's copy), through a temporary file renamed over the old one.</summary>
    public void Rewrite(AbortedTxn[] entries)
    {
        var path = _files.TransactionIndexPath;
        if (entries.Length == 0)
        {
            File.Delete(path);
        }
        else
        {
            var bytes = new byte[entries.Length * EntrySize];
            for (var i = 0; i < entries.Length; i++)
            {
                Encode(entries[i], bytes.AsSpan(i * EntrySize, EntrySize));
            }
            var temporary = path + TemporarySuffix;
            using (var file = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                RandomAccess.Write(file, bytes, 0);
                RandomAccess.FlushToDisk(file);
            }
            File.Move(temporary, path, overwrite: true);
        }
        _unflushed = false;
        Volatile.Write(ref _entries, entries);
    }

    /// <summary>Drops the entries of markers at or after <paramref name="offset"/> (the log was cut there). True when some were.</summary>
    public bool TruncateFrom(long offset)
    {
        var entries = _entries;
        var kept = Array.FindAll(entries, e => e.LastOffset < offset);
        if (kept.Length == entries.Length)
        {
            return false;
        }
        Rewrite(kept);
        return true;
    }

    /// <summary>
    /// fsyncs entries appended since the last flush. Never creates the file: on a sealed segment flushed in the
    /// background, retention or compaction may have deleted or renamed it meanwhile, and then there is nothing to keep.
    /// </summary>
    public void Flush()
    {
        if (!_unflushed)
        {
            return;
        }
        try
        {
            using var file = File.OpenHandle(_files.TransactionIndexPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(file);
        }
        catch (FileNotFoundException)
        {
        }
        _unflushed = false;
    }

    private static void Encode(in AbortedTxn entry, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, Version);
        BinaryPrimitives.WriteInt64BigEndian(destination[2..], entry.ProducerId);
        BinaryPrimitives.WriteInt64BigEndian(destination[10..], entry.FirstOffset);
        BinaryPrimitives.WriteInt64BigEndian(destination[18..], entry.LastOffset);
        BinaryPrimitives.WriteInt64BigEndian(destination[26..], entry.LastStableOffset);
    }

    // FileShare.Delete: retention may unlink the segment's files while this handle is open.
    private static SafeFileHandle OpenFile(string path) =>
        File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
}
