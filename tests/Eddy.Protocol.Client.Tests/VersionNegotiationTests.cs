namespace Eddy.Protocol.Client.Tests;

/// <summary>Choosing a request version from the broker's and the codec's ranges, and reading bootstrap entries.</summary>
public class VersionNegotiationTests
{
    [Theory]
    [InlineData(0, 1, 0, 1, 0, (short)1)] // highest common
    [InlineData(0, 0, 0, 1, 0, (short)0)] // the broker is older
    [InlineData(0, 5, 0, 3, 0, (short)3)] // this client's codec is older
    [InlineData(0, 0, 0, 1, 1, null)] // a feature that needs v1
    [InlineData(4, 6, 0, 3, 0, null)] // no overlap
    public void Negotiation_picks_the_highest_version_both_sides_support(short brokerMin, short brokerMax, short codecMin, short codecMax, short minimum, short? expected)
    {
        Assert.Equal(expected, BrokerConnection.NegotiateVersion((brokerMin, brokerMax), (codecMin, codecMax), minimum));
    }

    [Fact]
    public void An_api_the_broker_does_not_list_has_no_version()
    {
        Assert.Null(BrokerConnection.NegotiateVersion(null, (0, 1), 0));
    }

    [Theory]
    [InlineData("127.0.0.1:9093", "127.0.0.1", 9093)]
    [InlineData(" broker.example:19092 ", "broker.example", 19092)]
    [InlineData("PLAINTEXT://kafka:9092", "kafka", 9092)]
    [InlineData("[::1]:9092", "::1", 9092)]
    [InlineData("kafka", "kafka", 9092)]
    public void Bootstrap_entries_parse_as_librdkafka_reads_them(string entry, string host, int port)
    {
        var address = BrokerAddress.Parse(entry);
        Assert.Equal((host, port), (address.Host, address.Port));
    }

    [Theory]
    [InlineData("kafka:0")]
    [InlineData("kafka:x")]
    [InlineData(":9092")]
    public void A_bad_bootstrap_entry_is_a_format_error_naming_it(string entry)
    {
        var error = Assert.Throws<FormatException>(() => BrokerAddress.Parse(entry));
        Assert.Contains($"'{entry}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ipv6_address_prints_in_brackets()
    {
        Assert.Equal("[::1]:9092", new BrokerAddress("::1", 9092).ToString());
        Assert.Equal("kafka:9092", new BrokerAddress("kafka", 9092).ToString());
    }
}
