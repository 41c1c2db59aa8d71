namespace Eddy.Nexmark;

/// <summary>
/// One generator of a Nexmark run (one of <see cref="NexmarkConfig.Generators"/>, Flink's source split): the events of
/// its block of ids, in event-time order, with Flink's model — people, auctions and bids in the configured proportions,
/// hot sellers, bidders and auctions, log-uniform prices, auctions expiring about when 100 more auctions have been
/// created, hot and generated channels, and <c>extra</c> padding to the average sizes.
/// </summary>
/// <remarks>
/// <para>
/// Deterministic: an event depends on the configuration, its generator and its position only (its randomness is seeded
/// from the run's seed and the event's id), so <see cref="SkipTo"/> resumes anywhere and two runs of one
/// configuration produce the same events. A generator is used by one thread at a time; the texts it shares with the
/// run's other generators are immutable.
/// </para>
/// <para>
/// Allocation: an event allocates only the strings that are its own (a person's email and credit card, an auction's
/// item name and description); names, cities, channels and URLs come from fixed tables, and <c>extra</c> is a
/// <see cref="NexmarkPadding"/> slice of a shared text. <see cref="Next(Span{NexmarkEvent})"/> fills a reused batch.
/// </para>
/// </remarks>
public sealed class NexmarkGenerator
{
    /// <summary>Flink's <c>PERSON_ID_LEAD</c> / <c>AUCTION_ID_LEAD</c>: ids a little ahead of the latest may be drawn.</summary>
    private const int IdLead = 10;

    /// <summary>Flink's <c>HOT_SELLER_RATIO</c>, <c>HOT_AUCTION_RATIO</c>, <c>HOT_BIDDER_RATIO</c>: the hot one is the first of each 100.</summary>
    private const int HotBatch = 100;

    private const int Categories = 5;

    /// <summary>Flink's generator counts event numbers from 1 (<c>firstEventNumber</c>).</summary>
    private const long FirstEventNumber = 1;

    private readonly NexmarkConfig _config;
    private readonly NexmarkTexts _texts;
    private readonly int _total;
    private readonly int _person;
    private readonly int _auction;
    private readonly long _firstEventId;
    private readonly long _auctionLengthEvents;
    private long _count;

    /// <summary>Generator <paramref name="split"/> of the run <paramref name="config"/> describes.</summary>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="split"/> is not one of the run's generators.</exception>
    public NexmarkGenerator(NexmarkConfig config, int split = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(split);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(split, config.Generators);
        _config = config;
        Split = split;
        _total = config.TotalProportion;
        _person = config.PersonProportion;
        _auction = config.AuctionProportion;
        // Flink's GeneratorConfig.split: contiguous blocks of ids, the last generator taking the remainder.
        var all = config.MaxEvents;
        var each = all / config.Generators;
        _firstEventId = 1 + (split * each);
        Count = split == config.Generators - 1 ? all - (each * (config.Generators - 1)) : each;
        _auctionLengthEvents = config.AuctionProportion == 0 ? 0 : (long)config.InFlightAuctions * _total / config.AuctionProportion;
        _texts = NexmarkTexts.Of(config.Seed, Math.Max(Math.Max(config.PersonAverageSize, config.AuctionAverageSize), config.BidAverageSize));
    }

    /// <summary>Which of the run's generators this is.</summary>
    public int Split { get; }

    /// <summary>How many events this generator makes in all.</summary>
    public long Count { get; }

    /// <summary>How many events it has made (or skipped) so far: the position of the next one.</summary>
    public long Position => _count;

    /// <summary>Whether events are left.</summary>
    public bool HasNext => _count < Count;

    /// <summary>The event time of the next event (milliseconds since the epoch), for pacing it.</summary>
    public long NextEventTime => _config.TimestampOf(FirstEventNumber + _count);

    /// <summary>Moves to position <paramref name="position"/> (a restarted generator resumes after the events already written).</summary>
    public void SkipTo(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        _count = Math.Min(position, Count);
    }

    /// <summary>The next event.</summary>
    /// <exception cref="InvalidOperationException">No event is left.</exception>
    public NexmarkEvent Next()
    {
        if (!HasNext)
            throw new InvalidOperationException($"Generator {Split} has made its {Count} events.");
        return Make(_count++);
    }

    /// <summary>Fills <paramref name="batch"/> with the next events; returns how many (fewer at the end, 0 when none is left).</summary>
    public int Next(Span<NexmarkEvent> batch)
    {
        var n = (int)Math.Min(batch.Length, Count - _count);
        for (var i = 0; i < n; i++)
            batch[i] = Make(_count++);
        return n;
    }

    private NexmarkEvent Make(long count)
    {
        var eventNumber = FirstEventNumber + count;
        var id = _firstEventId + eventNumber;
        var timestamp = _config.TimestampOf(eventNumber);
        var random = new NexmarkRandom(_config.Seed, id);
        var rem = id % _total;
        if (rem < _person)
            return new NexmarkEvent(NexmarkEventType.Person, id, NextPerson(id, ref random, timestamp), default, default);
        if (rem < _person + _auction)
            return new NexmarkEvent(NexmarkEventType.Auction, id, default, NextAuction(eventNumber, id, ref random, timestamp), default);
        return new NexmarkEvent(NexmarkEventType.Bid, id, default, default, NextBid(id, ref random, timestamp));
    }

    private Person NextPerson(long eventId, ref NexmarkRandom random, long timestamp)
    {
        var id = LastBase0PersonId(eventId) + NexmarkConfig.FirstPersonId;
        var name = NexmarkTexts.Names[random.NextInt(NexmarkTexts.Names.Length)];
        Span<char> text = stackalloc char[16];
        var local = NexmarkTexts.RandomText(ref random, 7, ' ', text);
        Span<char> email = stackalloc char[local + 16];
        text[..local].CopyTo(email);
        email[local] = '@';
        var domain = NexmarkTexts.RandomText(ref random, 5, ' ', email[(local + 1)..]);
        ".com".AsSpan().CopyTo(email[(local + 1 + domain)..]);
        var emailAddress = new string(email[..(local + domain + 5)]);
        var creditCard = CreditCard(ref random);
        var city = NexmarkTexts.Cities[random.NextInt(NexmarkTexts.Cities.Length)];
        var state = NexmarkTexts.States[random.NextInt(NexmarkTexts.States.Length)];
        var size = 8 + name.Length + emailAddress.Length + creditCard.Length + city.Length + state.Length;
        return new Person(id, name, emailAddress, creditCard, city, state, timestamp, Extra(ref random, size, _config.PersonAverageSize));
    }

    private static string CreditCard(ref NexmarkRandom random)
    {
        Span<char> card = stackalloc char[19];
        for (var group = 0; group < 4; group++)
        {
            var digits = random.NextInt(10_000);
            var at = group * 5;
            if (group > 0)
                card[at - 1] = ' ';
            for (var d = 3; d >= 0; d--)
            {
                card[at + d] = (char)('0' + (digits % 10));
                digits /= 10;
            }
        }
        return new string(card);
    }

    private Auction NextAuction(long eventNumber, long eventId, ref NexmarkRandom random, long timestamp)
    {
        var id = LastBase0AuctionId(eventId) + NexmarkConfig.FirstAuctionId;
        // P(hot seller) = 1 - 1/hotSellersRatio: the first person of the latest batch of 100.
        var seller = random.NextInt(_config.HotSellersRatio) > 0
            ? LastBase0PersonId(eventId) / HotBatch * HotBatch
            : NextBase0PersonId(eventId, ref random);
        seller += NexmarkConfig.FirstPersonId;
        var category = NexmarkConfig.FirstCategoryId + random.NextInt(Categories);
        var initialBid = NextPrice(ref random);
        var expires = timestamp + NextAuctionLength(eventNumber, ref random, timestamp);
        Span<char> text = stackalloc char[100];
        var itemName = new string(text[..NexmarkTexts.RandomText(ref random, 20, ' ', text)]);
        var description = new string(text[..NexmarkTexts.RandomText(ref random, 100, ' ', text)]);
        var reserve = initialBid + NextPrice(ref random);
        var size = 8 + itemName.Length + description.Length + 8 + 8 + 8 + 8 + 8;
        return new Auction(id, itemName, description, initialBid, reserve, timestamp, expires, seller, category,
            Extra(ref random, size, _config.AuctionAverageSize));
    }

    /// <summary>An auction's length: uniform in [1, 2 × the event time until <c>InFlightAuctions</c> more auctions exist].</summary>
    private long NextAuctionLength(long eventNumber, ref NexmarkRandom random, long timestamp)
    {
        var horizon = _config.TimestampOf(eventNumber + _auctionLengthEvents) - timestamp;
        return 1 + random.NextLong(Math.Max(horizon * 2, 1));
    }

    private Bid NextBid(long eventId, ref NexmarkRandom random, long timestamp)
    {
        // P(hot auction) = 1 - 1/hotAuctionRatio: the first auction of the latest batch of 100.
        var auction = random.NextInt(_config.HotAuctionRatio) > 0
            ? LastBase0AuctionId(eventId) / HotBatch * HotBatch
            : NextBase0AuctionId(eventId, ref random);
        auction += NexmarkConfig.FirstAuctionId;
        // P(hot bidder) = 1 - 1/hotBiddersRatio: the second person of the latest batch (so hot bidders are not hot sellers).
        var bidder = random.NextInt(_config.HotBiddersRatio) > 0
            ? (LastBase0PersonId(eventId) / HotBatch * HotBatch) + 1
            : NextBase0PersonId(eventId, ref random);
        // Flink's BidGenerator adds FIRST_PERSON_ID twice: bidders are person ids + 1000. Kept, so joins on bidder
        // find what they find on Flink.
        bidder += 2 * NexmarkConfig.FirstPersonId;
        var price = NextPrice(ref random);
        string channel, url;
        if (random.NextInt(2) > 0)
        {
            var hot = random.NextInt(NexmarkTexts.HotChannels.Length);
            channel = NexmarkTexts.HotChannels[hot];
            url = _texts.HotUrls[hot];
        }
        else
        {
            var n = random.NextInt(NexmarkTexts.ChannelCount);
            channel = _texts.Channels[n];
            url = _texts.ChannelUrls[n];
        }
        return new Bid(auction, bidder, price, channel, url, timestamp, Extra(ref random, 8 + 8 + 8 + 8, _config.BidAverageSize));
    }

    /// <summary>A log-uniform price in cents, 100 to 10^8: <c>round(10^(6U) × 100)</c>.</summary>
    private static long NextPrice(ref NexmarkRandom random) => (long)Math.Floor((Math.Pow(10.0, random.NextDouble() * 6.0) * 100.0) + 0.5);

    /// <summary>
    /// Padding that brings an event of <paramref name="size"/> bytes to <paramref name="average"/> on average: uniform
    /// in ±20 % of what is missing, none when nothing is.
    /// </summary>
    private NexmarkPadding Extra(ref NexmarkRandom random, int size, int average)
    {
        if (size > average)
            return new NexmarkPadding(_texts.Padding, 0, 0);
        var missing = average - size;
        var delta = (int)Math.Floor((missing * 0.2) + 0.5);
        var length = missing - delta + (delta == 0 ? 0 : random.NextInt(2 * delta));
        var offset = random.NextInt(_texts.Padding.Length - length);
        return new NexmarkPadding(_texts.Padding, offset, length);
    }

    /// <summary>The latest person's id (base 0) at an event: the event's own when it is a person (Flink's <c>lastBase0PersonId</c>).</summary>
    private long LastBase0PersonId(long eventId)
    {
        var epoch = eventId / _total;
        var offset = eventId % _total;
        if (offset >= _person)
            offset = _person - 1;
        return (epoch * _person) + offset;
    }

    /// <summary>The latest auction's id (base 0) at an event (Flink's <c>lastBase0AuctionId</c>; −1 before the first).</summary>
    private long LastBase0AuctionId(long eventId)
    {
        var epoch = eventId / _total;
        var offset = eventId % _total;
        if (offset < _person)
        {
            epoch--;
            offset = _auction - 1;
        }
        else if (offset >= _person + _auction)
        {
            offset = _auction - 1;
        }
        else
        {
            offset -= _person;
        }
        return (epoch * _auction) + offset;
    }

    /// <summary>A random person among the active ones, or a few ids ahead (a bid or auction "before" its person).</summary>
    private long NextBase0PersonId(long eventId, ref NexmarkRandom random)
    {
        var people = LastBase0PersonId(eventId) + 1;
        var active = Math.Min(people, _config.ActivePeople);
        return people - active + random.NextLong(active + IdLead);
    }

    /// <summary>A random auction among those likely in flight, or a few ids ahead.</summary>
    private long NextBase0AuctionId(long eventId, ref NexmarkRandom random)
    {
        var latest = LastBase0AuctionId(eventId);
        var earliest = Math.Max(latest - _config.InFlightAuctions, 0);
        return earliest + random.NextLong(latest - earliest + 1 + IdLead);
    }
}
