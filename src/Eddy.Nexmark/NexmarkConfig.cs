namespace Eddy.Nexmark;

/// <summary>
/// What a Nexmark run generates: Flink's <c>NexmarkConfiguration</c> (the options of its <c>nexmark</c> connector,
/// named in each property's summary) plus the run's seed, base time and number of generators.
/// </summary>
/// <remarks>
/// <para>
/// Event times are deterministic, as in Flink's <c>GeneratorConfig</c>: generator <c>g</c>'s event number
/// <c>n</c> (counting from 1) happens at <c>BaseTime + n × InterEventDelayUs / 1000</c>, where the delay is
/// <c>1,000,000 / FirstEventRate × Generators</c> µs: the generators run on parallel timelines, so together they
/// produce <see cref="FirstEventRate"/> events per second of event time, each in event-time order.
/// </para>
/// <para>
/// The run's events are split between the generators as Flink's <c>GeneratorConfig.split</c> splits them: each gets a
/// contiguous block of event ids (<c>Events / Generators</c>, the last one the remainder), so no two generate the same
/// event, and an event's id decides its kind (<c>id mod 50</c> against the proportions), the ids it names and its
/// random fields.
/// </para>
/// </remarks>
public sealed record NexmarkConfig
{
    /// <summary>The first person's and auction's id (Flink's <c>FIRST_PERSON_ID</c>, <c>FIRST_AUCTION_ID</c>).</summary>
    public const long FirstPersonId = 1000;

    /// <summary>The first auction's id.</summary>
    public const long FirstAuctionId = 1000;

    /// <summary>The first category's id; the categories are 10 to 14.</summary>
    public const long FirstCategoryId = 10;

    /// <summary>Events per second of event time over all generators (<c>first-event.rate</c>, 10000).</summary>
    public long FirstEventRate { get; init; } = 10_000;

    /// <summary>Accepted as Flink accepts it (<c>next-event.rate</c>); Flink's generator uses only the first rate.</summary>
    public long NextEventRate { get; init; } = 10_000;

    /// <summary>The run's events over all generators (<c>events.num</c>); 0 is unbounded.</summary>
    public long Events { get; init; }

    /// <summary>People per <see cref="TotalProportion"/> events (<c>person.proportion</c>, 1).</summary>
    public int PersonProportion { get; init; } = 1;

    /// <summary>Auctions per <see cref="TotalProportion"/> events (<c>auction.proportion</c>, 3).</summary>
    public int AuctionProportion { get; init; } = 3;

    /// <summary>Bids per <see cref="TotalProportion"/> events (<c>bid.proportion</c>, 46).</summary>
    public int BidProportion { get; init; } = 46;

    /// <summary>A person's average size in bytes, reached by padding <c>extra</c> (<c>person.avg-size</c>, 200).</summary>
    public int PersonAverageSize { get; init; } = 200;

    /// <summary>An auction's average size in bytes (<c>auction.avg-size</c>, 500).</summary>
    public int AuctionAverageSize { get; init; } = 500;

    /// <summary>A bid's average size in bytes (<c>bid.avg-size</c>, 100).</summary>
    public int BidAverageSize { get; init; } = 100;

    /// <summary>A bid goes to a hot auction with probability 1 − 1/this (<c>bid.hot-ratio.auctions</c>, 2).</summary>
    public int HotAuctionRatio { get; init; } = 2;

    /// <summary>A bid comes from a hot bidder with probability 1 − 1/this (<c>bid.hot-ratio.bidders</c>, 4).</summary>
    public int HotBiddersRatio { get; init; } = 4;

    /// <summary>An auction is a hot seller's with probability 1 − 1/this (<c>auction.hot-ratio.sellers</c>, 4).</summary>
    public int HotSellersRatio { get; init; } = 4;

    /// <summary>The people a random seller or bidder is drawn from: the latest ones (Flink's <c>numActivePeople</c>, 1000).</summary>
    public int ActivePeople { get; init; } = 1000;

    /// <summary>The auctions a random bid goes to: the latest ones (Flink's <c>numInFlightAuctions</c>, 100).</summary>
    public int InFlightAuctions { get; init; } = 100;

    /// <summary>Emit as fast as possible (<c>max-emit-speed</c>, true); false paces events at their event time in wall-clock time.</summary>
    public bool MaxEmitSpeed { get; init; } = true;

    /// <summary>The time of event number 0, milliseconds since the epoch (Flink takes the planning time; Eddy's default is fixed for reproducible runs).</summary>
    public long BaseTime { get; init; } = DefaultBaseTime;

    /// <summary>The seed of every random field (Eddy's; Flink's generator is unseeded).</summary>
    public long Seed { get; init; }

    /// <summary>How many generators split the run (Flink's <c>numEventGenerators</c>, its source parallelism).</summary>
    public int Generators { get; init; } = 1;

    /// <summary>2026-01-01T00:00:00Z.</summary>
    public const long DefaultBaseTime = 1_767_225_600_000;

    /// <summary>The sum of the three proportions (50 by default).</summary>
    public int TotalProportion => PersonProportion + AuctionProportion + BidProportion;

    /// <summary>The event-time delay between two events of one generator, in microseconds.</summary>
    public double InterEventDelayUs => 1_000_000.0 / FirstEventRate * Generators;

    /// <summary>
    /// The events of the whole run: <see cref="Events"/>, or when unbounded Flink's cap (so sizes cannot overflow a
    /// long), which no run reaches.
    /// </summary>
    public long MaxEvents => Events > 0
        ? Events
        : long.MaxValue / (TotalProportion * (long)Math.Max(Math.Max(PersonAverageSize, AuctionAverageSize), BidAverageSize));

    /// <summary>The event time of a generator's event number <paramref name="eventNumber"/> (Flink's <c>timestampForEvent</c>).</summary>
    public long TimestampOf(long eventNumber) => BaseTime + ((long)(eventNumber * InterEventDelayUs) / 1000L);

    /// <summary>What is wrong with the configuration, in terms of the connector's options; null when nothing is.</summary>
    public string? Problem()
    {
        if (FirstEventRate <= 0)
            return $"'first-event.rate' must be greater than 0, not {FirstEventRate}.";
        if (NextEventRate <= 0)
            return $"'next-event.rate' must be greater than 0, not {NextEventRate}.";
        if (Events < 0)
            return $"'events.num' must not be negative, not {Events}.";
        if (PersonProportion < 0 || AuctionProportion < 0 || BidProportion < 0)
            return "'person.proportion', 'auction.proportion' and 'bid.proportion' must not be negative.";
        if (TotalProportion <= 0)
            return "'person.proportion', 'auction.proportion' and 'bid.proportion' must not all be 0.";
        if (PersonAverageSize < 0 || AuctionAverageSize < 0 || BidAverageSize < 0)
            return "'person.avg-size', 'auction.avg-size' and 'bid.avg-size' must not be negative.";
        if (Math.Max(Math.Max(PersonAverageSize, AuctionAverageSize), BidAverageSize) > MaxAverageSize)
            return $"'person.avg-size', 'auction.avg-size' and 'bid.avg-size' must be at most {MaxAverageSize} bytes.";
        if (HotAuctionRatio < 1)
            return $"'bid.hot-ratio.auctions' must be at least 1, not {HotAuctionRatio}.";
        if (HotBiddersRatio < 1)
            return $"'bid.hot-ratio.bidders' must be at least 1, not {HotBiddersRatio}.";
        if (HotSellersRatio < 1)
            return $"'auction.hot-ratio.sellers' must be at least 1, not {HotSellersRatio}.";
        if (ActivePeople < 1 || InFlightAuctions < 1)
            return "The active people and in-flight auctions must be at least 1.";
        if (Generators < 1)
            return $"The generators must be at least 1, not {Generators}.";
        return null;
    }

    /// <summary>The largest average size an event may ask for (its padding is a slice of a shared text twice as long).</summary>
    public const int MaxAverageSize = 1 << 20;

    /// <summary>Throws when <see cref="Problem"/> finds something wrong.</summary>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public void Validate()
    {
        if (Problem() is { } problem)
            throw new ArgumentException(problem);
    }
}
