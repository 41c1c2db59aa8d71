using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Eddy.Nexmark;

/// <summary>
/// Writes events as Flink's <c>json</c> format writes a row of the Nexmark union table (what Flink's Kafka mode puts
/// in its <c>nexmark</c> topic): <c>{"event_type":2,"person":null,"auction":null,"bid":{"auction":1000,...}}</c>,
/// timestamps in the SQL standard form (<c>2026-01-01 00:00:00.05</c>, trailing zeros of the fraction dropped).
/// One writer per thread; it reuses its <see cref="Utf8JsonWriter"/>.
/// </summary>
public sealed class NexmarkJsonWriter : IDisposable
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private static readonly JsonEncodedText EventType = JsonEncodedText.Encode("event_type");
    private static readonly JsonEncodedText PersonName = JsonEncodedText.Encode("person");
    private static readonly JsonEncodedText AuctionName = JsonEncodedText.Encode("auction");
    private static readonly JsonEncodedText BidName = JsonEncodedText.Encode("bid");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText EmailAddress = JsonEncodedText.Encode("emailAddress");
    private static readonly JsonEncodedText CreditCard = JsonEncodedText.Encode("creditCard");
    private static readonly JsonEncodedText City = JsonEncodedText.Encode("city");
    private static readonly JsonEncodedText State = JsonEncodedText.Encode("state");
    private static readonly JsonEncodedText DateTime = JsonEncodedText.Encode("dateTime");
    private static readonly JsonEncodedText Extra = JsonEncodedText.Encode("extra");
    private static readonly JsonEncodedText ItemName = JsonEncodedText.Encode("itemName");
    private static readonly JsonEncodedText Description = JsonEncodedText.Encode("description");
    private static readonly JsonEncodedText InitialBid = JsonEncodedText.Encode("initialBid");
    private static readonly JsonEncodedText Reserve = JsonEncodedText.Encode("reserve");
    private static readonly JsonEncodedText Expires = JsonEncodedText.Encode("expires");
    private static readonly JsonEncodedText Seller = JsonEncodedText.Encode("seller");
    private static readonly JsonEncodedText Category = JsonEncodedText.Encode("category");
    private static readonly JsonEncodedText Auction = JsonEncodedText.Encode("auction");
    private static readonly JsonEncodedText Bidder = JsonEncodedText.Encode("bidder");
    private static readonly JsonEncodedText Price = JsonEncodedText.Encode("price");
    private static readonly JsonEncodedText Channel = JsonEncodedText.Encode("channel");
    private static readonly JsonEncodedText Url = JsonEncodedText.Encode("url");

    private readonly Utf8JsonWriter _writer = new(Stream.Null, Options);

    /// <summary>Writes <paramref name="event"/> into <paramref name="output"/>.</summary>
    public void Write(in NexmarkEvent @event, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var w = _writer;
        w.Reset(output);
        w.WriteStartObject();
        w.WriteNumber(EventType, (int)@event.Type);
        if (@event.Type == NexmarkEventType.Person)
        {
            var p = @event.Person;
            w.WriteStartObject(PersonName);
            w.WriteNumber(Id, p.Id);
            w.WriteString(Name, p.Name);
            w.WriteString(EmailAddress, p.EmailAddress);
            w.WriteString(CreditCard, p.CreditCard);
            w.WriteString(City, p.City);
            w.WriteString(State, p.State);
            WriteTimestamp(w, DateTime, p.DateTime);
            w.WriteString(Extra, p.Extra.Span);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull(PersonName);
        }
        if (@event.Type == NexmarkEventType.Auction)
        {
            var a = @event.Auction;
            w.WriteStartObject(AuctionName);
            w.WriteNumber(Id, a.Id);
            w.WriteString(ItemName, a.ItemName);
            w.WriteString(Description, a.Description);
            w.WriteNumber(InitialBid, a.InitialBid);
            w.WriteNumber(Reserve, a.Reserve);
            WriteTimestamp(w, DateTime, a.DateTime);
            WriteTimestamp(w, Expires, a.Expires);
            w.WriteNumber(Seller, a.Seller);
            w.WriteNumber(Category, a.Category);
            w.WriteString(Extra, a.Extra.Span);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull(AuctionName);
        }
        if (@event.Type == NexmarkEventType.Bid)
        {
            var b = @event.Bid;
            w.WriteStartObject(BidName);
            w.WriteNumber(Auction, b.Auction);
            w.WriteNumber(Bidder, b.Bidder);
            w.WriteNumber(Price, b.Price);
            w.WriteString(Channel, b.Channel);
            w.WriteString(Url, b.Url);
            WriteTimestamp(w, DateTime, b.DateTime);
            w.WriteString(Extra, b.Extra.Span);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull(BidName);
        }
        w.WriteEndObject();
        w.Flush();
    }

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();

    /// <summary><paramref name="event"/> as a new byte array.</summary>
    public byte[] ToBytes(in NexmarkEvent @event)
    {
        var output = new ArrayBufferWriter<byte>(256);
        Write(@event, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary><c>yyyy-MM-dd HH:mm:ss[.fff]</c> of milliseconds since the epoch, the fraction's trailing zeros dropped (Flink's SQL form).</summary>
    internal static int FormatTimestamp(long epochMillis, Span<char> into)
    {
        var time = System.DateTime.UnixEpoch.AddMilliseconds(epochMillis);
        time.TryFormat(into, out var length, "yyyy'-'MM'-'dd' 'HH':'mm':'ss", System.Globalization.CultureInfo.InvariantCulture);
        var millis = (int)(((epochMillis % 1000) + 1000) % 1000);
        if (millis != 0)
        {
            into[length++] = '.';
            into[length++] = (char)('0' + (millis / 100));
            if (millis % 100 != 0)
            {
                into[length++] = (char)('0' + (millis / 10 % 10));
                if (millis % 10 != 0)
                    into[length++] = (char)('0' + (millis % 10));
            }
        }
        return length;
    }

    private static void WriteTimestamp(Utf8JsonWriter writer, JsonEncodedText name, long epochMillis)
    {
        Span<char> text = stackalloc char[32];
        writer.WriteString(name, text[..FormatTimestamp(epochMillis, text)]);
    }
}
