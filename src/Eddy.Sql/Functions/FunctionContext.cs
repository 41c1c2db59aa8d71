namespace Eddy.Sql.Functions;

/// <summary>
/// What a function needs from the session and the running task rather than from its arguments: the session time
/// zone (Flink's <c>table.local-time-zone</c>), the clock behind CURRENT_TIMESTAMP and friends, and the random source
/// behind RAND. A function that needs it takes it as its first parameter (see ResolvedFunction.NeedsContext).
/// </summary>
/// <remarks>
/// Flink evaluates CURRENT_TIMESTAMP once per record in streaming mode; <see cref="Now"/> reads the clock on every
/// call, so a planner that wants one value per record reads it once and passes it down. Not thread-safe (one per task).
/// </remarks>
public sealed class FunctionContext
{
    private Random? _random;

    /// <summary>A context for a session time zone and a clock.</summary>
    public FunctionContext(TimeZoneInfo timeZone, TimeProvider clock)
    {
        TimeZone = timeZone ?? throw new ArgumentNullException(nameof(timeZone));
        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
    }

    /// <summary>A context in UTC on the system clock (Flink's default zone is the JVM's; Eddy's is UTC).</summary>
    public FunctionContext() : this(TimeZoneInfo.Utc, TimeProvider.System)
    {
    }

    /// <summary>The session time zone: how TIMESTAMP_LTZ values are shown, parsed and converted to TIMESTAMP.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The clock of CURRENT_TIMESTAMP, NOW, LOCALTIMESTAMP, CURRENT_DATE, CURRENT_TIME, UNIX_TIMESTAMP().</summary>
    public TimeProvider Clock { get; }

    /// <summary>The random source of RAND() and RAND_INTEGER(n) without a seed.</summary>
    public Random Random => _random ??= new Random();

    /// <summary>The current instant.</summary>
    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>The local date-time of an instant in the session time zone.</summary>
    public DateTime ToLocal(DateTimeOffset instant) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime, DateTimeKind.Unspecified);

    /// <summary>
    /// The instant of a local date-time in the session time zone. A time skipped by a daylight-saving gap moves
    /// forward by the gap, and an ambiguous time takes the earlier offset, as java.time's ZonedDateTime.of does.
    /// </summary>
    public DateTimeOffset ToInstant(DateTime local) => ToInstant(local, TimeZone);

    /// <summary>The instant of a local date-time in <paramref name="zone"/> (java.time's gap and overlap rules).</summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // In a gap: java.time shifts the local time later by the length of the gap.
            var before = zone.GetUtcOffset(local.AddHours(-3));
            var utc = local - before;
            return new DateTimeOffset(utc.Ticks, TimeSpan.Zero);
        }
        TimeSpan offset;
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            offset = offsets[0] > offsets[1] ? offsets[0] : offsets[1];
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }
        return new DateTimeOffset((local - offset).Ticks, TimeSpan.Zero);
    }

    /// <summary>A time zone by Flink's names: an IANA id (<c>Europe/Berlin</c>), <c>UTC</c>, <c>GMT+08:00</c>, <c>+08:00</c>.</summary>
    /// <exception cref="SqlFunctionException">The zone is unknown.</exception>
    public static TimeZoneInfo FindZone(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var trimmed = id.Trim();
        if (trimmed.Length == 0)
            throw new SqlFunctionException("Invalid time zone ID: ''.");
        if (trimmed is "Z" or "UTC" or "GMT" or "UT")
            return TimeZoneInfo.Utc;
        var offsetText = trimmed.StartsWith("GMT", StringComparison.Ordinal) || trimmed.StartsWith("UTC", StringComparison.Ordinal)
            ? trimmed[3..]
            : trimmed;
        if (offsetText.Length > 1 && offsetText[0] is '+' or '-' && TryParseOffset(offsetText, out var offset))
            return TimeZoneInfo.CreateCustomTimeZone(trimmed, offset, trimmed, trimmed);
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(trimmed);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new SqlFunctionException($"Invalid time zone ID: '{id}'.");
        }
        catch (InvalidTimeZoneException)
        {
            throw new SqlFunctionException($"Invalid time zone ID: '{id}'.");
        }
    }

    private static bool TryParseOffset(string text, out TimeSpan offset)
    {
        offset = default;
        var sign = text[0] == '-' ? -1 : 1;
        var body = text[1..];
        int hours, minutes = 0;
        var colon = body.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!int.TryParse(body[..colon], out hours) || !int.TryParse(body[(colon + 1)..], out minutes))
                return false;
        }
        else if (body.Length <= 2)
        {
            if (!int.TryParse(body, out hours))
                return false;
        }
        else if (body.Length == 4)
        {
            if (!int.TryParse(body[..2], out hours) || !int.TryParse(body[2..], out minutes))
                return false;
        }
        else
        {
            return false;
        }
        if (hours > 18 || minutes > 59)
            return false;
        offset = sign * new TimeSpan(hours, minutes, 0);
        return true;
    }
}
