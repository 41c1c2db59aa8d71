using Eddy.Nexmark;
using Eddy.Sql.Connectors;
using Eddy.Sql.Planning;

namespace Eddy.Nexmark.Tests;

/// <summary>The <c>nexmark</c> connector's options: Flink's names and defaults, Eddy's seed and base time, and precise errors.</summary>
[Trait("Category", "Unit")]
public class ConnectorTests
{
    private static NexmarkConfig Config(params (string Key, string Value)[] options)
    {
        var table = UnionTable.Bind(options: options.ToDictionary(o => o.Key, o => o.Value));
        return NexmarkConnectorFactory.Config(ConnectorRegistry.Default.ForSource(table).Options);
    }

    private static string Error(params (string Key, string Value)[] options) =>
        Assert.Throws<PlanningException>(() => Config(options)).Message;

    [Fact]
    public void The_standard_ddl_gives_flinks_defaults_with_its_rate_and_event_count()
    {
        var config = Config();
        Assert.Equal(10_000, config.FirstEventRate);
        Assert.Equal(1000, config.Events);
        Assert.Equal((1, 3, 46), (config.PersonProportion, config.AuctionProportion, config.BidProportion));
        Assert.Equal((200, 500, 100), (config.PersonAverageSize, config.AuctionAverageSize, config.BidAverageSize));
        Assert.Equal((2, 4, 4), (config.HotAuctionRatio, config.HotBiddersRatio, config.HotSellersRatio));
        Assert.True(config.MaxEmitSpeed);
        Assert.Equal(NexmarkConfig.DefaultBaseTime, config.BaseTime);
    }

    [Fact]
    public void Every_option_of_flinks_nexmark_source_is_read_by_its_name()
    {
        var config = Config(("person.avg-size", "1kb"), ("auction.avg-size", "2 kb"), ("bid.avg-size", "64"), ("bid.hot-ratio.auctions", "3"),
            ("bid.hot-ratio.bidders", "5"), ("auction.hot-ratio.sellers", "6"), ("max-emit-speed", "false"), ("rate.shape", "SINE"),
            ("rate.period", "10 min"), ("rate.limited", "true"), ("keep-alive", "true"), ("stop-at", "100"), ("seed", "9"),
            ("base-time", "2025-06-01 12:00:00"));
        Assert.Equal((1024, 2048, 64), (config.PersonAverageSize, config.AuctionAverageSize, config.BidAverageSize));
        Assert.Equal((3, 5, 6), (config.HotAuctionRatio, config.HotBiddersRatio, config.HotSellersRatio));
        Assert.False(config.MaxEmitSpeed);
        Assert.Equal(9, config.Seed);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), config.BaseTime);
    }

    [Fact]
    public void Bad_options_fail_with_the_option_named()
    {
        Assert.Contains("Could not parse value 'big' for key 'bid.avg-size'.", Error(("bid.avg-size", "big")), StringComparison.Ordinal);
        Assert.Contains("'first-event.rate' must be greater than 0", Error(("first-event.rate", "0")), StringComparison.Ordinal);
        Assert.Contains("'bid.hot-ratio.bidders' must be at least 1", Error(("bid.hot-ratio.bidders", "0")), StringComparison.Ordinal);
        Assert.Contains("must not all be 0", Error(("person.proportion", "0"), ("auction.proportion", "0"), ("bid.proportion", "0")), StringComparison.Ordinal);
        Assert.Contains("Could not parse value 'soon' for key 'base-time'", Error(("base-time", "soon")), StringComparison.Ordinal);
        var unknown = Error(("bid.hot-ratio", "2"));
        Assert.Contains("Unsupported options found for 'nexmark'.", unknown, StringComparison.Ordinal);
        Assert.Contains("Unable to create a source for reading table 'default_catalog.default_database.datagen'.", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nexmark_table_cannot_be_written()
    {
        var table = UnionTable.Bind();
        var error = Assert.Throws<PlanningException>(() => ConnectorRegistry.Default.ForSink(table));
        Assert.Contains("Connector 'nexmark' can only be used as a source. It cannot be used as a sink.", error.Message, StringComparison.Ordinal);
    }
}
