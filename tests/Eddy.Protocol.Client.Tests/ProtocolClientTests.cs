using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using Eddy.Protocol.Messages;
using Eddy.Testing;
using KafkaErrorCode = Eddy.Protocol.ErrorCode;

namespace Eddy.Protocol.Client.Tests;

/// <summary>The client against Eddy's in-process broker: connections, typed requests, errors, and the transactions admin.</summary>
public sealed class ProtocolClientTests : IAsyncLifetime
{
    private static readonly KafkaClientOptions Options = new() { ClientId = "client-tests", RequestTimeout = TimeSpan.FromSeconds(15) };

    private BrokerFixture _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerFixture.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private KafkaProtocolClient Client() => new([BrokerAddress.Parse(_broker.BootstrapServers)], Options);

    private void CreateTopic(string name, int partitions)
    {
        var result = _broker.Broker.Topics.Create(name, partitions, new Dictionary<string, string>(), false, out _);
        Assert.Equal(KafkaErrorCode.None, result.Error);
    }

    [Fact]
    public async Task A_connection_negotiates_versions_and_round_trips_a_typed_request()
    {
        CreateTopic("orders", 3);
        await using var connection = await BrokerConnection.ConnectAsync(BrokerAddress.Parse(_broker.BootstrapServers), Options, CancellationToken.None);

        var (brokerMin, brokerMax) = connection.BrokerVersions[ApiKey.Metadata];
        var version = connection.RequireVersion(ApiKey.Metadata, "Metadata");
        Assert.Equal(Math.Min(brokerMax, MetadataRequest.HighestVersion), version);
        Assert.True(version >= brokerMin);

        var request = new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = "orders" }], AllowAutoTopicCreation = false };
        var response = await connection.SendAsync<MetadataResponse>(request, version, CancellationToken.None);

        var topic = Assert.Single(response.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal(0, topic.ErrorCode);
        Assert.Equal([0, 1, 2], topic.Partitions.Select(p => p.PartitionIndex).Order());
        Assert.True(connection.IsUsable);
    }

    [Fact]
    public async Task Metadata_names_the_brokers_and_the_topics_asked_for()
    {
        CreateTopic("payments", 2);
        await using var client = Client();

        var metadata = await client.MetadataAsync(["payments", "missing"], CancellationToken.None);

        var broker = Assert.Single(metadata.Brokers);
        Assert.Equal(BrokerAddress.Parse(_broker.BootstrapServers).Port, broker.Port);
        Assert.Same(broker, metadata.Broker(broker.NodeId!.Value));
        var payments = metadata.Topics.Single(t => t.Name == "payments");
        Assert.Equal(2, payments.Partitions.Count);
        Assert.All(payments.Partitions, p => Assert.Equal(broker.NodeId, p.Leader));
        Assert.Equal((short)KafkaErrorCode.UnknownTopicOrPartition, metadata.Topics.Single(t => t.Name == "missing").ErrorCode);
    }

    [Fact]
    public async Task A_broker_error_surfaces_as_the_library_exception_with_its_code()
    {
        await using var client = Client();

        // Key type 7 is no coordinator type: the broker answers INVALID_REQUEST, which asking again cannot fix.
        var error = await Assert.ThrowsAsync<KafkaClientException>(() => client.FindCoordinatorAsync("app", 7, CancellationToken.None));

        Assert.Equal(KafkaErrorCode.InvalidRequest, error.ErrorCode);
        Assert.Equal("could not find the coordinator of 'app': INVALID_REQUEST: Unknown coordinator key type 7", error.Message);
    }

    [Fact]
    public async Task A_version_the_broker_lacks_is_an_unsupported_version_error_naming_the_range()
    {
        await using var connection = await BrokerConnection.ConnectAsync(BrokerAddress.Parse(_broker.BootstrapServers), Options, CancellationToken.None);
        var (_, max) = connection.BrokerVersions[ApiKey.ListTransactions];

        var error = Assert.Throws<KafkaClientException>(() => connection.RequireVersion(ApiKey.ListTransactions, "a future filter", minimum: (short)(max + 1)));

        Assert.Equal(KafkaErrorCode.UnsupportedVersion, error.ErrorCode);
        Assert.EndsWith($"ListTransactions v{max + 1} or later is needed and it supports v0-v{max}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_listening_is_a_network_error_naming_the_address()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // the port is now closed: connecting is refused

        await using var client = new KafkaProtocolClient([new BrokerAddress("127.0.0.1", port)], Options);
        var error = await Assert.ThrowsAsync<KafkaClientException>(() => client.MetadataAsync([], CancellationToken.None));

        Assert.Equal(KafkaErrorCode.NetworkException, error.ErrorCode);
        Assert.StartsWith($"cannot connect to 127.0.0.1:{port}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_transactions_admin_lists_and_describes_an_open_transaction_made_by_confluent_kafka()
    {
        CreateTopic("ledger", 2);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = _broker.BootstrapServers,
            TransactionalId = "ledger-writer",
        }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        await producer.ProduceAsync(new TopicPartition("ledger", 1), new Message<Null, string> { Value = "entry" });

        await using var client = Client();
        var admin = new TransactionsAdmin(client);

        var listed = await admin.ListTransactionsAsync([], [], -1, CancellationToken.None);
        Assert.Empty(listed.Errors);
        var listing = Assert.Single(listed.Listings, l => l.TransactionalId == "ledger-writer");
        Assert.Equal("Ongoing", listing.State);

        var described = (await admin.DescribeTransactionsAsync(["ledger-writer", "nobody"], CancellationToken.None));
        Assert.Null(described["nobody"]);
        var transaction = described["ledger-writer"]!;
        Assert.Equal(listing.ProducerId, transaction.ProducerId);
        Assert.Equal("Ongoing", transaction.State);
        Assert.Equal([new TopicPartitionId("ledger", 1)], transaction.Partitions);
        Assert.True(transaction.StartTimeMs > 0);

        var partition = new TopicPartitionId("ledger", 1);
        var producers = await admin.DescribeProducersAsync([partition], null, CancellationToken.None);
        Assert.Null(producers[partition].Error);
        var active = Assert.Single(producers[partition].Producers);
        Assert.Equal(listing.ProducerId, active.ProducerId);
        Assert.Equal(0, active.CurrentTransactionStartOffset);

        producer.AbortTransaction(TimeSpan.FromSeconds(30));
        var afterAbort = (await admin.DescribeTransactionsAsync(["ledger-writer"], CancellationToken.None))["ledger-writer"]!;
        Assert.NotEqual("Ongoing", afterAbort.State);
    }

    [Fact]
    public async Task Aborting_needs_write_txn_markers_which_eddy_does_not_offer_and_leaves_the_transaction_open()
    {
        CreateTopic("audit", 1);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = _broker.BootstrapServers,
            TransactionalId = "audit-writer",
        }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        await producer.ProduceAsync(new TopicPartition("audit", 0), new Message<Null, string> { Value = "entry" });
        await using var client = Client();
        var admin = new TransactionsAdmin(client);
        var partition = new TopicPartitionId("audit", 0);
        var open = Assert.Single((await admin.DescribeProducersAsync([partition], null, CancellationToken.None))[partition].Producers);

        var error = await Assert.ThrowsAsync<KafkaClientException>(() =>
            admin.AbortTransactionAsync(partition, open.ProducerId, (short)open.ProducerEpoch, open.CoordinatorEpoch, CancellationToken.None));

        Assert.Equal(KafkaErrorCode.UnsupportedVersion, error.ErrorCode);
        Assert.Contains("does not support WriteTxnMarkers (aborting a transaction)", error.Message, StringComparison.Ordinal);
        var after = Assert.Single((await admin.DescribeProducersAsync([partition], null, CancellationToken.None))[partition].Producers);
        Assert.Equal(open.CurrentTransactionStartOffset, after.CurrentTransactionStartOffset);
        producer.AbortTransaction(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Aborting_on_a_missing_topic_names_it()
    {
        await using var client = Client();

        var error = await Assert.ThrowsAsync<KafkaClientException>(() =>
            new TransactionsAdmin(client).AbortTransactionAsync(new TopicPartitionId("nope", 0), 1, 0, 0, CancellationToken.None));

        Assert.Equal(KafkaErrorCode.UnknownTopicOrPartition, error.ErrorCode);
        Assert.EndsWith("Topic 'nope' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_abort_marker_names_the_producer_and_only_the_partition_asked_for()
    {
        var request = TransactionsAdmin.AbortMarkerRequest(new TopicPartitionId("ledger", 3), producerId: 17, producerEpoch: 2, coordinatorEpoch: 5);

        var marker = Assert.Single(request.Markers);
        Assert.Equal((17L, (short)2, 5, false), (marker.ProducerId, marker.ProducerEpoch, marker.CoordinatorEpoch, marker.TransactionResult));
        var topic = Assert.Single(marker.Topics);
        Assert.Equal("ledger", topic.Name);
        Assert.Equal([3], topic.PartitionIndexes);
    }
}
