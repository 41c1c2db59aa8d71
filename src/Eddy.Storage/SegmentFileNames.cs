using System.Globalization;

namespace Eddy.Storage;

/// <summary>Kafka's file names: the segment's base offset in 20 digits, then the kind of file.</summary>
internal static class SegmentFileNames
{
    public const string LogSuffix = ".log";
    public const string OffsetIndexSuffix = ".index";
    public const string TimeIndexSuffix = ".timeindex";

    private const int DigitCount = 20;

    public static string PathOf(string directory, long baseOffset, string suffix) =>
        Path.Combine(directory, baseOffset.ToString("D20", CultureInfo.InvariantCulture) + suffix);

    /// <summary>Recognises "{20 digits}{suffix}" for the three kinds of segment file.</summary>
    public static bool TryParse(string fileName, out long baseOffset, out string suffix)
    {
        baseOffset = 0;
        suffix = Path.GetExtension(fileName);
        if (suffix is not (LogSuffix or OffsetIndexSuffix or TimeIndexSuffix) || fileName.Length != DigitCount + suffix.Length)
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
