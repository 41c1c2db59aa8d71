using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Eddy.Engine.RocksDb;

/// <summary>
/// The local checkpoint of a backend directory: for each (store, partition), the next changelog offset the flushed
/// state reflects. The file is replaced atomically (temp file, fsync, rename, fsync of the directory) and carries a
/// count and a checksum, so a torn or truncated file reads as "no checkpoint" (replay everything), never as a claim.
/// </summary>
public sealed partial class StateCheckpoint
{
    internal const string FileName = "changelog.checkpoint";
    internal const string TempFileName = FileName + ".tmp";
    private const string Header = "eddy-state-checkpoint 1";

    private readonly string _directory;
    private readonly Dictionary<(string Store, int Partition), long> _entries = [];

    private StateCheckpoint(string directory) => _directory = directory;

    internal string FilePath => Path.Combine(_directory, FileName);

    /// <summary>The entries as they stand on disk.</summary>
    public IReadOnlyDictionary<(string Store, int Partition), long> Entries => _entries;

    /// <summary>Reads the checkpoint of <paramref name="directory"/>; a missing, torn or corrupt file yields no entries.</summary>
    public static StateCheckpoint Load(string directory)
    {
        var checkpoint = new StateCheckpoint(directory);
        var temp = Path.Combine(directory, TempFileName);
        if (File.Exists(temp))
        {
            File.Delete(temp); // a crash during a write: the previous file (if any) still stands
        }

        if (File.Exists(checkpoint.FilePath) && TryParse(File.ReadAllText(checkpoint.FilePath, Encoding.UTF8), out var entries))
        {
            foreach (var (key, offset) in entries)
            {
                checkpoint._entries[key] = offset;
            }
        }

        return checkpoint;
    }

    public long? Get(string store, int partition) =>
        _entries.TryGetValue((store, partition), out var offset) ? offset : null;

    /// <summary>Replaces the whole file with <paramref name="entries"/>.</summary>
    public void Write(IReadOnlyDictionary<(string Store, int Partition), long> entries)
    {
        var text = Format(entries);
        var temp = Path.Combine(_directory, TempFileName);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, FilePath, overwrite: true);
        FsyncDirectory(_directory);
        _entries.Clear();
        foreach (var (key, offset) in entries)
        {
            _entries[key] = offset;
        }
    }

    internal static string Format(IReadOnlyDictionary<(string Store, int Partition), long> entries)
    {
        var body = new StringBuilder();
        body.Append(Header).Append('\n');
        body.Append(entries.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var ((store, partition), offset) in entries.OrderBy(e => e.Key.Store, StringComparer.Ordinal).ThenBy(e => e.Key.Partition))
        {
            body.Append(CultureInfo.InvariantCulture, $"{store}\t{partition}\t{offset}\n");
        }

        var content = body.ToString();
        return content + "checksum " + Checksum(content).ToString("x16", CultureInfo.InvariantCulture) + "\n";
    }

    internal static bool TryParse(string text, out List<((string Store, int Partition) Key, long Offset)> entries)
    {
        entries = [];
        var checksumAt = text.LastIndexOf("checksum ", StringComparison.Ordinal);
        if (checksumAt < 0 || !text.EndsWith('\n'))
        {
            return false;
        }

        var content = text[..checksumAt];
        var expected = text[(checksumAt + "checksum ".Length)..].TrimEnd('\n');
        if (!ulong.TryParse(expected, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var sum) || sum != Checksum(content))
        {
            return false;
        }

        var lines = content.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 2 || lines[0] != Header || !int.TryParse(lines[1], CultureInfo.InvariantCulture, out var count) || count != lines.Length - 2)
        {
            return false;
        }

        foreach (var line in lines.AsSpan(2))
        {
            var parts = line.Split('\t');
            if (parts.Length != 3
                || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var partition)
                || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var offset))
            {
                entries.Clear();
                return false;
            }

            entries.Add(((parts[0], partition), offset));
        }

        return true;
    }

    /// <summary>FNV-1a over the UTF-8 bytes: enough to tell a torn file from a whole one.</summary>
    private static ulong Checksum(string content)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(content))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static void FsyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // NTFS: the rename is durable once the file's handle was flushed
        }

        var fd = Posix.Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Posix.Fsync(fd);
        }
        finally
        {
            _ = Posix.Close(fd);
        }
    }

    private static partial class Posix
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync")]
        internal static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close")]
        internal static partial int Close(int fd);
    }
}
