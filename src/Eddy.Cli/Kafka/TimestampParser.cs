using System.Globalization;

namespace Eddy.Cli.Kafka;

/// <summary>
/// Parses --from-timestamp (and groups reset-offsets --to-datetime): a Unix epoch in milliseconds (all digits), or an ISO 8601 date or date-time. A value
/// without a zone is taken as UTC, so the same command means the same instant on every machine.
/// </summary>
public static class TimestampParser
{
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ssK",
        "yyyy-MM-dd HH:mmK",
        "yyyy-MM-dd",
    ];

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public static long Parse(string text) => Parse(text, "--from-timestamp");

    /// <summary>Milliseconds since the Unix epoch; <paramref name="option"/> names the option in the error.</summary>
    public static long Parse(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length > 0 && trimmed.All(char.IsAsciiDigit))
        {
            if (long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                return ms;
            }
        }
        else if (DateTimeOffset.TryParseExact(trimmed, IsoFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return instant.ToUnixTimeMilliseconds();
        }
        throw CliException.Usage($"{option} expects epoch milliseconds or an ISO 8601 time such as 2024-05-01T12:00:00Z, got '{text}'");
    }
}
