using System.Text;
using Eddy.Nexmark;
using Eddy.Sql.Connectors;

namespace Eddy.Nexmark.Tests;

/// <summary>
/// The generator's JSON against Eddy's own json format over the union table's row type (the format a Flink or Eddy
/// job reads the topic with): every event decodes to its fields, and re-encoding the decoded row gives the same bytes.
/// </summary>
[Trait("Category", "Unit")]
public class JsonTests
{
    [Fact]
    public void Every_event_decodes_through_the_json_format_to_its_fields_and_encodes_back_to_the_same_bytes()
    {
        var serde = DataGenTopic.Serde(UnionTable.Bind());
        var columns = serde.RowType.Fields;
        using var json = new NexmarkJsonWriter();
        var generator = new NexmarkGenerator(new NexmarkConfig { Events = 3_000, FirstEventRate = 3_000, Seed = 5 });
        var kinds = new HashSet<NexmarkEventType>();
        while (generator.HasNext)
        {
            var e = generator.Next();
            kinds.Add(e.Type);
            var bytes = json.ToBytes(e);
            var row = serde.Deserialize(bytes);
            Assert.Equal((int)e.Type, row.GetInt(0));
            for (var column = 1; column <= 3; column++)
                Assert.Equal(column - 1 == (int)e.Type, !row.IsNull(column));
            var record = row.GetRow((int)e.Type + 1)!;
            var fields = columns[(int)e.Type + 1].Type.Fields;
            Assert.Equal(Fields(e), Enumerable.Range(0, fields.Length).Select(i => record.GetValue(i, fields[i].Type)));
            Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(serde.Serialize(row)));
        }
        Assert.Equal(3, kinds.Count);
    }

    [Theory]
    [InlineData(0, "1970-01-01 00:00:00")]
    [InlineData(1_767_225_600_500, "2026-01-01 00:00:00.5")]
    [InlineData(1_767_225_600_050, "2026-01-01 00:00:00.05")]
    [InlineData(1_767_225_601_234, "2026-01-01 00:00:01.234")]
    public void Timestamps_are_written_in_flinks_sql_form_without_trailing_zeros(long millis, string expected)
    {
        Span<char> text = stackalloc char[32];
        Assert.Equal(expected, new string(text[..NexmarkJsonWriter.FormatTimestamp(millis, text)]));
    }

    private static object?[] Fields(NexmarkEvent e)
    {
        static DateTime Time(long millis) => DateTime.UnixEpoch.AddMilliseconds(millis);
        return e.Type switch
        {
            NexmarkEventType.Person => [e.Person.Id, e.Person.Name, e.Person.EmailAddress, e.Person.CreditCard, e.Person.City, e.Person.State,
                Time(e.Person.DateTime), e.Person.Extra.ToString()],
            NexmarkEventType.Auction => [e.Auction.Id, e.Auction.ItemName, e.Auction.Description, e.Auction.InitialBid, e.Auction.Reserve,
                Time(e.Auction.DateTime), Time(e.Auction.Expires), e.Auction.Seller, e.Auction.Category, e.Auction.Extra.ToString()],
            _ => [e.Bid.Auction, e.Bid.Bidder, e.Bid.Price, e.Bid.Channel, e.Bid.Url, Time(e.Bid.DateTime), e.Bid.Extra.ToString()],
        };
    }
}
