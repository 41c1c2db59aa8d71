using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using Eddy.Broker.Configuration;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Testing;
using Xunit.Abstractions;

namespace Eddy.Compat.Tests;

/// <summary>
/// A Confluent.Kafka producer keeps producing, with bounded latency, while raw sockets misbehave: slowloris
/// frames, thousands of idle connections, clients that never read their responses, and large requests against a
/// small queued.max.request.bytes. Each test prints the producer's p50/p99 latency (docs/benchmarks.md records them).
/// Only 127.0.0.1; every loop is bounded in count and time; every socket is closed in a finally.
/// </summary>
public class MisbehavingClientTests(ITestOutputHelper output)
{
    // Generous: the machine running the tests may be shared and loaded; an unbounded wait would show as seconds.
    private static readonly TimeSpan LatencyBound = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task<TimeSpan> Eventually(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < timeout, $"{what}: not within {timeout.TotalSeconds} s");
            await Task.Delay(20);
        }
        return watch.Elapsed;
    }

    private static async Task<BrokerFixture> StartAsync(Dictionary<string, string>? props = null)
    {
        var broker = await BrokerFixture.StartAsync(props);
        foreach (var topic in new[] { "probe", "data" })
        {
            Assert.Equal(Eddy.Protocol.ErrorCode.None, broker.Broker.Topics.Create(topic, 1, new Dictionary<string, string>(), false, out _).Error);
        }
        return broker;
    }

    /// <summary>
    /// A Confluent producer sending one record at a time (acks=all, no linger) until stopped, timing each
    /// ProduceAsync: what an application would see while the broker is under attack.
    /// </summary>
    private sealed class LatencyProbe : IAsyncDisposable
    {
        private readonly IProducer<Null, byte[]> _producer;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<double> _latenciesMs = [];
        private Task _loop = Task.CompletedTask;
        private int _failures;

        public LatencyProbe(string bootstrap)
        {
            _producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
            {
                BootstrapServers = bootstrap,
                Acks = Acks.All,
                LingerMs = 0,
                MessageTimeoutMs = 30_000,
            }).Build();
        }

        /// <summary>Produces once (connection and metadata set up), then keeps producing in the background.</summary>
        public async Task StartAsync()
        {
            await _producer.ProduceAsync("probe", new Message<Null, byte[]> { Value = new byte[100] });
            _loop = Task.Run(async () =>
            {
                // Bounded: at most 100,000 records, a stop, or 5 minutes.
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < 100_000 && !_stop.IsCancellationRequested && watch.Elapsed < TimeSpan.FromMinutes(5); i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        await _producer.ProduceAsync("probe", new Message<Null, byte[]> { Value = new byte[100] });
                        lock (_latenciesMs)
                        {
                            _latenciesMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                        }
                    }
                    catch (ProduceException<Null, byte[]>)
                    {
                        Interlocked.Increment(ref _failures);
                    }
                    await Task.Delay(2);
                }
            });
        }

        public async Task<(int Count, double P50, double P99, double Max, int Failures)> StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            lock (_latenciesMs)
            {
                var sorted = _latenciesMs.Order().ToArray();
                double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
                return (sorted.Length, At(0.50), At(0.99), sorted.Length == 0 ? double.NaN : sorted[^1], _failures);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await StopAsync();
            }
            _producer.Dispose();
            _stop.Dispose();
        }
    }

    private async Task AssertLatencyBoundedAsync(LatencyProbe probe, string scenario, TimeSpan? bound = null)
    {
        var limit = bound ?? LatencyBound;
        var (count, p50, p99, max, failures) = await probe.StopAsync();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{scenario}: {count} produces, p50 {p50:F2} ms, p99 {p99:F2} ms, max {max:F1} ms, failures {failures}"));
        Assert.Equal(0, failures);
        Assert.True(count >= 20, $"only {count} produces completed");
        Assert.True(p99 < limit.TotalMilliseconds, $"{scenario}: p99 {p99:F1} ms");
    }

    private static Socket Connect(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(endPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return socket;
    }

    private static async Task<List<Socket>> ConnectManyAsync(IPEndPoint endPoint, int count)
    {
        var sockets = new List<Socket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                using var timeout = new CancellationTokenSource(Patience);
                await socket.ConnectAsync(endPoint, timeout.Token);
            }
        }
        catch
        {
            CloseAll(sockets);
            throw;
        }
        return sockets;
    }

    private static void CloseAll(IEnumerable<Socket> sockets)
    {
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }
    }

    /// <summary>True when the broker has closed the socket (readable with nothing to read), within <paramref name="wait"/>.</summary>
    private static bool ClosedByBroker(Socket socket, TimeSpan wait)
    {
        if (!socket.Poll((int)(wait.Ticks / 10), SelectMode.SelectRead))
        {
            return false;
        }
        try
        {
            return socket.Receive(new byte[1]) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static byte[] Frame(IApiMessage request, short version, int correlationId)
    {
        using var writer = new KafkaWriter();
        var sizeAt = writer.ReserveInt32();
        new RequestHeader { RequestApiKey = (short)request.Api, RequestApiVersion = version, CorrelationId = correlationId, ClientId = "misbehaving" }
            .Write(writer, ApiMessages.IsFlexibleRequest(request.Api, version) ? (short)2 : (short)1);
        request.Write(writer, version);
        writer.PatchInt32(sizeAt, writer.Position - 4);
        return writer.WrittenMemory.ToArray();
    }

    private static byte[] Batch(int records, int valueBytes) => RecordBatchBuilder.Build(
        [.. Enumerable.Range(0, records).Select(i => Eddy.Protocol.Record.Create(1_700_000_000_000 + i, null, new byte[valueBytes]))]);

    private static ProduceRequest Produce(byte[] batch, short acks = 1, string topic = "data") => new()
    {
        Acks = acks,
        TimeoutMs = 30_000,
        TopicData = [new ProduceRequest.TopicProduceData { Name = topic, PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = new MemoryRecords(batch) }] }],
    };

    /// <summary>Sends a request frame and reads one response frame, asynchronously.</summary>
    private static async Task<byte[]> CallAsync(Socket socket, byte[] frame, CancellationToken cancellationToken)
    {
        await socket.SendAsync(frame, SocketFlags.None, cancellationToken);
        var size = new byte[4];
        await ReceiveExactlyAsync(socket, size, cancellationToken);
        var response = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await ReceiveExactlyAsync(socket, response, cancellationToken);
        return response;
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            read += n > 0 ? n : throw new IOException("The broker closed the connection.");
        }
    }

    private static long ManagedBytes() => GC.GetTotalMemory(forceFullCollection: true);

    [Fact]
    public async Task Slowloris_clients_sending_a_byte_a_second_do_not_slow_a_producer()
    {
        await using var broker = await StartAsync();
        await using var probe = new LatencyProbe(broker.BootstrapServers);
        await probe.StartAsync();
        var producerConnections = broker.Broker.ConnectionCount;
        var before = ManagedBytes();
        var slow = new List<Socket>();
        try
        {
            // Half announce a 100 MB frame and trickle its body; half trickle a real request from its size prefix.
            var frame = Frame(new MetadataRequest { Topics = null }, 1, 1);
            var announced = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(announced, 100 * 1024 * 1024);
            for (var i = 0; i < 20; i++)
            {
                slow.Add(Connect(broker.Broker.LocalEndPoint));
                if (i % 2 == 0)
                {
                    slow[^1].Send(announced);
                }
            }
            for (var second = 0; second < 6; second++)
            {
                foreach (var socket in slow)
                {
                    socket.Send(frame.AsSpan(second, 1));
                }
                await Task.Delay(1000);
            }
            Assert.Equal(20 + producerConnections, broker.Broker.ConnectionCount);
            var grown = ManagedBytes() - before;
            output.WriteLine($"20 slowloris connections (10 announcing 100 MB): managed heap +{grown / 1024} KB");
            // A buffer sized by the announced frame would be 1 GB; buffers grow with what arrives.
            Assert.True(grown < 64L * 1024 * 1024, $"managed heap grew {grown / (1024 * 1024)} MB");
        }
        finally
        {
            CloseAll(slow);
        }
        await AssertLatencyBoundedAsync(probe, "20 slowloris connections, 1 byte/s each");
        await Eventually(() => broker.Broker.ConnectionCount == producerConnections, Patience, "slowloris connections gone");
    }

    [Fact]
    public async Task Two_thousand_idle_connections_cost_little_and_do_not_slow_a_producer()
    {
        await using var broker = await StartAsync();
        await using var probe = new LatencyProbe(broker.BootstrapServers);
        await probe.StartAsync();
        var producerConnections = broker.Broker.ConnectionCount;
        var before = ManagedBytes();
        var idle = await ConnectManyAsync(broker.Broker.LocalEndPoint, 2000);
        try
        {
            await Eventually(() => broker.Broker.ConnectionCount == 2000 + producerConnections, Patience, "2,000 connections accepted");
            // Each says hello once, so each has had a receive buffer and a response, then goes quiet.
            var hello = Frame(new ApiVersionsRequest(), 0, 1);
            foreach (var socket in idle)
            {
                socket.Send(hello);
            }
            var answered = 0;
            foreach (var socket in idle)
            {
                if (socket.Poll(10_000_000, SelectMode.SelectRead) && socket.Receive(new byte[4096]) > 0)
                {
                    answered++;
                }
            }
            Assert.Equal(2000, answered);
            await Task.Delay(1000);
            var perConnection = (ManagedBytes() - before) / 2000;
            output.WriteLine($"2,000 idle connections: managed heap {perConnection} bytes per connection");
            Assert.True(perConnection < 32 * 1024, $"{perConnection} bytes per idle connection");
        }
        finally
        {
            CloseAll(idle);
        }
        await AssertLatencyBoundedAsync(probe, "2,000 idle connections");
        await Eventually(() => broker.Broker.ConnectionCount == producerConnections, Patience, "idle connections gone");
    }

    [Fact]
    public async Task Idle_connections_are_closed_after_connections_max_idle_ms_while_a_producer_keeps_producing()
    {
        await using var broker = await StartAsync(new() { [BrokerConfigs.ConnectionsMaxIdleMs] = "3000" });
        await using var probe = new LatencyProbe(broker.BootstrapServers);
        await probe.StartAsync();
        var producerConnections = broker.Broker.ConnectionCount;
        var idle = await ConnectManyAsync(broker.Broker.LocalEndPoint, 2000);
        try
        {
            var took = await Eventually(() => broker.Broker.ConnectionCount == producerConnections, Patience, "idle connections closed");
            output.WriteLine($"2,000 idle connections closed {took.TotalSeconds:F1} s after all were open (connections.max.idle.ms=3000)");
            Assert.True(ClosedByBroker(idle[0], TimeSpan.FromSeconds(5)));
            Assert.True(ClosedByBroker(idle[^1], TimeSpan.FromSeconds(5)));
        }
        finally
        {
            CloseAll(idle);
        }
        // The producer talks every few milliseconds: never idle, never closed.
        await AssertLatencyBoundedAsync(probe, "2,000 connections closed by connections.max.idle.ms");
    }

    [Fact]
    public async Task Connections_over_max_connections_per_ip_are_closed_at_once_while_a_producer_keeps_producing()
    {
        await using var broker = await StartAsync(new() { [BrokerConfigs.MaxConnectionsPerIp] = "500" });
        await using var probe = new LatencyProbe(broker.BootstrapServers);
        await probe.StartAsync();
        var producerConnections = broker.Broker.ConnectionCount;
        var sockets = await ConnectManyAsync(broker.Broker.LocalEndPoint, 2000);
        try
        {
            await Eventually(() => broker.Broker.ConnectionCount == 500, Patience, "500 connections from 127.0.0.1 kept");
            // The rejected ones are closed on accept. The 500th kept connection can come before the listener has worked
            // through the rest of the accept backlog, so the closes are awaited, for seconds at most (an idle close
            // would take connections.max.idle.ms, ten minutes). The producer's share of the 500 is what it held at the
            // start or less: librdkafka may drop its bootstrap connection meanwhile, and one of these takes its place.
            var took = await Eventually(() => sockets.Count(s => ClosedByBroker(s, TimeSpan.Zero)) >= 1500,
                TimeSpan.FromSeconds(5), "every connection over the limit closed");
            await Task.Delay(200);
            var closed = sockets.Count(s => ClosedByBroker(s, TimeSpan.Zero));
            output.WriteLine($"max.connections.per.ip=500: {closed} of 2,000 closed within {took.TotalMilliseconds:F0} ms of the 500th kept ({producerConnections} held by the producer at the start)");
            Assert.InRange(closed, 1500, 1500 + producerConnections);
            Assert.Equal(500, broker.Broker.ConnectionCount);
        }
        finally
        {
            CloseAll(sockets);
        }
        await AssertLatencyBoundedAsync(probe, "2,000 connections against max.connections.per.ip=500");
    }

    [Fact]
    public async Task At_max_connections_new_connections_wait_until_others_close_while_a_producer_keeps_producing()
    {
        await using var broker = await StartAsync(new() { [BrokerConfigs.MaxConnections] = "1000" });
        await using var probe = new LatencyProbe(broker.BootstrapServers);
        await probe.StartAsync();
        var producerConnections = broker.Broker.ConnectionCount;
        // 1,200 more connect: the OS completes the handshakes, the broker takes 1,000 in all and leaves the rest waiting.
        var sockets = await ConnectManyAsync(broker.Broker.LocalEndPoint, 1200);
        try
        {
            await Eventually(() => broker.Broker.ConnectionCount == 1000, Patience, "1,000 connections accepted");
            await Task.Delay(500);
            Assert.Equal(1000, broker.Broker.ConnectionCount);
            var last = sockets[^1];
            last.Send(Frame(new ApiVersionsRequest(), 0, 7));
            Assert.False(last.Poll(500_000, SelectMode.SelectRead), "a connection over max.connections was answered");
            // Closing the first 300 frees slots for the ones waiting.
            CloseAll(sockets.Take(300));
            Assert.True(last.Poll((int)(Patience.Ticks / 10), SelectMode.SelectRead), "a waiting connection was not taken when slots freed");
            Assert.True(last.Receive(new byte[4096]) > 0);
            // Every waiting connection has been taken: 1,200 + the producer's, less the 300 closed.
            await Eventually(() => broker.Broker.ConnectionCount == 900 + producerConnections, Patience, "the waiting connections taken");
        }
        finally
        {
            CloseAll(sockets);
        }
        await AssertLatencyBoundedAsync(probe, "1,200 connections against max.connections=1000");
    }

    [Fact]
    public async Task Clients_that_never_read_their_responses_stall_only_themselves_and_broker_memory_stays_bounded()
    {
        await using var broker = await StartAsync();
        // 8 MB of data for the fetches to return, in 1 MB batches.
        using (var loader = new RawKafkaClient(broker.BootstrapServers))
        {
            for (var i = 0; i < 8; i++)
            {
                var (_, loaded) = loader.Call<ProduceResponse>(Produce(Batch(1000, 1000)), 9);
                Assert.Equal(0, loaded.Responses[0].PartitionResponses[0].ErrorCode);
            }
        }
        await using var probe = new LatencyProbe(broker.BootstrapServers);
        await probe.StartAsync();
        var producerConnections = broker.Broker.ConnectionCount;
        var before = ManagedBytes();
        var fetch = Frame(new FetchRequest
        {
            MaxWaitMs = 0,
            MaxBytes = 8 << 20,
            Topics = [new FetchRequest.FetchTopic { Topic = "data", Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 8 << 20 }] }],
        }, 11, 1);
        var produce = Frame(Produce(Batch(10, 1000)), 9, 2);
        var deaf = new List<Socket>();
        long requested = 0;
        try
        {
            for (var i = 0; i < 8; i++)
            {
                deaf.Add(Connect(broker.Broker.LocalEndPoint));
            }
            // Each pipelines up to 500 requests (8 MB fetches and 10 KB produces) and reads nothing back; a send
            // that makes no progress for a second means the broker stopped reading, as it should.
            await Task.WhenAll(deaf.Select((socket, n) => Task.Run(async () =>
            {
                var request = n % 2 == 0 ? fetch : produce;
                for (var i = 0; i < 500; i++)
                {
                    using var stalled = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                    try
                    {
                        await socket.SendAsync(request, SocketFlags.None, stalled.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    Interlocked.Add(ref requested, n % 2 == 0 ? 8 << 20 : 100);
                }
            })));
            await Task.Delay(1000);
            var grown = ManagedBytes() - before;
            output.WriteLine($"8 connections never reading: {requested / (1024 * 1024)} MB of responses asked for, managed heap +{grown / (1024 * 1024)} MB, working set {Environment.WorkingSet / (1024 * 1024)} MB");
            Assert.True(grown < 128L * 1024 * 1024, $"managed heap grew {grown / (1024 * 1024)} MB");
            Assert.True(requested > 4 * grown, "the clients asked for less than the broker could have buffered");
        }
        finally
        {
            CloseAll(deaf);
        }
        await AssertLatencyBoundedAsync(probe, "8 connections pipelining fetches/produces and never reading");
        await Eventually(() => broker.Broker.ConnectionCount == producerConnections, Patience, "deaf connections gone");
    }

    [Fact]
    public async Task With_a_small_queued_max_request_bytes_large_produces_from_many_connections_are_served_in_turn_within_the_budget()
    {
        const int budget = 512 * 1024;
        await using var broker = await StartAsync(new() { [BrokerConfigs.QueuedMaxRequestBytes] = budget.ToString(CultureInfo.InvariantCulture) });
        await using var probe = new LatencyProbe(broker.BootstrapServers);
        await probe.StartAsync();
        // ~250 KB requests (two fit in the budget, the third overdraws it) to a topic whose max.message.bytes
        // refuses them: the broker reads, reserves and validates every byte, and the disk stays out of the test.
        Assert.Equal(Eddy.Protocol.ErrorCode.None, broker.Broker.Topics.Create("small", 1, new Dictionary<string, string> { ["max.message.bytes"] = "1024" }, false, out _).Error);
        var frame = Frame(Produce(Batch(250, 1000), topic: "small"), 9, 1);
        var largest = frame.Length - 4;
        var connections = new List<Socket>();
        var requests = 0;
        try
        {
            for (var i = 0; i < 8; i++)
            {
                connections.Add(Connect(broker.Broker.LocalEndPoint));
            }
            // 8 connections sending ~250 KB requests back to back for 3 s (at most 2,000 each) against a 512 KB
            // budget. Asynchronous sockets: a client blocked in a send must not hold a thread the broker needs.
            var watch = Stopwatch.StartNew();
            var answered = await Task.WhenAll(connections.Select(async socket =>
            {
                var ok = 0;
                for (var i = 0; i < 2000 && watch.Elapsed < TimeSpan.FromSeconds(3); i++)
                {
                    using var timeout = new CancellationTokenSource(Patience);
                    var response = await CallAsync(socket, frame, timeout.Token);
                    var (_, produced) = RawKafkaClient.Decode<ProduceResponse>(response, ApiKey.Produce, 9);
                    Assert.Equal((short)Eddy.Protocol.ErrorCode.MessageTooLarge, produced.Responses[0].PartitionResponses[0].ErrorCode);
                    ok++;
                }
                return ok;
            }));
            requests = answered.Sum();
            output.WriteLine($"requests answered per connection: {string.Join(", ", answered)}");
            Assert.True(answered.Min() * 3 >= answered.Max(), "a connection was not served in turn");
        }
        finally
        {
            CloseAll(connections);
        }
        var peak = broker.Broker.RequestMemory.PeakUsed;
        output.WriteLine($"queued.max.request.bytes={budget}: {requests} produces of {largest} bytes from 8 connections, peak reserved {peak} bytes (budget + one request = {budget + largest})");
        Assert.InRange(peak, largest, budget + largest);
        // The producer's requests share the budget and queue behind the large ones in arrival order, so its bound
        // is the queue's: a few large requests' service time, not the attack's length.
        await AssertLatencyBoundedAsync(probe, $"8 connections producing 250 KB requests against queued.max.request.bytes={budget}", TimeSpan.FromSeconds(5));
        await Eventually(() => broker.Broker.RequestMemory.Used == 0, Patience, "every reservation returned");
    }
}
