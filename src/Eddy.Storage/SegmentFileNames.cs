using System.Globalization;

namespace Eddy.Storage;

/// <summary>Kafka's file names: the segment's base offset in 20 digits, then the kind of file.</summary>
internal static class SegmentFileNames
{
    public const string LogSuffix = ".log";
    public const string OffsetIndexSuffix = ".index";
    public const string TimeIndexSuffix = ".timeindex";

    /// <summary>The aborted-transaction index, present only once the segment holds an ABORT marker.</summary>
    public const string TransactionIndexSuffix = ".txnindex";

    /// <summary>Added to the names while the cleaner writes a segment; discarded by recovery.</summary>
    public const string CleanedSuffix = ".cleaned";

    /// <summary>Added once a cleaned segment is complete and fsynced; recovery finishes swapping it in.</summary>
    public const string SwapSuffix = ".swap";

    /// <summary>Added to replaced segments just before the swap completes; recovery deletes them.</summary>
    public const string DeletedSuffix = ".deleted";

    public static readonly string[] SegmentSuffixes = [LogSuffix, OffsetIndexSuffix, TimeIndexSuffix, TransactionIndexSuffix];

    private const int DigitCount = 20;

    public static string PathOf(string directory, long baseOffset, string suffix, string state = "") =>
        Path.Combine(directory, baseOffset.ToString("D20", CultureInfo.InvariantCulture) + suffix + state);

    /// <summary>Recognises "{20 digits}{suffix}" for the four kinds of segment file.</summary>
    public static bool TryParse(string fileName, out long baseOffset, out string suffix)
    {
        baseOffset = 0;
        suffix = Path.GetExtension(fileName);
        if (suffix is not (LogSuffix or OffsetIndexSuffix or TimeIndexSuffix or TransactionIndexSuffix) || fileName.Length != DigitCount + suffix.Length)
        {
            return false;
        }
        var digits = fileName.AsSpan(0, DigitCount);
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }
}
