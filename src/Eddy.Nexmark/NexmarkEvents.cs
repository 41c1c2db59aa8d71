namespace Eddy.Nexmark;

/// <summary>The kind of a Nexmark event, numbered as the <c>event_type</c> column: 0 person, 1 auction, 2 bid.</summary>
public enum NexmarkEventType
{
    /// <summary>A new person (event_type 0).</summary>
    Person = 0,

    /// <summary>A new auction (event_type 1).</summary>
    Auction = 1,

    /// <summary>A bid on an auction (event_type 2).</summary>
    Bid = 2,
}

/// <summary>
/// An event's <c>extra</c> padding: a slice of the run's shared padding text (as Flink's generator slices its
/// reusable string), kept as an offset and a length so generating an event allocates nothing for it.
/// </summary>
/// <param name="Text">The shared padding text.</param>
/// <param name="Offset">Where the slice starts.</param>
/// <param name="Length">The slice's length.</param>
public readonly record struct NexmarkPadding(string Text, int Offset, int Length)
{
    /// <summary>The padding's characters.</summary>
    public ReadOnlySpan<char> Span => Text is null ? [] : Text.AsSpan(Offset, Length);

    /// <summary>The padding as a string (allocates).</summary>
    public override string ToString() => Text is null ? "" : Text.Substring(Offset, Length);
}

/// <summary>A person (Flink's <c>Person</c>); times are milliseconds since the epoch, UTC.</summary>
public readonly record struct Person(
    long Id, string Name, string EmailAddress, string CreditCard, string City, string State, long DateTime, NexmarkPadding Extra);

/// <summary>An auction (Flink's <c>Auction</c>); times are milliseconds since the epoch, UTC.</summary>
public readonly record struct Auction(
    long Id, string ItemName, string Description, long InitialBid, long Reserve, long DateTime, long Expires, long Seller, long Category,
    NexmarkPadding Extra);

/// <summary>A bid (Flink's <c>Bid</c>); times are milliseconds since the epoch, UTC.</summary>
public readonly record struct Bid(long Auction, long Bidder, long Price, string Channel, string Url, long DateTime, NexmarkPadding Extra);

/// <summary>
/// One event of the union stream: its <see cref="Type"/> says which of <see cref="Person"/>, <see cref="Auction"/>
/// and <see cref="Bid"/> it carries (the others are default). A struct, so a batch is one reused array.
/// </summary>
/// <param name="Type">Which record the event carries.</param>
/// <param name="Id">The event's id over the whole run (the generator's bookkeeping; it seeds the event's randomness).</param>
/// <param name="Person">The person, when <see cref="Type"/> is <see cref="NexmarkEventType.Person"/>.</param>
/// <param name="Auction">The auction, when <see cref="Type"/> is <see cref="NexmarkEventType.Auction"/>.</param>
/// <param name="Bid">The bid, when <see cref="Type"/> is <see cref="NexmarkEventType.Bid"/>.</param>
public readonly record struct NexmarkEvent(NexmarkEventType Type, long Id, Person Person, Auction Auction, Bid Bid)
{
    /// <summary>The event time, milliseconds since the epoch (the <c>dateTime</c> of the record it carries).</summary>
    public long DateTime => Type switch
    {
        NexmarkEventType.Person => Person.DateTime,
        NexmarkEventType.Auction => Auction.DateTime,
        _ => Bid.DateTime,
    };
}
