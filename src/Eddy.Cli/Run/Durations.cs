using System.Globalization;

namespace Eddy.Cli.Run;

/// <summary>Durations as people type them: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, a bare number of seconds, or <c>hh:mm:ss</c>.</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var s = text.Trim();
        (string Suffix, double Unit)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, unit) in units)
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(s[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
            {
                duration = TimeSpan.FromMilliseconds(n * unit);
                return true;
            }
        }
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }
        return s.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }

    /// <summary>Short human form: 850 ms, 12.4 s, 3 m 05 s, 2 h 10 m.</summary>
    public static string Format(TimeSpan span) => span.TotalMilliseconds switch
    {
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0} ms"),
        < 60_000 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0} s"),
        < 3_600_000 => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} m {span.Seconds:00} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes:00} m"),
    };
}
