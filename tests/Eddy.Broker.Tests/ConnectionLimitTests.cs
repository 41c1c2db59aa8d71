using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Eddy.Broker.Configuration;
using Eddy.Broker.Network;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Broker.Tests;

/// <summary>
/// Misbehaving clients at the socket level: a peer that leaves while its request waits frees the handler at once,
/// and Kafka's connection limits (max.connections, max.connections.per.ip, connections.max.idle.ms,
/// queued.max.request.bytes) behave as Kafka's do.
/// </summary>
public class ConnectionLimitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static async Task<BrokerFixture> StartWithTopic(Dictionary<string, string>? props = null)
    {
        var broker = await BrokerFixture.StartAsync(props);
        Assert.Equal(ErrorCode.None, broker.Broker.Topics.Create("t", 1, new Dictionary<string, string>(), false, out _).Error);
        return broker;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns the time it took.</summary>
    private static async Task<TimeSpan> Eventually(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < timeout, $"{what}: not within {timeout.TotalSeconds} s");
            await Task.Delay(10);
        }
        return watch.Elapsed;
    }

    private static FetchRequest LongPoll(int maxWaitMs) => new()
    {
        MaxWaitMs = maxWaitMs,
        MinBytes = 1,
        MaxBytes = 1 << 20,
        Topics = [new FetchRequest.FetchTopic { Topic = "t", Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1 << 20 }] }],
    };

    private static JoinGroupRequest Join(int rebalanceTimeoutMs, int sessionTimeoutMs) => new()
    {
        GroupId = "g",
        SessionTimeoutMs = sessionTimeoutMs,
        RebalanceTimeoutMs = rebalanceTimeoutMs,
        MemberId = "",
        ProtocolType = "consumer",
        Protocols = [new JoinGroupRequest.JoinGroupRequestProtocol { Name = "range", Metadata = [1, 2, 3] }],
    };

    private static void AssertAnswers(RawKafkaClient client)
    {
        var (_, response) = client.Call<ApiVersionsResponse>(new ApiVersionsRequest(), 0);
        Assert.Equal(0, response.ErrorCode);
    }

    [Fact]
    public async Task A_client_that_disconnects_during_a_long_poll_fetch_and_a_join_frees_both_handlers_at_once()
    {
        // The initial delay keeps the lone member's JoinGroup parked for its whole rebalance timeout.
        await using var broker = await StartWithTopic(new() { [BrokerConfigs.GroupInitialRebalanceDelayMs] = "60000" });
        var fetcher = new RawKafkaClient(broker.BootstrapServers);
        var joiner = new RawKafkaClient(broker.BootstrapServers);
        try
        {
            fetcher.Send(fetcher.Frame(LongPoll(maxWaitMs: 60_000), 11));
            joiner.Send(joiner.Frame(Join(rebalanceTimeoutMs: 10_000, sessionTimeoutMs: 1000), 3));
            await Eventually(() => broker.Broker.InFlightRequests == 2, Patience, "both requests parked");
        }
        finally
        {
            fetcher.Dispose();
            joiner.Dispose();
        }
        var freed = await Eventually(() => broker.Broker.InFlightRequests == 0 && broker.Broker.ConnectionCount == 0, Patience, "handlers freed");
        // Well before either wait would have ended by itself (60 s, 10 s); generous for a loaded machine.
        Assert.True(freed < TimeSpan.FromSeconds(3), $"freed after {freed.TotalMilliseconds:F0} ms, not at the disconnect");

        // As in Kafka, the member whose connection dropped mid-join stays until its timeouts remove it.
        using var admin = new RawKafkaClient(broker.BootstrapServers);
        DescribeGroupsResponse.DescribedGroup Describe() => admin.Call<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = ["g"] }, 0).Response.Groups[0];
        Assert.Single(Describe().Members);
        await Eventually(() => Describe().Members.Count == 0, TimeSpan.FromSeconds(30), "the member removed by its rebalance then session timeout");
        AssertAnswers(admin);
    }

    [Fact]
    public async Task Connections_silent_longer_than_connections_max_idle_ms_are_closed_and_busy_ones_are_not()
    {
        await using var broker = await StartWithTopic(new() { [BrokerConfigs.ConnectionsMaxIdleMs] = "1500" });
        using var idle = new RawKafkaClient(broker.BootstrapServers);
        using var chatty = new RawKafkaClient(broker.BootstrapServers);
        using var polling = new RawKafkaClient(broker.BootstrapServers);
        AssertAnswers(idle);
        // A long poll longer than the idle limit is the broker's silence, not the client's: it is answered.
        polling.Send(polling.Frame(LongPoll(maxWaitMs: 4000), 11));
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 40; i++)
        {
            AssertAnswers(chatty);
            await Task.Delay(100);
        }
        Assert.True(idle.WaitReadable(Patience));
        Assert.True(idle.IsClosedByBroker());
        Assert.InRange(watch.ElapsedMilliseconds, 1500, 15_000);
        var (_, polled) = RawKafkaClient.Decode<FetchResponse>(polling.ReceiveFrame()!, ApiKey.Fetch, 11);
        Assert.Equal(0, polled.Responses[0].Partitions[0].ErrorCode);
        AssertAnswers(chatty);
    }

    [Fact]
    public async Task A_connection_whose_request_has_arrived_but_is_not_read_yet_is_not_idle()
    {
        // The connection is never run, so nothing reads what the client sends: as when the broker's read lags
        // behind the client on a busy thread pool. Idleness is judged at a time well past the limit.
        await using var owner = new KafkaListener(new IPEndPoint(IPAddress.Loopback, 0), new ConnectionLimits(MaxIdleMs: 100), NullLoggerFactory.Instance);
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)server.LocalEndpoint);
        using var accepted = await server.AcceptSocketAsync();
        var connection = new KafkaConnection(accepted, owner, new RequestDispatcher(new Dictionary<ApiKey, IRequestHandler>()), NullLogger.Instance, CancellationToken.None);
        var later = Environment.TickCount64 + 1000;
        Assert.True(connection.IsIdleLongerThan(later, 100), "a connection the client has not spoken on is idle");

        await client.SendAsync(new byte[] { 0, 0, 0, 8 });
        await Eventually(() => accepted.Available > 0, Patience, "the bytes arrived");
        Assert.False(connection.IsIdleLongerThan(later, 100));
    }

    [Fact]
    public async Task A_connection_over_max_connections_per_ip_is_accepted_and_closed_at_once()
    {
        await using var broker = await StartWithTopic(new() { [BrokerConfigs.MaxConnectionsPerIp] = "3" });
        var clients = new List<RawKafkaClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                clients.Add(new RawKafkaClient(broker.BootstrapServers));
                AssertAnswers(clients[^1]);
            }
            using (var extra = new RawKafkaClient(broker.BootstrapServers))
            {
                Assert.True(extra.WaitReadable(TimeSpan.FromSeconds(2)), "the extra connection is closed at once");
                Assert.True(extra.IsClosedByBroker());
            }
            clients[0].Dispose();
            clients.RemoveAt(0);
            await Eventually(() => broker.Broker.ConnectionCount == 2, Patience, "the closed connection counted out");
            clients.Add(new RawKafkaClient(broker.BootstrapServers));
            AssertAnswers(clients[^1]);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task At_max_connections_a_new_connection_waits_unanswered_until_one_closes()
    {
        await using var broker = await StartWithTopic(new() { [BrokerConfigs.MaxConnections] = "2" });
        using var first = new RawKafkaClient(broker.BootstrapServers);
        var second = new RawKafkaClient(broker.BootstrapServers);
        using var waiting = new RawKafkaClient(broker.BootstrapServers);
        try
        {
            AssertAnswers(first);
            AssertAnswers(second);
            // The TCP handshake completes in the OS backlog, but the broker reads nothing and closes nothing.
            waiting.Send(waiting.Frame(new ApiVersionsRequest(), 0));
            Assert.False(waiting.WaitReadable(TimeSpan.FromSeconds(1)), "answered over max.connections");
            Assert.Equal(2, broker.Broker.ConnectionCount);
        }
        finally
        {
            second.Dispose();
        }
        var watch = Stopwatch.StartNew();
        Assert.True(waiting.WaitReadable(Patience));
        var (_, response) = RawKafkaClient.Decode<ApiVersionsResponse>(waiting.ReceiveFrame()!, ApiKey.ApiVersions, 0);
        Assert.Equal(0, response.ErrorCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"waited {watch.ElapsedMilliseconds} ms after a slot freed");
    }

    [Fact]
    public async Task With_queued_max_request_bytes_used_up_a_connection_reads_nothing_until_a_response_frees_memory()
    {
        // A budget of one byte: the long poll's reservation overdraws it (Kafka's non-strict pool), the next one waits.
        await using var broker = await StartWithTopic(new() { [BrokerConfigs.QueuedMaxRequestBytes] = "1" });
        using var polling = new RawKafkaClient(broker.BootstrapServers);
        using var other = new RawKafkaClient(broker.BootstrapServers);
        polling.Send(polling.Frame(LongPoll(maxWaitMs: 2000), 11));
        await Eventually(() => broker.Broker.InFlightRequests == 1, Patience, "the long poll parked");
        var watch = Stopwatch.StartNew();
        other.Send(other.Frame(new ApiVersionsRequest(), 0));
        await Eventually(() => broker.Broker.RequestMemory.Waiting == 1, Patience, "the second connection waiting for memory");
        Assert.False(other.WaitReadable(TimeSpan.FromMilliseconds(800)), "answered while the budget was used up");
        Assert.True(other.WaitReadable(Patience));
        Assert.NotNull(other.ReceiveFrame());
        Assert.InRange(watch.ElapsedMilliseconds, 1000, 10_000);
        Assert.NotNull(polling.ReceiveFrame());
        await Eventually(() => broker.Broker.RequestMemory.Used == 0, Patience, "every reservation returned");
    }
}

/// <summary>queued.max.request.bytes' pool on its own: Kafka's non-strict reservations, in arrival order.</summary>
public class RequestMemoryPoolTests
{
    [Fact]
    public async Task Reservations_are_granted_while_any_budget_is_left_and_then_wait_in_arrival_order()
    {
        var pool = new RequestMemoryPool(100);
        Assert.True(pool.ReserveAsync(60, default).AsTask().IsCompletedSuccessfully);
        // 40 bytes left: a 200-byte request larger than the whole budget still goes (Kafka's non-strict pool).
        Assert.True(pool.ReserveAsync(200, default).AsTask().IsCompletedSuccessfully);
        Assert.Equal(260, pool.Used);
        var small = pool.ReserveAsync(10, default).AsTask();
        var large = pool.ReserveAsync(50, default).AsTask();
        Assert.False(small.IsCompleted);
        pool.Release(60);
        Assert.False(small.IsCompleted, "granted while the pool is still overdrawn");
        pool.Release(200);
        await small.WaitAsync(TimeSpan.FromSeconds(5));
        await large.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(60, pool.Used);
        Assert.Equal(260, pool.PeakUsed);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_queue_and_takes_nothing()
    {
        var pool = new RequestMemoryPool(10);
        await pool.ReserveAsync(10, default);
        using var closed = new CancellationTokenSource();
        var gone = pool.ReserveAsync(5, closed.Token).AsTask();
        var next = pool.ReserveAsync(5, default).AsTask();
        await closed.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone);
        Assert.Equal(1, pool.Waiting);
        pool.Release(10);
        await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(5, pool.Used);
        Assert.Equal(0, pool.Waiting);
    }

    [Fact]
    public void A_budget_of_zero_or_less_is_no_limit()
    {
        var pool = new RequestMemoryPool(-1);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(pool.ReserveAsync(1 << 20, default).AsTask().IsCompletedSuccessfully);
        }
        Assert.True(pool.IsUnlimited);
    }
}
