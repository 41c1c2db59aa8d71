using System.Globalization;
using DuckDB.NET.Data;
using Eddy.Engine;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;
using Eddy.Nexmark;
using Eddy.Sql.Connectors;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Session;
using Eddy.Sql.Types;

namespace Eddy.Nexmark.Tests;

/// <summary>
/// Runs a Nexmark query on a bounded set of generated events twice: through Eddy (the standard text, its blackhole sink
/// swapped for a changelog topic, on the engine's test driver fed the generator's JSON per partition) and through
/// DuckDB (the same events in person, auction and bid tables, the batch equivalent of the query); both answers
/// rendered and sorted.
/// </summary>
internal static class OracleHarness
{
    /// <summary>The events of an oracle run: <c>EDDY_NEXMARK_ORACLE_EVENTS</c> (the slow run sets ≥ 100,000), else 20,000.</summary>
    public static long Events => long.TryParse(Environment.GetEnvironmentVariable("EDDY_NEXMARK_ORACLE_EVENTS"), out var n) && n > 0 ? n : 20_000;

    private const string Sink = "'connector' = 'kafka', 'topic' = 'out', 'format' = 'debezium-json'";

    /// <summary>Eddy's materialized answer and DuckDB's, for <paramref name="query"/> over the run's events.</summary>
    /// <param name="query">The query's name.</param>
    /// <param name="duckDbQuery">DuckDB's batch equivalent.</param>
    /// <param name="generators">The generators, one per partition of the source topic.</param>
    /// <param name="rate">Events per second of event time over all generators.</param>
    /// <param name="columns">The output columns compared (all when null): a query whose ties make rows arbitrary compares what is not.</param>
    /// <param name="check">Called with each output row's values before it is compared.</param>
    public static async Task<(List<string> Eddy, List<string> DuckDb)> RunAsync(string query, string duckDbQuery, int generators = 2, long rate = 10_000,
        int[]? columns = null, Action<object?[], IReadOnlyList<NexmarkEvent>>? check = null)
    {
        var options = new Dictionary<string, string> { ["seed"] = "42" };
        await using var session = await NexmarkSql.SessionAsync(Events, "oracle-" + query, options);
        var rewritten = false;
        var job = await NexmarkSql.JobAsync(session, query, text =>
        {
            rewritten = text.Contains("'connector' = 'blackhole'", StringComparison.Ordinal);
            return text.Replace("'connector' = 'blackhole'", Sink, StringComparison.Ordinal);
        });
        Assert.True(rewritten, $"{query} has no blackhole sink to replace.");
        var source = Assert.Single(JobTranslator.NexmarkSources(job.Name, [.. job.Sinks]));
        var config = source.Config with { Generators = generators, FirstEventRate = rate };
        var events = Generate(config);

        using var driver = new JobTestDriver(job.BuildPlan(), new JobTestDriverOptions { Partitions = generators });
        var input = driver.Input("oracle-" + query + "-datagen-nexmark", Serdes.Bytes, Serdes.Bytes);
        using var json = new NexmarkJsonWriter();
        // The partitions fed in turns, as the Kafka writer writes them, so their watermarks advance together.
        var position = new int[generators];
        for (var more = true; more;)
        {
            more = false;
            for (var p = 0; p < generators; p++)
            {
                var end = Math.Min(position[p] + 100, events[p].Count);
                for (; position[p] < end; position[p]++)
                {
                    var e = events[p][position[p]];
                    input.Pipe(null!, json.ToBytes(e), e.DateTime, p);
                }
                more |= position[p] < events[p].Count;
            }
        }
        driver.AdvanceWatermark("oracle-" + query + "-datagen-nexmark", long.MaxValue / 2);
        var types = job.Sinks[0].FieldTypes;
        var rows = new List<string>();
        var all = events.SelectMany(e => e).ToList();
        foreach (var record in driver.Output<Row, Row>("out").ReadAll())
        {
            var values = Enumerable.Range(0, types.Count).Select(i => record.Value.GetValue(i, types[i])).ToArray();
            check?.Invoke(values, all);
            var text = Render(columns is null ? values : columns.Select(i => values[i]));
            if (record.Kind is RowKind.Insert or RowKind.UpdateAfter)
                rows.Add(text);
            else
                Assert.True(rows.Remove(text), $"{record.Kind} of a row never added: {text}");
        }
        rows.Sort(StringComparer.Ordinal);
        return (rows, DuckDb(all, duckDbQuery));
    }

    private static List<NexmarkEvent>[] Generate(NexmarkConfig config)
    {
        var events = new List<NexmarkEvent>[config.Generators];
        for (var p = 0; p < config.Generators; p++)
        {
            var generator = new NexmarkGenerator(config, p);
            events[p] = [];
            while (generator.HasNext)
                events[p].Add(generator.Next());
        }
        return events;
    }

    private static List<string> DuckDb(IEnumerable<NexmarkEvent> events, string query)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        Execute(connection, """
            CREATE TABLE person (id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, "dateTime" TIMESTAMP, extra VARCHAR);
            CREATE TABLE auction (id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, "dateTime" TIMESTAMP, expires TIMESTAMP,
                seller BIGINT, category BIGINT, extra VARCHAR);
            CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, "dateTime" TIMESTAMP, extra VARCHAR);
            """);
        using (var people = connection.CreateAppender("person"))
        using (var auctions = connection.CreateAppender("auction"))
        using (var bids = connection.CreateAppender("bid"))
        {
            foreach (var e in events)
            {
                switch (e.Type)
                {
                    case NexmarkEventType.Person:
                        var p = e.Person;
                        people.CreateRow().AppendValue(p.Id).AppendValue(p.Name).AppendValue(p.EmailAddress).AppendValue(p.CreditCard).AppendValue(p.City)
                            .AppendValue(p.State).AppendValue(Time(p.DateTime)).AppendValue(p.Extra.ToString()).EndRow();
                        break;
                    case NexmarkEventType.Auction:
                        var a = e.Auction;
                        auctions.CreateRow().AppendValue(a.Id).AppendValue(a.ItemName).AppendValue(a.Description).AppendValue(a.InitialBid).AppendValue(a.Reserve)
                            .AppendValue(Time(a.DateTime)).AppendValue(Time(a.Expires)).AppendValue(a.Seller).AppendValue(a.Category)
                            .AppendValue(a.Extra.ToString()).EndRow();
                        break;
                    default:
                        var b = e.Bid;
                        bids.CreateRow().AppendValue(b.Auction).AppendValue(b.Bidder).AppendValue(b.Price).AppendValue(b.Channel).AppendValue(b.Url)
                            .AppendValue(Time(b.DateTime)).AppendValue(b.Extra.ToString()).EndRow();
                        break;
                }
            }
        }
        using var command = connection.CreateCommand();
        command.CommandText = query;
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
            result.Add(Render(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i))));
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static DateTime Time(long millis) => DateTime.UnixEpoch.AddMilliseconds(millis);

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>One row as text, the same for Eddy's and DuckDB's CLR values (integers of any width alike, decimals without trailing zeros).</summary>
    private static string Render(IEnumerable<object?> values) => string.Join(" | ", values.Select(v => v switch
    {
        null => "NULL",
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        decimal d => d.ToString("0.############", CultureInfo.InvariantCulture),
        System.Numerics.BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    }));
}
