using System.Globalization;
using Eddy.Nexmark;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Connectors;

/// <summary>
/// The <c>nexmark</c> connector's options, as the Nexmark suite's <c>NexmarkSourceOptions</c> names them (rates,
/// event count, proportions, average sizes, hot ratios, emit speed), plus Eddy's <c>seed</c> and <c>base-time</c>,
/// which make a run reproducible. Source only; the table is the union table of <c>ddl_gen.sql</c>.
/// </summary>
internal sealed class NexmarkConnectorFactory : ConnectorFactory
{
    public static ConnectorOption RateShape { get; } = ConnectorOption.Enum("rate.shape", "SQUARE", "Accepted; the generator keeps one rate, as Flink's.", "SQUARE", "SINE");

    public static ConnectorOption RatePeriod { get; } = ConnectorOption.Text("rate.period", "600 s", "Accepted; the generator keeps one rate, as Flink's.");

    public static ConnectorOption RateLimited { get; } = ConnectorOption.Boolean("rate.limited", false, "Accepted, as Flink.");

    public static ConnectorOption FirstEventRate { get; } = ConnectorOption.Int("first-event.rate", 10000, "Events per second of event time.");

    public static ConnectorOption NextEventRate { get; } = ConnectorOption.Int("next-event.rate", 10000, "Accepted; Flink's generator uses the first rate only.");

    public static ConnectorOption PersonAverageSize { get; } = ConnectorOption.Text("person.avg-size", "200b", "A person's average size.");

    public static ConnectorOption AuctionAverageSize { get; } = ConnectorOption.Text("auction.avg-size", "500b", "An auction's average size.");

    public static ConnectorOption BidAverageSize { get; } = ConnectorOption.Text("bid.avg-size", "100b", "A bid's average size.");

    public static ConnectorOption PersonProportion { get; } = ConnectorOption.Int("person.proportion", 1, "People per (sum of the proportions) events.");

    public static ConnectorOption AuctionProportion { get; } = ConnectorOption.Int("auction.proportion", 3, "Auctions per (sum of the proportions) events.");

    public static ConnectorOption BidProportion { get; } = ConnectorOption.Int("bid.proportion", 46, "Bids per (sum of the proportions) events.");

    public static ConnectorOption HotAuctions { get; } = ConnectorOption.Int("bid.hot-ratio.auctions", 2, "A bid is on a hot auction with probability 1 - 1/this.");

    public static ConnectorOption HotBidders { get; } = ConnectorOption.Int("bid.hot-ratio.bidders", 4, "A bid is a hot bidder's with probability 1 - 1/this.");

    public static ConnectorOption HotSellers { get; } = ConnectorOption.Int("auction.hot-ratio.sellers", 4, "An auction is a hot seller's with probability 1 - 1/this.");

    public static ConnectorOption EventsNumber { get; } = ConnectorOption.Long("events.num", 0, "The events in all; 0 is unbounded.");

    public static ConnectorOption KeepAlive { get; } = ConnectorOption.Boolean("keep-alive", false, "Accepted: a bounded table's topic stays readable after its last event.");

    public static ConnectorOption StopAt { get; } = ConnectorOption.Long("stop-at", -1, "Accepted; not used by Eddy's generator yet.");

    public static ConnectorOption MaxEmitSpeed { get; } = ConnectorOption.Boolean("max-emit-speed", true, "Emit as fast as possible; false paces events at their event time.");

    public static ConnectorOption Seed { get; } = ConnectorOption.Long("seed", 0, "Eddy's: the seed of the random fields.");

    public static ConnectorOption BaseTime { get; } = ConnectorOption.Text("base-time", null,
        "Eddy's: the time of event 0, milliseconds since the epoch or 'yyyy-MM-dd HH:mm:ss' (UTC); default 2026-01-01 00:00:00.");

    /// <inheritdoc/>
    public override string Identifier => "nexmark";

    /// <inheritdoc/>
    public override bool IsSink => false;

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> RequiredOptions(CatalogTable table) => [];

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> OptionalOptions(CatalogTable table) =>
    [
        RateShape, RatePeriod, RateLimited, FirstEventRate, NextEventRate, PersonAverageSize, AuctionAverageSize, BidAverageSize,
        PersonProportion, AuctionProportion, BidProportion, HotAuctions, HotBidders, HotSellers, EventsNumber, KeepAlive, StopAt,
        MaxEmitSpeed, Seed, BaseTime,
    ];

    /// <inheritdoc/>
    protected override void Check(CatalogTable table, ConnectorOptions options, bool forSource) => _ = Config(options);

    /// <summary>The generator's configuration of a table's options (one generator; the writer sets as many as the topic has partitions).</summary>
    /// <exception cref="PlanningException">A size, the base time or a value's range is wrong.</exception>
    public static NexmarkConfig Config(ConnectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (DataGenDuration.Parse(options.GetString(RatePeriod)!) is null)
            throw new PlanningException($"Could not parse value '{options.GetString(RatePeriod)}' for key '{RatePeriod.Key}'.");
        var config = new NexmarkConfig
        {
            FirstEventRate = options.GetLong(FirstEventRate)!.Value,
            NextEventRate = options.GetLong(NextEventRate)!.Value,
            Events = options.GetLong(EventsNumber)!.Value,
            PersonProportion = (int)options.GetLong(PersonProportion)!.Value,
            AuctionProportion = (int)options.GetLong(AuctionProportion)!.Value,
            BidProportion = (int)options.GetLong(BidProportion)!.Value,
            PersonAverageSize = Size(options, PersonAverageSize),
            AuctionAverageSize = Size(options, AuctionAverageSize),
            BidAverageSize = Size(options, BidAverageSize),
            HotAuctionRatio = (int)options.GetLong(HotAuctions)!.Value,
            HotBiddersRatio = (int)options.GetLong(HotBidders)!.Value,
            HotSellersRatio = (int)options.GetLong(HotSellers)!.Value,
            MaxEmitSpeed = options.GetBoolean(MaxEmitSpeed),
            Seed = options.GetLong(Seed)!.Value,
            BaseTime = options.GetString(BaseTime) is { } baseTime ? Time(baseTime) : NexmarkConfig.DefaultBaseTime,
        };
        if (config.Problem() is { } problem)
            throw new PlanningException(problem);
        return config;
    }

    /// <summary>A size as Flink's <c>MemorySize</c> reads it: a number and an optional unit (bytes when none; k, m, g, t are powers of 1024).</summary>
    private static int Size(ConnectorOptions options, ConnectorOption option)
    {
        var text = options.GetString(option)!;
        var trimmed = text.Trim();
        var digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits]))
            digits++;
        long? unit = trimmed[digits..].Trim().ToLowerInvariant() switch
        {
            "" or "b" or "bytes" => 1,
            "k" or "kb" or "kibibytes" => 1L << 10,
            "m" or "mb" or "mebibytes" => 1L << 20,
            "g" or "gb" or "gibibytes" => 1L << 30,
            "t" or "tb" or "tebibytes" => 1L << 40,
            _ => null,
        };
        if (digits == 0 || unit is null || !long.TryParse(trimmed.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            throw new PlanningException($"Could not parse value '{text}' for key '{option.Key}'.");
        var bytes = amount > long.MaxValue / unit.Value ? long.MaxValue : amount * unit.Value;
        if (bytes > NexmarkConfig.MaxAverageSize)
            throw new PlanningException($"'{option.Key}' ({text}) must be at most {NexmarkConfig.MaxAverageSize} bytes.");
        return (int)bytes;
    }

    private static long Time(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var millis))
            return millis;
        if (DateTime.TryParseExact(text.Trim(), ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFF", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFF"],
                CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
            return (long)(time - DateTime.UnixEpoch).TotalMilliseconds;
        throw new PlanningException($"Could not parse value '{text}' for key '{BaseTime.Key}': milliseconds since the epoch or 'yyyy-MM-dd HH:mm:ss' are expected.");
    }
}
