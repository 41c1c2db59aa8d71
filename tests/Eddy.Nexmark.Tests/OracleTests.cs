using Eddy.Nexmark;

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
    private static async Task MatchesAsync(string query, string duckDbQuery, int generators = 2, long rate = 10_000, int[]? columns = null,
        Action<object?[], IReadOnlyList<NexmarkEvent>>? check = null)
    {
        var (eddy, duckDb) = await OracleHarness.RunAsync(query, duckDbQuery, generators, rate, columns, check);
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
    public Task Q4_averages_the_winning_bid_of_each_auction_per_category() =>
        // Flink's AVG of a BIGINT is a BIGINT: the sum divided by the count, truncated.
        MatchesAsync("q4", """
            WITH q AS (
                SELECT max(B.price) AS final, A.category FROM auction A JOIN bid B ON A.id = B.auction
                WHERE B."dateTime" BETWEEN A."dateTime" AND A.expires GROUP BY A.id, A.category)
            SELECT category, CAST(sum(final) // count(final) AS BIGINT) FROM q GROUP BY category
            """);

    [Fact]
    public Task Q9_keeps_the_winning_bid_of_each_auction()
    {
        // Two bids at the same price and millisecond make which bidder wins arbitrary; the auction, the winning price
        // and its time are not. So those are compared, and each row's bid must be one of the auction's bids.
        HashSet<(long, long, long, long, string)>? bids = null;
        return MatchesAsync("q9", """
            SELECT A.*, B.auction, B.price, B."dateTime" FROM auction A JOIN bid B ON A.id = B.auction
            WHERE B."dateTime" BETWEEN A."dateTime" AND A.expires
            QUALIFY ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B."dateTime" ASC) = 1
            """, columns: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13], check: (row, events) =>
            {
                bids ??= [.. events.Where(e => e.Type == NexmarkEventType.Bid).Select(e => (e.Bid.Auction, e.Bid.Bidder, e.Bid.Price, e.Bid.DateTime, e.Bid.Extra.ToString()))];
                var time = (long)((DateTime)row[13]! - DateTime.UnixEpoch).TotalMilliseconds;
                Assert.Contains(((long)row[10]!, (long)row[11]!, (long)row[12]!, time, (string)row[14]!), bids);
            });
    }

    // The windowed queries run at 200 events/s, so the 20,000 events span 100 s of event time: ten tumbling windows,
    // fifty hopping ones. Window bounds are computed from epoch milliseconds (windows align to the epoch, as Flink's).

    [Fact]
    public Task Q5_finds_the_auctions_with_the_most_bids_in_each_hopping_window() =>
        MatchesAsync("q5", """
            WITH w AS (
                SELECT B.auction, (epoch_ms(B."dateTime") // 2000) * 2000 - k * 2000 AS ws
                FROM bid B, (SELECT unnest(range(0, 5)) AS k) r),
            c AS (SELECT auction, ws, count(*) AS num FROM w GROUP BY auction, ws),
            m AS (SELECT ws, max(num) AS maxn FROM c GROUP BY ws)
            SELECT c.auction, c.num FROM c JOIN m ON c.ws = m.ws WHERE c.num >= m.maxn
            """, rate: 200);

    [Fact]
    public Task Q7_finds_the_highest_bids_of_each_tumbling_window() =>
        MatchesAsync("q7", """
            WITH m AS (
                SELECT max(price) AS maxprice, make_timestamp(((epoch_ms("dateTime") // 10000) * 10000 + 10000) * 1000) AS we
                FROM bid GROUP BY epoch_ms("dateTime") // 10000)
            SELECT B.auction, B.price, B.bidder, B."dateTime", B.extra
            FROM bid B JOIN m ON B.price = m.maxprice
            WHERE B."dateTime" BETWEEN m.we - INTERVAL 10 SECOND AND m.we
            """, rate: 200);

    [Fact]
    public Task Q8_finds_people_who_open_an_auction_in_the_window_they_registered_in() =>
        MatchesAsync("q8", """
            WITH p AS (SELECT DISTINCT id, name, epoch_ms("dateTime") // 10000 AS w FROM person),
                 a AS (SELECT DISTINCT seller, epoch_ms("dateTime") // 10000 AS w FROM auction)
            SELECT p.id, p.name, make_timestamp(p.w * 10000 * 1000) FROM p JOIN a ON p.id = a.seller AND p.w = a.w
            """, rate: 200);

    [Fact]
    public Task Q11_counts_each_bidders_bids_per_session() =>
        // Each bid opens a window [t, t + 10 s) and Flink merges windows that overlap or touch (its TimeWindow.intersects
        // compares inclusively), so only a bid more than 10 s after the bidder's previous one opens a new session; the
        // session ends 10 s after its last bid.
        MatchesAsync("q11", """
            WITH g AS (
                SELECT bidder, "dateTime" AS t,
                       CASE WHEN "dateTime" - lag("dateTime") OVER (PARTITION BY bidder ORDER BY "dateTime") <= INTERVAL 10 SECOND THEN 0 ELSE 1 END AS opens
                FROM bid),
            s AS (SELECT bidder, t, sum(opens) OVER (PARTITION BY bidder ORDER BY t ROWS UNBOUNDED PRECEDING) AS session FROM g)
            SELECT bidder, count(*), min(t), max(t) + INTERVAL 10 SECOND FROM s GROUP BY bidder, session
            """, rate: 200);

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
    public Task Q19_keeps_the_ten_highest_bids_of_each_auction()
    {
        // Equal prices make which bid holds a rank arbitrary; the price at each rank is not. So the auction, price
        // and rank are compared, and each row must be one of the auction's bids.
        HashSet<(long, long, long, string, string)>? bids = null;
        return MatchesAsync("q19", """
            SELECT auction, price, rn FROM (SELECT auction, price, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid)
            WHERE rn <= 10
            """, columns: [0, 2, 7], check: (row, events) =>
            {
                bids ??= [.. events.Where(e => e.Type == NexmarkEventType.Bid).Select(e => (e.Bid.Auction, e.Bid.Bidder, e.Bid.Price, e.Bid.Url, e.Bid.Extra.ToString()))];
                Assert.Contains(((long)row[0]!, (long)row[1]!, (long)row[2]!, (string)row[4]!, (string)row[6]!), bids);
            });
    }

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
