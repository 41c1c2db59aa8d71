using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Eddy.Sql.Tests.OracleSuite;

/// <summary>
/// A source table of an oracle test as the harness sees it: its topic (also its DuckDB table's name), its physical
/// columns with their DuckDB types, the primary key of an upsert-kafka table, and the rowtime column and watermark
/// delay the harness replays to tell which rows arrive late. The Flink DDL is written in the test itself.
/// </summary>
internal sealed record OracleTable(string Name, (string Name, string DuckType)[] Columns, string[]? Key = null, string? Rowtime = null, int DelayMs = 0)
{
    public bool IsUpsert => Key is not null;

    /// <summary>DuckDB gets every version of an upsert table (a versioned table's history, for ASOF JOIN), not its last rows.</summary>
    public bool History { get; init; }

    public int IndexOf(string column) => Array.FindIndex(Columns, c => c.Name == column);
}

/// <summary>One record of the bounded input: a row (or, for an upsert table, a delete of its key) on a partition.</summary>
internal sealed record OracleEvent(OracleTable Table, object?[] Row, bool Delete, int? Partition);

/// <summary>
/// The bounded input of one run, in the order it is written: what the job reads (JSON records, as Flink's json format
/// writes them) and what DuckDB is given (the tables' final contents: every row of an append table, the last row per
/// key of an upsert table; a table with a rowtime also gets the column <c>arrival_wm</c>, the watermark in epoch
/// milliseconds when the row arrived, replayed as the engine computes it, so the batch SQL can leave late rows out).
/// </summary>
internal sealed class OracleInput
{
    private readonly List<OracleEvent> _events = [];

    public IReadOnlyList<OracleEvent> Events => _events;

    /// <summary>An append row on <paramref name="partition"/>, or an upsert (partitioned by its key) for an upsert table.</summary>
    public OracleInput Add(OracleTable table, int partition, params object?[] row)
    {
        _events.Add(new OracleEvent(table, row, Delete: false, table.IsUpsert ? null : partition));
        return this;
    }

    /// <summary>An upsert table's tombstone for the key of <paramref name="row"/>.</summary>
    public OracleInput Delete(OracleTable table, params object?[] row)
    {
        _events.Add(new OracleEvent(table, row, Delete: true, null));
        return this;
    }

    public IEnumerable<OracleTable> Tables => _events.Select(e => e.Table).Distinct();

    /// <summary>What each table holds once the input has been read, with the replayed watermark for rowtime tables.</summary>
    public IEnumerable<(OracleTable Table, List<object?[]> Rows)> FinalContents(int partitions)
    {
        foreach (var table in Tables)
        {
            if (table.IsUpsert && table.History)
            {
                yield return (table, [.. _events.Where(e => e.Table == table && !e.Delete).Select(e => e.Row)]);
            }
            else if (table.IsUpsert)
            {
                var byKey = new Dictionary<string, object?[]>(StringComparer.Ordinal);
                var order = new List<string>();
                foreach (var e in _events.Where(e => e.Table == table))
                {
                    var key = Encoding.UTF8.GetString(KeyJson(e)!);
                    if (e.Delete)
                    {
                        byKey.Remove(key);
                    }
                    else
                    {
                        if (!byKey.ContainsKey(key))
                            order.Add(key);
                        byKey[key] = e.Row;
                    }
                }
                yield return (table, [.. order.Distinct().Where(byKey.ContainsKey).Select(k => byKey[k])]);
            }
            else if (table.Rowtime is { } rowtime)
            {
                yield return (table, WithArrivalWatermarks(table, table.IndexOf(rowtime), partitions));
            }
            else
            {
                yield return (table, [.. _events.Where(e => e.Table == table).Select(e => e.Row)]);
            }
        }
    }

    /// <summary>
    /// The engine's watermark replayed: each source partition's is its largest timestamp less the delay and 1 ms
    /// (Flink's bounded out-of-orderness), a partition without rows holds it at the minimum, and the operator after the
    /// repartition sees the least of them; a record reaches it before the watermark its own batch moves.
    /// </summary>
    private List<object?[]> WithArrivalWatermarks(OracleTable table, int rowtime, int partitions)
    {
        var max = Enumerable.Repeat(long.MinValue, partitions).ToArray();
        var rows = new List<object?[]>();
        foreach (var e in _events.Where(e => e.Table == table))
        {
            var watermark = long.MaxValue;
            foreach (var m in max)
                watermark = Math.Min(watermark, m == long.MinValue ? long.MinValue : m - table.DelayMs - 1);
            rows.Add([.. e.Row, watermark]);
            var partition = e.Partition ?? 0;
            max[partition] = Math.Max(max[partition], Millis(e.Row[rowtime]));
        }
        return rows;
    }

    public static long Millis(object? time) => time switch
    {
        DateTime t => (long)(t - DateTime.UnixEpoch).TotalMilliseconds,
        DateTimeOffset t => t.ToUnixTimeMilliseconds(),
        long epochMillis => epochMillis,
        _ => 0,
    };

    /// <summary>The record's key: the key columns as a JSON object (upsert tables), else none.</summary>
    public static byte[]? KeyJson(OracleEvent e)
    {
        if (e.Table.Key is not { } key)
            return null;
        return Json(key.Select(k => (k, e.Row[e.Table.IndexOf(k)])));
    }

    /// <summary>The record's value: every column as a JSON object, or null (a tombstone) for a delete.</summary>
    public static byte[]? ValueJson(OracleEvent e) =>
        e.Delete ? null : Json(e.Table.Columns.Select((c, i) => (c.Name, e.Row[i])));

    /// <summary>The record's Kafka timestamp: its rowtime when the table has one.</summary>
    public static long Timestamp(OracleEvent e) => e.Table.Rowtime is { } rowtime ? Millis(e.Row[e.Table.IndexOf(rowtime)]) : 0;

    /// <summary>A JSON object written as Flink's json format writes these types (timestamps in its SQL standard).</summary>
    private static byte[] Json(IEnumerable<(string Name, object? Value)> fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                writer.WritePropertyName(name);
                switch (value)
                {
                    case null: writer.WriteNullValue(); break;
                    case string s: writer.WriteStringValue(s); break;
                    case bool b: writer.WriteBooleanValue(b); break;
                    case int i: writer.WriteNumberValue(i); break;
                    case long l: writer.WriteNumberValue(l); break;
                    case decimal d: writer.WriteRawValue(d.ToString(CultureInfo.InvariantCulture)); break;
                    case double d: writer.WriteNumberValue(d); break;
                    case DateTime t: writer.WriteStringValue(t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)); break;
                    case DateTimeOffset t: writer.WriteStringValue(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "Z"); break;
                    default: throw new ArgumentException($"No JSON form for {value.GetType()}");
                }
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
