namespace Eddy.Nexmark.Tests;

/// <summary>
/// The queries that run on Eddy today, over the same generated events as DuckDB: each query's materialized output
/// equals DuckDB's answer to its batch equivalent. 20,000 events here; the slow run sets
/// <c>EDDY_NEXMARK_ORACLE_EVENTS</c> (≥ 100,000) and filters on the trait <c>Nexmark=Oracle</c>.
/// </summary>
[Trait("Category", "Unit")]
[Trait("Nexmark", "Oracle")]
public class OracleTests
{
    private static async Task MatchesAsync(string query, string duckDbQuery, int generators = 2, long rate = 10_000)
    {
        var (eddy, duckDb) = await OracleHarness.RunAsync(query, duckDbQuery, generators, rate);
        Assert.NotEmpty(duckDb);
        Assert.Equal(duckDb.Count, eddy.Count);
        Assert.Equal(duckDb, eddy);
    }

    [Fact]
    public Task Q0_passes_every_bid_through() =>
        MatchesAsync("q0", """SELECT auction, bidder, price, "dateTime", extra FROM bid""");

    [Fact]
    public Task Q1_converts_every_price_to_euros_exactly() =>
        MatchesAsync("q1", """SELECT auction, bidder, CAST(0.908 * price AS DECIMAL(23, 3)), "dateTime", extra FROM bid""");

    [Fact]
    public Task Q2_keeps_the_bids_on_every_123rd_auction() =>
        MatchesAsync("q2", "SELECT auction, price FROM bid WHERE auction % 123 = 0");

    [Fact]
    public Task Q3_joins_sellers_in_three_states_with_their_category_10_auctions() =>
        MatchesAsync("q3", """
            SELECT P.name, P.city, P.state, A.id FROM auction A JOIN person P ON A.seller = P.id
            WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')
            """);

    [Fact]
    public Task Q17_computes_each_auctions_daily_statistics() =>
        MatchesAsync("q17", """
            SELECT auction, strftime("dateTime", '%Y-%m-%d') AS day, count(*),
                   count(*) FILTER (WHERE price < 10000), count(*) FILTER (WHERE price >= 10000 AND price < 1000000),
                   count(*) FILTER (WHERE price >= 1000000), min(price), max(price), CAST(sum(price) // count(price) AS BIGINT), CAST(sum(price) AS BIGINT)
            FROM bid GROUP BY auction, strftime("dateTime", '%Y-%m-%d')
            """);

    [Fact]
    public Task Q18_keeps_each_bidders_last_bid_per_auction() =>
        // One generator at 1000 events/s: every event has its own millisecond, so "last" has no ties.
        MatchesAsync("q18", """
            SELECT auction, bidder, price, channel, url, "dateTime", extra FROM bid
            QUALIFY ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY "dateTime" DESC) = 1
            """, generators: 1, rate: 1000);

    [Fact]
    public Task Q20_joins_bids_with_their_category_10_auctions() =>
        MatchesAsync("q20", """
            SELECT B.auction, B.bidder, B.price, B.channel, B.url, B."dateTime", B.extra,
                   A.itemName, A.description, A.initialBid, A.reserve, A."dateTime", A.expires, A.seller, A.category, A.extra
            FROM bid B JOIN auction A ON B.auction = A.id WHERE A.category = 10
            """);

    [Fact]
    public Task Q21_extracts_each_channels_id() =>
        MatchesAsync("q21", """
            SELECT auction, bidder, price, channel,
                   CASE WHEN lower(channel) = 'apple' THEN '0' WHEN lower(channel) = 'google' THEN '1'
                        WHEN lower(channel) = 'facebook' THEN '2' WHEN lower(channel) = 'baidu' THEN '3'
                        ELSE NULLIF(regexp_extract(url, '(&|^)channel_id=([^&]*)', 2), '') END
            FROM bid
            WHERE NULLIF(regexp_extract(url, '(&|^)channel_id=([^&]*)', 2), '') IS NOT NULL
               OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu')
            """);

    [Fact]
    public Task Q22_splits_each_url_into_its_directories() =>
        MatchesAsync("q22", "SELECT auction, bidder, price, channel, split_part(url, '/', 4), split_part(url, '/', 5), split_part(url, '/', 6) FROM bid");
}
