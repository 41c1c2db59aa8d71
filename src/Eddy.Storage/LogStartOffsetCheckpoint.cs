using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Eddy.Storage;

/// <summary>
/// The partition's log start offset, kept in a small file replaced atomically (write a temporary file, fsync it,
/// rename it over the old one), so that a crash leaves either the old value or the new one. Format, as Kafka's
/// checkpoint files: a version line ("0") then the offset.
/// </summary>
internal static class LogStartOffsetCheckpoint
{
    public const string FileName = "log-start-offset.checkpoint";

    /// <summary>The cleaner's first dirty offset (Kafka keeps it per log directory in cleaner-offset-checkpoint).</summary>
    public const string CleanerFileName = "cleaner-offset.checkpoint";
    private const string TemporarySuffix = ".tmp";
    private const string Version = "0";

    public static long? Read(string directory, ILogger logger, string fileName = FileName)
    {
        var path = Path.Combine(directory, fileName);
        // A temporary file is a write that did not reach its rename: the old value stands.
        File.Delete(path + TemporarySuffix);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length >= 2 && lines[0] == Version
                && long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
            StorageLog.UnreadableCheckpoint(logger, path, null);
        }
        catch (IOException e)
        {
            StorageLog.UnreadableCheckpoint(logger, path, e);
        }
        return null;
    }

    public static void Write(string directory, long logStartOffset, string fileName = FileName)
    {
        var path = Path.Combine(directory, fileName);
        var temporary = path + TemporarySuffix;
        var content = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Version}\n{logStartOffset}\n"));
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
