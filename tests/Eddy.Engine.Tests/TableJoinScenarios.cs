using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>A record of a randomized stream-table run: a click (stream) or a user row change (table; a null value deletes).</summary>
internal sealed record JoinEvent(bool IsTable, string Key, string? Value, long Timestamp);

/// <summary>
/// Randomized inputs for the stream-table and temporal joins, and their brute-force answers. Clicks ("u2:c7") are
/// keyed by user through a repartition topic; user rows come from the "users" topic. Timestamps go up by 10 ms per
/// event minus up to <see cref="Bound"/> of disorder, so nothing is late; row values are unique, deletes only hit
/// rows that are there, and a duplicate repeats the event just before it.
/// </summary>
internal static class TableJoinScenarios
{
    public const long Bound = 100;

    /// <summary>The joins' joiner: a row is null where a left join found none.</summary>
    public static readonly Func<string, string, string, string> Joiner = (_, click, row) => Joined(click, row);

    /// <summary>Events from choices (kind 0-9, user, jitter in tens of ms): the one interpretation the random tests and CsCheck share.</summary>
    public static List<JoinEvent> Events(IEnumerable<(int Kind, int User, int Jitter)> choices)
    {
        var events = new List<JoinEvent>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        var versionTimes = new HashSet<(string, long)>();
        var i = 0;
        foreach (var (kind, userNumber, jitter) in choices)
        {
            i++;
            var user = $"u{userNumber}";
            var timestamp = 10L * i - 10L * Math.Clamp(jitter, 0, (int)(Bound / 10));
            if (kind == 9 && events.Count > 0)
            {
                // The event just before, again: recent enough to be on time, so only its duplication is tested.
                events.Add(events[^1]);
                continue;
            }

            if (kind < 5 || kind == 9)
            {
                events.Add(new JoinEvent(false, user, $"{user}:c{i}", timestamp));
            }
            else if (versionTimes.Add((user, timestamp)))
            {
                var delete = kind == 8 && present.Contains(user);
                events.Add(new JoinEvent(true, user, delete ? null : $"r{i}", timestamp));
                if (delete)
                {
                    present.Remove(user);
                }
                else
                {
                    present.Add(user);
                }
            }
        }

        return events;
    }

    public static List<JoinEvent> RandomEvents(Random random, int count, int users) =>
        Events(Enumerable.Range(0, count).Select(_ => (random.Next(10), random.Next(users), random.Next((int)(Bound / 10) + 1))).ToList());

    public static string Joined(string click, string? row) => $"{click}+{row ?? "none"}";

    /// <summary>Pipes the events in order, each click from one of a few origins so that the KeyBy moves it.</summary>
    public static void Pipe(JobTestDriver driver, IReadOnlyList<JoinEvent> events, int? restartAfter = null)
    {
        var clicks = driver.Input<string, string>("clicks");
        var users = driver.Input<string, string>("users");
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.IsTable)
            {
                users.Pipe(e.Key, e.Value!, e.Timestamp);
            }
            else
            {
                clicks.Pipe($"origin{i % 3}", e.Value!, e.Timestamp);
            }

            if (i == restartAfter)
            {
                driver.RestartTasks();
            }
        }
    }

    /// <summary>Kafka Streams' answer: each click joined with the user's row as of the events piped before it.</summary>
    public static List<(string Key, string Value)> CurrentRowOracle(IEnumerable<JoinEvent> events, bool left)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        var results = new List<(string Key, string Value)>();
        foreach (var e in events)
        {
            if (e.IsTable && e.Value is null)
            {
                rows.Remove(e.Key);
            }
            else if (e.IsTable)
            {
                rows[e.Key] = e.Value!;
            }
            else if (rows.TryGetValue(e.Key, out var row) || left)
            {
                results.Add((e.Key, Joined(e.Value!, row)));
            }
        }

        return results;
    }

    /// <summary>
    /// Flink's answer for an event-time versioned table: each click joined with the row valid at its timestamp, picked
    /// from the user's whole history (the latest change at or before it, the later-piped one among equal times; a
    /// delete means no row). Results carry the click's timestamp.
    /// </summary>
    public static List<(string Key, string Value)> VersionOracle(IReadOnlyList<JoinEvent> events, bool left)
    {
        var results = new List<(string Key, string Value)>();
        foreach (var click in events.Where(e => !e.IsTable))
        {
            var valid = events
                .Select((e, order) => (Event: e, Order: order))
                .Where(x => x.Event.IsTable && x.Event.Key == click.Key && x.Event.Timestamp <= click.Timestamp)
                .OrderBy(x => x.Event.Timestamp).ThenBy(x => x.Order)
                .LastOrDefault().Event;
            if (valid?.Value is not null || left)
            {
                results.Add((click.Key, $"{Joined(click.Value!, valid?.Value)}@{click.Timestamp}"));
            }
        }

        return results;
    }

    /// <summary>The driver's output rows with their changelog applied (the timestamp appended when asked).</summary>
    public static List<(string Key, string Value)> Materialized(JobTestDriver driver, bool withTimestamps = false) =>
        Materialized(driver.Output<string, string>("out").ReadAll(), withTimestamps);

    public static List<(string Key, string Value)> Materialized(IEnumerable<TestRecord<string, string>> records, bool withTimestamps = false) =>
        Changelogs.Sorted(Changelogs.Materialize(records.Select(r => withTimestamps ? r with { Value = $"{r.Value}@{r.Timestamp}" } : r)));
}
