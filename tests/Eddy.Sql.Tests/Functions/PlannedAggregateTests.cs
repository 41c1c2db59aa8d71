using System.Globalization;
using CsCheck;
using Eddy.Engine.Testing;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;
using Oracle = Eddy.Sql.Tests.Planning.DuckDbOracle;

namespace Eddy.Sql.Tests.Functions;

/// <summary>
/// The aggregate functions beyond COUNT/SUM/MIN/MAX/AVG (the variance family, FIRST_VALUE, LAST_VALUE, LISTAGG) and
/// DISTINCT aggregates with FILTER, as SQL text bound, translated and run, against DuckDB's answer over the same rows;
/// over updating inputs, the retractions are checked by materializing the result against DuckDB over the final rows.
/// </summary>
[Trait("Category", "Unit")]
public class PlannedAggregateTests
{
    private const string Bid =
        "CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP(3), extra STRING) " +
        "WITH ('connector' = 'kafka', 'topic' = 'bid', 'format' = 'json')";

    private static readonly SqlType[] BidTypes =
        [SqlType.BigInt, SqlType.BigInt, SqlType.BigInt, SqlType.String, SqlType.String, SqlType.Timestamp(3), SqlType.String];

    private static readonly (string, string)[] BidInDuckDb =
        [("auction", "BIGINT"), ("bidder", "BIGINT"), ("price", "BIGINT"), ("channel", "VARCHAR"), ("url", "VARCHAR"), ("dateTime", "TIMESTAMP"), ("extra", "VARCHAR")];

    /// <summary>Bids over two days, prices on both sides of q15's 10 000 and 1 000 000 thresholds, some NULL.</summary>
    private static readonly Gen<object?[][]> Bids =
        Gen.Select(Gen.Long[1, 6], Gen.Long[1, 5], Gen.Long[0, 3_000_000], Gen.Int[0, 3], Gen.Int[0, 2880], Gen.Int[0, 9])
            .Select((auction, bidder, price, channel, minutes, nulls) => new object?[]
            {
                auction, bidder, nulls == 0 ? null : price / (nulls % 3 == 0 ? 1 : 200), channel == 3 ? null : "ch" + channel, "u",
                new DateTime(2026, 12, 7, 0, 0, 0).AddMinutes(minutes), "x",
            }).Array[1, 50];

    private static async Task RunsLikeDuckDb(string sinkDdl, string insert, string duckDbQuery)
    {
        var script = await SqlScript.Of(Bid, sinkDdl);
        var sink = script.Insert(insert);
        Bids.Sample(bids =>
        {
            var expected = Oracle.Query("bid", BidInDuckDb, bids, duckDbQuery);
            Assert.Equal(expected, SqlScript.Run(sink, bids.Select((b, i) => ("bid", (IReadOnlyList<SqlType>)BidTypes, b, i % 3))));
        }, iter: 15, threads: 1);
    }

    private const string Ranks = """
        count(*) filter (where price < 10000), count(*) filter (where price >= 10000 and price < 1000000), count(*) filter (where price >= 1000000)
        """;

    private const string DistinctRanks = """
        count(distinct bidder), count(distinct bidder) filter (where price < 10000),
        count(distinct bidder) filter (where price >= 10000 and price < 1000000), count(distinct bidder) filter (where price >= 1000000),
        count(distinct auction), count(distinct auction) filter (where price < 10000),
        count(distinct auction) filter (where price >= 10000 and price < 1000000), count(distinct auction) filter (where price >= 1000000)
        """;

    [Fact]
    public Task Nexmark_q15_counts_distinct_bidders_and_auctions_per_price_rank_as_duckdb() => RunsLikeDuckDb(
        "CREATE TABLE nexmark_q15 (`day` VARCHAR, total_bids BIGINT, rank1_bids BIGINT, rank2_bids BIGINT, rank3_bids BIGINT, " +
        "total_bidders BIGINT, rank1_bidders BIGINT, rank2_bidders BIGINT, rank3_bidders BIGINT, total_auctions BIGINT, rank1_auctions BIGINT, " +
        "rank2_auctions BIGINT, rank3_auctions BIGINT) WITH ('connector' = 'kafka', 'topic' = 'q15', 'format' = 'debezium-json')",
        """
        INSERT INTO nexmark_q15
        SELECT
             DATE_FORMAT(dateTime, 'yyyy-MM-dd') as `day`,
             count(*) AS total_bids,
             count(*) filter (where price < 10000) AS rank1_bids,
             count(*) filter (where price >= 10000 and price < 1000000) AS rank2_bids,
             count(*) filter (where price >= 1000000) AS rank3_bids,
             count(distinct bidder) AS total_bidders,
             count(distinct bidder) filter (where price < 10000) AS rank1_bidders,
             count(distinct bidder) filter (where price >= 10000 and price < 1000000) AS rank2_bidders,
             count(distinct bidder) filter (where price >= 1000000) AS rank3_bidders,
             count(distinct auction) AS total_auctions,
             count(distinct auction) filter (where price < 10000) AS rank1_auctions,
             count(distinct auction) filter (where price >= 10000 and price < 1000000) AS rank2_auctions,
             count(distinct auction) filter (where price >= 1000000) AS rank3_auctions
        FROM bid
        GROUP BY DATE_FORMAT(dateTime, 'yyyy-MM-dd')
        """,
        $"SELECT strftime(dateTime, '%Y-%m-%d'), count(*), {Ranks}, {DistinctRanks} FROM bid GROUP BY 1");

    [Fact]
    public Task Nexmark_q16_adds_the_channel_and_the_latest_minute_as_duckdb() => RunsLikeDuckDb(
        "CREATE TABLE nexmark_q16 (channel VARCHAR, `day` VARCHAR, `minute` VARCHAR, total_bids BIGINT, rank1_bids BIGINT, rank2_bids BIGINT, " +
        "rank3_bids BIGINT, total_bidders BIGINT, rank1_bidders BIGINT, rank2_bidders BIGINT, rank3_bidders BIGINT, total_auctions BIGINT, " +
        "rank1_auctions BIGINT, rank2_auctions BIGINT, rank3_auctions BIGINT) WITH ('connector' = 'kafka', 'topic' = 'q16', 'format' = 'debezium-json')",
        """
        INSERT INTO nexmark_q16
        SELECT
            channel,
            DATE_FORMAT(dateTime, 'yyyy-MM-dd') as `day`,
            max(DATE_FORMAT(dateTime, 'HH:mm')) as `minute`,
            count(*) AS total_bids,
            count(*) filter (where price < 10000) AS rank1_bids,
            count(*) filter (where price >= 10000 and price < 1000000) AS rank2_bids,
            count(*) filter (where price >= 1000000) AS rank3_bids,
            count(distinct bidder) AS total_bidders,
            count(distinct bidder) filter (where price < 10000) AS rank1_bidders,
            count(distinct bidder) filter (where price >= 10000 and price < 1000000) AS rank2_bidders,
            count(distinct bidder) filter (where price >= 1000000) AS rank3_bidders,
            count(distinct auction) AS total_auctions,
            count(distinct auction) filter (where price < 10000) AS rank1_auctions,
            count(distinct auction) filter (where price >= 10000 and price < 1000000) AS rank2_auctions,
            count(distinct auction) filter (where price >= 1000000) AS rank3_auctions
        FROM bid
        GROUP BY channel, DATE_FORMAT(dateTime, 'yyyy-MM-dd')
        """,
        $"SELECT channel, strftime(dateTime, '%Y-%m-%d'), max(strftime(dateTime, '%H:%M')), count(*), {Ranks}, {DistinctRanks} FROM bid GROUP BY 1, 2");

    [Fact]
    public Task Nexmark_q17_reports_per_auction_and_day_as_duckdb() => RunsLikeDuckDb(
        "CREATE TABLE nexmark_q17 (auction BIGINT, `day` VARCHAR, total_bids BIGINT, rank1_bids BIGINT, rank2_bids BIGINT, rank3_bids BIGINT, " +
        "min_price BIGINT, max_price BIGINT, avg_price BIGINT, sum_price BIGINT) WITH ('connector' = 'kafka', 'topic' = 'q17', 'format' = 'debezium-json')",
        """
        INSERT INTO nexmark_q17
        SELECT
             auction,
             DATE_FORMAT(dateTime, 'yyyy-MM-dd') as `day`,
             count(*) AS total_bids,
             count(*) filter (where price < 10000) AS rank1_bids,
             count(*) filter (where price >= 10000 and price < 1000000) AS rank2_bids,
             count(*) filter (where price >= 1000000) AS rank3_bids,
             min(price) AS min_price,
             max(price) AS max_price,
             avg(price) AS avg_price,
             sum(price) AS sum_price
        FROM bid
        GROUP BY auction, DATE_FORMAT(dateTime, 'yyyy-MM-dd')
        """,
        $"SELECT auction, strftime(dateTime, '%Y-%m-%d'), count(*), {Ranks}, min(price), max(price), sum(price) // count(price), sum(price) FROM bid GROUP BY 1, 2");

    // ---- over an updating input: the retractions

    private const string Latest =
        "CREATE TABLE latest (id BIGINT, grp STRING, x DOUBLE, s STRING, PRIMARY KEY (id) NOT ENFORCED) " +
        "WITH ('connector' = 'upsert-kafka', 'topic' = 'latest', 'key.format' = 'json', 'value.format' = 'json')";

    private static readonly SqlType[] LatestTypes = [SqlType.BigInt.NotNull(), SqlType.String, SqlType.Double, SqlType.String];

    /// <summary>Upserts and deletes of ids 0–5: (id, delete?, group, x, s).</summary>
    private static readonly Gen<(long Id, bool Delete, int Group, int X, int S)[]> Changes =
        Gen.Select(Gen.Long[0, 5], Gen.Int[0, 6], Gen.Int[0, 2], Gen.Int[-20, 20], Gen.Int[0, 4])
            .Select((id, d, g, x, s) => (id, d == 0, g, x, s)).Array[1, 40];

    /// <summary>Runs the changes through the job and compares the materialized result with DuckDB over the final rows, numbers within 1e-9.</summary>
    private static async Task FollowsChangesLikeDuckDb(string sinkDdl, string insert, string duckDbQuery)
    {
        var script = await SqlScript.Of(Latest, sinkDdl);
        var sink = script.Insert(insert);
        Changes.Sample(changes =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("changes", sink), new JobTestDriverOptions { Partitions = 3 });
            var input = driver.Input<Row, Row>("latest");
            var current = new SortedDictionary<long, object?[]>();
            var time = 0L;
            foreach (var (id, delete, group, x, s) in changes)
            {
                var key = Row.Of([SqlType.BigInt.NotNull()], id);
                if (delete)
                {
                    input.Pipe(key, null!, ++time);
                    current.Remove(id);
                    continue;
                }
                object?[] values = [id, "g" + group, x == 20 ? null : (double)x, s == 4 ? null : "s" + s];
                input.Pipe(key, Row.Of(LatestTypes, values), ++time);
                current[id] = values;
            }
            var expected = Oracle.Query("latest", [("id", "BIGINT"), ("grp", "VARCHAR"), ("x", "DOUBLE"), ("s", "VARCHAR")], current.Values, duckDbQuery);
            AssertClose(expected, Translation.Harness.Materialize(driver, sink));
        }, iter: 25, threads: 1);
    }

    private static void AssertClose(List<string> expected, List<string> actual)
    {
        Assert.True(expected.Count == actual.Count, $"expected {string.Join("; ", expected)} but got {string.Join("; ", actual)}");
        for (var r = 0; r < expected.Count; r++)
        {
            var e = expected[r].Split(" | ");
            var a = actual[r].Split(" | ");
            Assert.Equal(e.Length, a.Length);
            for (var c = 0; c < e.Length; c++)
            {
                if (double.TryParse(e[c], CultureInfo.InvariantCulture, out var x) && double.TryParse(a[c], CultureInfo.InvariantCulture, out var y))
                    Assert.True(Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x)), $"row {expected[r]} vs {actual[r]}");
                else
                    Assert.Equal(e[c], a[c]);
            }
        }
    }

    [Fact]
    public Task The_variance_family_follows_inserts_updates_and_deletes_as_duckdb() => FollowsChangesLikeDuckDb(
        "CREATE TABLE out (grp STRING, vp DOUBLE, vs DOUBLE, sp DOUBLE, ss DOUBLE, v DOUBLE, s DOUBLE) " +
        "WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'debezium-json')",
        "INSERT INTO out SELECT grp, VAR_POP(x), VAR_SAMP(x), STDDEV_POP(x), STDDEV_SAMP(x), VARIANCE(x), STDDEV(x) FROM latest GROUP BY grp",
        "SELECT grp, var_pop(x), var_samp(x), stddev_pop(x), stddev_samp(x), var_samp(x), stddev_samp(x) FROM latest GROUP BY grp");

    [Fact]
    public Task Distinct_aggregates_with_filters_take_back_values_as_they_leave_the_group() => FollowsChangesLikeDuckDb(
        "CREATE TABLE out (grp STRING, a BIGINT, b BIGINT, c DOUBLE, d DOUBLE, e DOUBLE) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'debezium-json')",
        "INSERT INTO out SELECT grp, COUNT(DISTINCT s), COUNT(DISTINCT s) FILTER (WHERE x > 0), SUM(DISTINCT x), AVG(DISTINCT x) FILTER (WHERE x < 5), MAX(DISTINCT x) FROM latest GROUP BY grp",
        "SELECT grp, COUNT(DISTINCT s), COUNT(DISTINCT s) FILTER (WHERE x > 0), SUM(DISTINCT x), AVG(DISTINCT x) FILTER (WHERE x < 5), MAX(DISTINCT x) FROM latest GROUP BY grp");

    [Fact]
    public Task Listagg_collects_the_distinct_values_of_a_group_as_duckdbs_string_agg() => FollowsChangesLikeDuckDb(
        "CREATE TABLE out (grp STRING, n BIGINT, l STRING) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'debezium-json')",
        "INSERT INTO out SELECT grp, COUNT(s), LISTAGG(DISTINCT s) FROM (SELECT grp, s FROM latest WHERE s IS NULL OR s <> 's0') GROUP BY grp HAVING COUNT(s) < 2",
        "SELECT grp, COUNT(s), string_agg(DISTINCT s, ',') FROM (SELECT grp, s FROM latest WHERE s IS NULL OR s <> 's0') GROUP BY grp HAVING COUNT(s) < 2");

    // ---- order-dependent aggregates over an append-only input (one partition keeps the arrival order)

    [Fact]
    public async Task First_value_last_value_and_listagg_follow_the_arrival_order_and_skip_nulls_as_flink()
    {
        var script = await SqlScript.Of(Bid,
            "CREATE TABLE out (channel STRING, f BIGINT, l BIGINT, a STRING, b STRING) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'debezium-json')");
        var sink = script.Insert(
            "INSERT INTO out SELECT channel, FIRST_VALUE(price), LAST_VALUE(price), LISTAGG(CAST(bidder AS STRING)), LISTAGG(CAST(price AS STRING), '; ') FROM bid GROUP BY channel");
        Bids.Sample(bids =>
        {
            var numbered = bids.Select((b, i) => (object?[])[.. b, (long)i]).ToList();
            var expected = Oracle.Query("bid", [.. BidInDuckDb, ("n", "BIGINT")], numbered, """
                SELECT channel, first(price ORDER BY n) FILTER (WHERE price IS NOT NULL), last(price ORDER BY n) FILTER (WHERE price IS NOT NULL),
                       string_agg(CAST(bidder AS VARCHAR), ',' ORDER BY n), string_agg(CAST(price AS VARCHAR), '; ' ORDER BY n)
                FROM bid GROUP BY channel
                """);
            Assert.Equal(expected, SqlScript.Run(sink, bids.Select(b => ("bid", (IReadOnlyList<SqlType>)BidTypes, b, 0)), partitions: 1));
        }, iter: 15, threads: 1);
    }

    [Fact]
    public async Task Listagg_refuses_a_separator_that_is_not_a_string_literal_and_a_non_string_argument()
    {
        var script = await SqlScript.Of(Bid);
        var separator = script.Error("SELECT LISTAGG(channel, url) FROM bid");
        Assert.StartsWith("Cannot apply 'LISTAGG' to arguments", separator.Detail, StringComparison.Ordinal);
        Assert.Equal((1, 25), (separator.Position.Line, separator.Position.Column));
        Assert.Equal("Cannot apply 'LISTAGG' to arguments of type 'LISTAGG(<BIGINT>)'. Supported form(s): 'LISTAGG(<CHARACTER>)', 'LISTAGG(<CHARACTER>, <CHARACTER>)'",
            script.Error("SELECT LISTAGG(price) FROM bid").Detail);
        Assert.Equal("Cannot apply 'STDDEV_POP' to arguments of type 'STDDEV_POP(<STRING>)'. Supported form(s): 'STDDEV_POP(<NUMERIC>)'",
            script.Error("SELECT STDDEV_POP(channel) FROM bid").Detail);
    }
}
