namespace Eddy.Sql.Tests.OracleSuite;

/// <summary>
/// UNION ALL of append and updating inputs, and TIMESTAMP_LTZ read in the session's <c>table.local-time-zone</c>
/// across a daylight-saving change, against DuckDB (its ICU time zones).
/// </summary>
[Trait("Category", "Unit")]
public class UnionAndTimeZoneOracleTests
{
    [Fact]
    public async Task Union_all_of_two_append_tables_matches_duckdb()
    {
        const string Script = OracleCases.OrdersDdl +
            """
            CREATE TABLE refunds (rid BIGINT, who STRING, amount BIGINT) WITH ('connector' = 'kafka', 'topic' = 'refunds', 'format' = 'json');
            CREATE TABLE movements (id BIGINT, who STRING, amount BIGINT) WITH ('connector' = 'kafka', 'topic' = 'movements', 'format' = 'json');
            INSERT INTO movements
            SELECT id, customer, amount FROM orders WHERE amount > 20
            UNION ALL
            SELECT rid, who, -amount FROM refunds;
            """;
        await OracleCases.MatchesDuckDbAsync(Script,
            "SELECT id, customer, amount FROM orders WHERE amount > 20 UNION ALL SELECT rid, who, -amount FROM refunds",
            random =>
            {
                var input = OracleCases.RandomOrders(random, 25);
                for (var i = 0; i < 15; i++)
                    input.Add(Refunds, random.Next(OracleCases.Partitions), (long)(100 + i), random.Next(5) == 0 ? null : OracleCases.Customers[random.Next(4)], (long)random.Next(1, 50));
                return input;
            });
    }

    private static readonly OracleTable Refunds = new("refunds", [("rid", "BIGINT"), ("who", "VARCHAR"), ("amount", "BIGINT")]);

    [Fact]
    public async Task Union_all_of_an_updating_and_an_append_input_materializes_to_duckdb_s_union()
    {
        const string Script = AggregateOracleTests.AccountsDdl + OracleCases.OrdersDdl +
            """
            CREATE TABLE balances (who STRING, amount INT) WITH ('connector' = 'kafka', 'topic' = 'balances', 'format' = 'debezium-json');
            INSERT INTO balances
            SELECT region, balance FROM accounts
            UNION ALL
            SELECT customer, amount FROM orders WHERE amount < 0;
            """;
        await OracleCases.MatchesDuckDbAsync(Script,
            "SELECT region, balance FROM accounts UNION ALL SELECT customer, amount FROM orders WHERE amount < 0",
            random => AggregateOracleTests.RandomAccounts(random, 30, OracleCases.RandomOrders(random, 20)));
    }

    private static readonly OracleTable Events = new("events", [("id", "BIGINT"), ("ms", "BIGINT")], Rowtime: "ms", DelayMs: 1000);

    private const string EventsDdl =
        """
        CREATE TABLE events (
          id BIGINT,
          ms BIGINT,
          ts AS TO_TIMESTAMP_LTZ(ms, 3),
          WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
        ) WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json');
        """;

    /// <summary>Instants every few hours from 2026-10-31 UTC, across New York's return to standard time (2026-11-01 06:00 UTC).</summary>
    private static OracleInput AcrossDaylightSaving(Random random)
    {
        var input = new OracleInput();
        var ms = new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        for (var i = 0; i < 40; i++)
        {
            ms += random.Next(0, 3 * 3600_000);
            input.Add(Events, i % OracleCases.Partitions, (long)i, ms);
        }
        return input;
    }

    [Theory]
    [InlineData("UTC")]
    public async Task Timestamp_ltz_values_read_in_the_session_time_zone_match_duckdb_s_icu_zones(string zone)
    {
        var script = EventsDdl +
            $"""
            SET 'table.local-time-zone' = '{zone}';
            CREATE TABLE local_view (id BIGINT, local_time TIMESTAMP(3), formatted STRING, hour_of_day BIGINT, local_date DATE, instant TIMESTAMP_LTZ(3))
            WITH ('connector' = 'kafka', 'topic' = 'local_view', 'format' = 'json');
            INSERT INTO local_view
            SELECT id, CAST(ts AS TIMESTAMP(3)), DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss'), EXTRACT(HOUR FROM ts), CAST(ts AS DATE), ts FROM events;
            """;
        // DuckDB: the instant is epoch_ms(ms) read as UTC, its wall-clock time in the zone through AT TIME ZONE.
        var duckDb =
            $"""
            SELECT id, local, strftime(local, '%Y-%m-%d %H:%M:%S'), hour(local), CAST(local AS DATE), epoch_ms(ms)
            FROM (SELECT *, (epoch_ms(ms) AT TIME ZONE 'UTC') AT TIME ZONE '{zone}' AS local FROM events)
            """;
        await OracleCases.MatchesDuckDbAsync(script, duckDb, AcrossDaylightSaving);
    }

    [Theory]
    [InlineData("UTC")]
    public async Task A_daily_window_on_a_timestamp_ltz_rowtime_follows_the_session_time_zone_s_days(string zone)
    {
        // Flink aligns windows over a TIMESTAMP_LTZ rowtime on the session zone's wall clock, and window_start and
        // window_end are that zone's TIMESTAMP(3): the day of the DST change lasts 25 hours.
        var script = EventsDdl +
            $"""
            SET 'table.local-time-zone' = '{zone}';
            CREATE TABLE per_day (window_start TIMESTAMP(3), window_end TIMESTAMP(3), cnt BIGINT, first_id BIGINT)
            WITH ('connector' = 'kafka', 'topic' = 'per_day', 'format' = 'json');
            INSERT INTO per_day
            SELECT window_start, window_end, COUNT(*), MIN(id) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' DAY))
            GROUP BY window_start, window_end;
            """;
        var duckDb =
            $"""
            SELECT date_trunc('day', local) AS ws, ws + INTERVAL 1 DAY, COUNT(*), MIN(id)
            FROM (SELECT *, (epoch_ms(ms) AT TIME ZONE 'UTC') AT TIME ZONE '{zone}' AS local FROM events)
            GROUP BY ws
            """;
        await OracleCases.MatchesDuckDbAsync(script, duckDb, AcrossDaylightSaving);
    }
}
