using System.Text.RegularExpressions;
using Eddy.Nexmark;

namespace Eddy.Nexmark.Tests;

/// <summary>
/// The generator against the facts of Flink's Nexmark model (GeneratorConfig, Person/Auction/BidGenerator): the
/// proportions, the id bookkeeping, the hot ratios, the price and auction-length distributions, the average sizes,
/// the channels, event times, determinism and the split into generators. Expected values are computed here from the
/// model's definitions, not taken from the generator.
/// </summary>
[Trait("Category", "Unit")]
public partial class GeneratorTests
{
    private static List<NexmarkEvent> All(NexmarkConfig config)
    {
        var events = new List<NexmarkEvent>();
        for (var split = 0; split < config.Generators; split++)
        {
            var generator = new NexmarkGenerator(config, split);
            var batch = new NexmarkEvent[333];
            int n;
            while ((n = generator.Next(batch)) > 0)
                events.AddRange(batch.AsSpan(0, n));
        }
        return events;
    }

    [Fact]
    public void Every_fifty_events_are_one_person_three_auctions_and_forty_six_bids()
    {
        var events = All(new NexmarkConfig { Events = 50_000 });
        Assert.Equal(50_000, events.Count);
        Assert.Equal(1_000, events.Count(e => e.Type == NexmarkEventType.Person));
        Assert.Equal(3_000, events.Count(e => e.Type == NexmarkEventType.Auction));
        Assert.Equal(46_000, events.Count(e => e.Type == NexmarkEventType.Bid));
        // Within any 50 consecutive events, the same.
        var window = events.Skip(12_345).Take(50).ToList();
        Assert.Equal([1, 3, 46], [window.Count(e => e.Type == NexmarkEventType.Person), window.Count(e => e.Type == NexmarkEventType.Auction),
            window.Count(e => e.Type == NexmarkEventType.Bid)]);
    }

    [Fact]
    public void People_and_auctions_get_consecutive_ids_from_1000_in_event_order()
    {
        var events = All(new NexmarkConfig { Events = 20_000 });
        var people = events.Where(e => e.Type == NexmarkEventType.Person).Select(e => e.Person.Id).ToList();
        var auctions = events.Where(e => e.Type == NexmarkEventType.Auction).Select(e => e.Auction.Id).ToList();
        Assert.Equal(people[0], people.Min());
        Assert.Equal(Enumerable.Range(0, people.Count).Select(i => people[0] + i), people);
        Assert.Equal(Enumerable.Range(0, auctions.Count).Select(i => auctions[0] + i), auctions);
        Assert.InRange(people[0], 1000, 1001);
        Assert.InRange(auctions[0], 1000, 1003);
    }

    [Fact]
    public void Hot_sellers_bidders_and_auctions_take_the_configured_shares()
    {
        var events = All(new NexmarkConfig { Events = 200_000 });
        var bids = events.Where(e => e.Type == NexmarkEventType.Bid).Select(e => e.Bid).ToList();
        var auctions = events.Where(e => e.Type == NexmarkEventType.Auction).Select(e => e.Auction).ToList();
        // Hot: the first auction of the latest batch of 100 (P = 1 - 1/2), plus random picks that land on one (about 1/100).
        var hotAuction = bids.Count(b => (b.Auction - 1000) % 100 == 0) / (double)bids.Count;
        Assert.InRange(hotAuction, 0.50, 0.52);
        // Hot bidders: the second person of a batch (P = 1 - 1/4); bidder ids are person ids + 1000, as Flink's.
        var hotBidder = bids.Count(b => (b.Bidder - 2000) % 100 == 1) / (double)bids.Count;
        Assert.InRange(hotBidder, 0.75, 0.765);
        var hotSeller = auctions.Count(a => (a.Seller - 1000) % 100 == 0) / (double)auctions.Count;
        Assert.InRange(hotSeller, 0.74, 0.77);
        Assert.All(bids, b => Assert.True(b.Bidder >= 2000, $"bidder {b.Bidder}"));
    }

    [Fact]
    public void A_random_bid_goes_to_one_of_the_latest_hundred_auctions_or_a_few_ahead()
    {
        var config = new NexmarkConfig { Events = 100_000, HotAuctionRatio = 1_000_000 };
        var latest = 999L;
        foreach (var e in All(config))
        {
            if (e.Type == NexmarkEventType.Auction)
                latest = e.Auction.Id;
            else if (e.Type == NexmarkEventType.Bid)
                Assert.InRange(e.Bid.Auction, Math.Max(1000, latest - 100), latest + 10);
        }
    }

    [Fact]
    public void Prices_are_log_uniform_between_one_dollar_and_a_million()
    {
        var prices = All(new NexmarkConfig { Events = 100_000 }).Where(e => e.Type == NexmarkEventType.Bid).Select(e => e.Bid.Price).ToList();
        Assert.All(prices, p => Assert.InRange(p, 100, 100_000_000));
        // log10(price / 100) is uniform on [0, 6): each of the six decades holds a sixth.
        for (var decade = 0; decade < 6; decade++)
        {
            var low = 100 * Math.Pow(10, decade);
            var share = prices.Count(p => p >= low && p < low * 10) / (double)prices.Count;
            Assert.InRange(share, 1 / 6.0 - 0.01, 1 / 6.0 + 0.01);
        }
    }

    [Fact]
    public void An_auction_lasts_on_average_until_a_hundred_more_auctions_exist()
    {
        var config = new NexmarkConfig { Events = 200_000, FirstEventRate = 1000 };
        var auctions = All(config).Where(e => e.Type == NexmarkEventType.Auction).Select(e => e.Auction).ToList();
        Assert.All(auctions, a => Assert.True(a.Expires > a.DateTime));
        // 100 auctions take 100 × 50 / 3 events of 1 ms each: lengths uniform in [1, 2 × 1666 ms], averaging 1666 ms.
        var average = auctions.Average(a => a.Expires - a.DateTime);
        Assert.InRange(average, 1666 * 0.97, 1666 * 1.03);
        Assert.True(auctions.Max(a => a.Expires - a.DateTime) <= 2 * 1667);
    }

    [Fact]
    public void Padding_brings_each_kind_to_its_average_size()
    {
        var events = All(new NexmarkConfig { Events = 50_000 });
        var people = events.Where(e => e.Type == NexmarkEventType.Person).Select(e => e.Person).ToList();
        var auctions = events.Where(e => e.Type == NexmarkEventType.Auction).Select(e => e.Auction).ToList();
        var bids = events.Where(e => e.Type == NexmarkEventType.Bid).Select(e => e.Bid).ToList();
        // The sizes Flink's generator counts: 8 per number, the strings' lengths.
        var person = people.Average(p => 8 + p.Name.Length + p.EmailAddress.Length + p.CreditCard.Length + p.City.Length + p.State.Length + p.Extra.Length);
        var auction = auctions.Average(a => 8 + a.ItemName.Length + a.Description.Length + 40 + a.Extra.Length);
        var bid = bids.Average(b => 32 + b.Extra.Length);
        Assert.InRange(person, 198, 202);
        Assert.InRange(auction, 496, 504);
        Assert.InRange(bid, 99, 101);
        // ±20 % of what is missing: a bid's padding is 68 ± 14 characters.
        Assert.InRange(bids.Min(b => b.Extra.Length), 54, 56);
        Assert.InRange(bids.Max(b => b.Extra.Length), 80, 82);
    }

    [Fact]
    public void People_have_the_models_names_cities_states_emails_and_card_numbers()
    {
        var people = All(new NexmarkConfig { Events = 50_000 }).Where(e => e.Type == NexmarkEventType.Person).Select(e => e.Person).ToList();
        Assert.Equal(["AZ", "CA", "ID", "OR", "WA", "WY"], people.Select(p => p.State).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(10, people.Select(p => p.City).Distinct().Count());
        Assert.All(people, p => Assert.Matches(EmailPattern(), p.EmailAddress));
        Assert.All(people, p => Assert.Matches(CardPattern(), p.CreditCard));
        Assert.All(people, p => Assert.Matches("^[A-Z][a-z]+ [A-Z][a-z]+$", p.Name));
        Assert.True(people.Select(p => p.Name).Distinct().Count() > 90);
    }

    [Fact]
    public void Half_the_bids_come_from_the_four_hot_channels_and_most_other_urls_name_their_channel_id()
    {
        var bids = All(new NexmarkConfig { Events = 100_000 }).Where(e => e.Type == NexmarkEventType.Bid).Select(e => e.Bid).ToList();
        string[] hot = ["Google", "Facebook", "Baidu", "Apple"];
        var hotShare = bids.Count(b => hot.Contains(b.Channel)) / (double)bids.Count;
        Assert.InRange(hotShare, 0.49, 0.51);
        var others = bids.Where(b => !hot.Contains(b.Channel)).ToList();
        Assert.All(others, b => Assert.Matches("^channel-[0-9]{1,4}$", b.Channel));
        Assert.All(bids, b => Assert.Matches(@"^https://www\.nexmark\.com/[a-z_]{3,4}/[a-z_]{3,4}/[a-z_]{3,4}/item\.htm\?query=1(&channel_id=-?[0-9]+)?$", b.Url));
        var withId = others.Count(b => b.Url.Contains("&channel_id=", StringComparison.Ordinal)) / (double)others.Count;
        Assert.InRange(withId, 0.85, 0.95);
        // A channel keeps its URL; its id is the bits of its number reversed (Java's Math.abs(Integer.reverse(n))).
        var channel3 = others.Where(b => b.Channel == "channel-3").Select(b => b.Url).Distinct().ToList();
        Assert.True(channel3.Count <= 1);
        if (channel3.Count == 1 && channel3[0].Contains("channel_id=", StringComparison.Ordinal))
            Assert.EndsWith("&channel_id=1073741824", channel3[0]);
    }

    [Fact]
    public void Event_times_advance_by_the_inter_event_delay_of_each_generator()
    {
        var config = new NexmarkConfig { Events = 10_000, FirstEventRate = 2_000, Generators = 4, BaseTime = 1_000_000 };
        for (var split = 0; split < 4; split++)
        {
            var generator = new NexmarkGenerator(config, split);
            var n = 0L;
            while (generator.HasNext)
            {
                // Four generators at 2000 events/s together: each one event every 2 ms, numbered from 1.
                Assert.Equal(1_000_000 + ((n + 1) * 2), generator.Next().DateTime);
                n++;
            }
            Assert.Equal(2_500, n);
        }
    }

    [Fact]
    public void Generators_split_the_run_into_disjoint_blocks_of_event_ids()
    {
        var config = new NexmarkConfig { Events = 10_003, Generators = 3 };
        var ids = new List<long>();
        var counts = new List<long>();
        for (var split = 0; split < 3; split++)
        {
            var generator = new NexmarkGenerator(config, split);
            counts.Add(generator.Count);
            while (generator.HasNext)
                ids.Add(generator.Next().Id);
        }
        // Flink's split: Events / n each, the last one the remainder; ids run on from the first event id.
        Assert.Equal([3334L, 3334L, 3335L], counts);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(Enumerable.Range(2, 10_003).Select(i => (long)i), ids.Order());
    }

    [Fact]
    public void The_same_configuration_makes_the_same_events_and_another_seed_other_ones()
    {
        var config = new NexmarkConfig { Events = 3_000, Seed = 7 };
        var first = All(config).Select(Describe).ToList();
        var second = All(config).Select(Describe).ToList();
        var reseeded = All(config with { Seed = 8 }).Select(Describe).ToList();
        Assert.Equal(first, second);
        Assert.True(first.Zip(reseeded).Count(p => p.First != p.Second) > 2_900);
    }

    [Fact]
    public void A_generator_skipped_ahead_makes_the_events_it_would_have_made()
    {
        var config = new NexmarkConfig { Events = 5_000, Generators = 2, Seed = 3 };
        var whole = new NexmarkGenerator(config, 1);
        var expected = new List<string>();
        while (whole.HasNext)
            expected.Add(Describe(whole.Next()));
        var resumed = new NexmarkGenerator(config, 1);
        resumed.SkipTo(1_234);
        var rest = new List<string>();
        while (resumed.HasNext)
            rest.Add(Describe(resumed.Next()));
        Assert.Equal(expected.Skip(1_234), rest);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void An_invalid_rate_is_refused_with_the_option_name(long rate)
    {
        var error = Assert.Throws<ArgumentException>(() => new NexmarkGenerator(new NexmarkConfig { FirstEventRate = rate }));
        Assert.Contains("'first-event.rate' must be greater than 0", error.Message, StringComparison.Ordinal);
    }

    private static string Describe(NexmarkEvent e) => e.Type switch
    {
        NexmarkEventType.Person => $"P {e.Person.Id} {e.Person.Name} {e.Person.EmailAddress} {e.Person.CreditCard} {e.Person.City} {e.Person.State} {e.Person.DateTime} {e.Person.Extra}",
        NexmarkEventType.Auction => $"A {e.Auction.Id} {e.Auction.ItemName} {e.Auction.Description} {e.Auction.InitialBid} {e.Auction.Reserve} {e.Auction.DateTime} {e.Auction.Expires} {e.Auction.Seller} {e.Auction.Category} {e.Auction.Extra}",
        _ => $"B {e.Bid.Auction} {e.Bid.Bidder} {e.Bid.Price} {e.Bid.Channel} {e.Bid.Url} {e.Bid.DateTime} {e.Bid.Extra}",
    };

    // Both parts are random letters with a space one time in 13, trimmed (so rarely empty, as in Flink).
    [GeneratedRegex("^([a-z]([a-z ]*[a-z])?)?@([a-z]([a-z ]*[a-z])?)?\\.com$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4}$")]
    private static partial Regex CardPattern();
}
