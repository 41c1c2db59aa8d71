using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Eddy.Cli.Kafka;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Cli.Tests;

/// <summary>
/// The raw protocol client behind `eddy transactions` (Eddy.Protocol.Client): version negotiation against a scripted
/// broker that supports only old versions, and clean errors from listeners that are not what they should be.
/// </summary>
[Trait("Category", "Unit")]
public class TransactionsClientTests
{
    [Theory]
    [InlineData("kafka:0")]
    [InlineData("kafka:x")]
    [InlineData(":9092")]
    public void A_bad_bootstrap_entry_is_a_usage_error(string entry)
    {
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => ProtocolClientFactory.ParseBootstrap(entry)).ExitCode);
    }

    [Fact]
    public async Task An_old_broker_is_asked_at_the_versions_it_supports()
    {
        await using var broker = ScriptedBroker.Start();

        var list = await CliHarness.RunAsync(["transactions", "list", "-b", broker.Bootstrap]);

        Assert.Equal(0, list.ExitCode);
        Assert.Equal("", list.Error);
        Assert.Equal("TransactionalId\tCoordinator\tProducerId\tTransactionState\nlegacy-app     \t7          \t42        \tOngoing\n", list.Out);
        // ApiVersions v4 is refused in v0 form; v2 is what the broker knows. Then the highest of each range, on the
        // same connection: Metadata names the bootstrap address as broker 7.
        (ApiKey, short)[] expected = [(ApiKey.ApiVersions, 4), (ApiKey.ApiVersions, 2), (ApiKey.Metadata, 9), (ApiKey.ListTransactions, 0)];
        Assert.Equal(expected, broker.Requests.ToArray());
    }

    [Fact]
    public async Task A_filter_the_broker_cannot_apply_is_an_error_naming_what_is_missing()
    {
        await using var broker = ScriptedBroker.Start();

        var list = await CliHarness.RunAsync(["transactions", "list", "--duration-ms", "60000", "-b", broker.Bootstrap]);

        Assert.Equal(1, list.ExitCode);
        Assert.Contains("does not support --duration-ms (ListTransactions v1, Kafka 3.8 or later): ListTransactions v1 or later is needed and it supports v0-v0", list.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(broker.Requests, r => r.Api == ApiKey.ListTransactions);

        var describe = await CliHarness.RunAsync(["transactions", "describe", "--transactional-id", "x", "-b", broker.Bootstrap]);
        Assert.Equal(1, describe.ExitCode);
        Assert.Contains("does not support FindCoordinator for transactional ids", describe.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listener_that_hangs_up_is_an_error_line_not_a_stack_trace()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepting = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            _ = await socket.ReceiveAsync(new byte[64]); // the ApiVersions request, unanswered
            socket.Close();
        });
        var bootstrap = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        var list = await CliHarness.RunAsync(["transactions", "list", "-b", bootstrap]);
        await accepting;

        Assert.Equal(1, list.ExitCode);
        Assert.Equal($"error: ApiVersions to {bootstrap} failed: the broker closed the connection\n", list.Error);
    }

    [Fact]
    public async Task Nothing_listening_and_unsupported_security_are_reported_plainly()
    {
        var refused = await CliHarness.RunAsync(["transactions", "list", "-b", "127.0.0.1:1"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("error: cannot connect to 127.0.0.1:1: ", refused.Error, StringComparison.Ordinal);

        var ssl = await CliHarness.RunAsync(["transactions", "list", "-b", "127.0.0.1:1", "-X", "security.protocol=SSL"]);
        Assert.Equal(2, ssl.ExitCode);
        Assert.Contains("security.protocol=SSL is not supported", ssl.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A broker that knows ApiVersions v0-2, Metadata v0-9 and ListTransactions v0 only: it refuses ApiVersions v3+
    /// the way Kafka does (a v0 body with UNSUPPORTED_VERSION) and lists one transaction.
    /// </summary>
    private sealed class ScriptedBroker : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        private ScriptedBroker()
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _accepting = Task.Run(AcceptAsync);
        }

        public int Port { get; }

        public string Bootstrap => $"127.0.0.1:{Port}";

        public ConcurrentQueue<(ApiKey Api, short Version)> Requests { get; } = new();

        public static ScriptedBroker Start() => new();

        private async Task AcceptAsync()
        {
            var connections = new List<Task>();
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    connections.Add(Task.Run(() => ServeAsync(client)));
                }
            }
            catch (OperationCanceledException)
            {
            }
            await Task.WhenAll(connections);
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            var stream = client.GetStream();
            try
            {
                while (true)
                {
                    var size = new byte[4];
                    await stream.ReadExactlyAsync(size, _stop.Token);
                    var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
                    await stream.ReadExactlyAsync(frame, _stop.Token);
                    var response = Answer(frame, out var correlationId, out var api, out var version, out var responseVersion);
                    using var writer = new KafkaWriter();
                    var sizeAt = writer.ReserveInt32();
                    writer.WriteInt32(correlationId);
                    if (api != ApiKey.ApiVersions && response.IsFlexible(responseVersion))
                    {
                        writer.WriteUnsignedVarInt(0);
                    }
                    response.Write(writer, responseVersion);
                    writer.PatchInt32(sizeAt, writer.Position - 4);
                    await stream.WriteAsync(writer.WrittenMemory, _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // the client hung up, or the test is over
            }
        }

        private IApiMessage Answer(byte[] frame, out int correlationId, out ApiKey api, out short version, out short responseVersion)
        {
            api = (ApiKey)BinaryPrimitives.ReadInt16BigEndian(frame);
            version = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(2));
            correlationId = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4));
            Requests.Enqueue((api, version));
            responseVersion = version;
            switch (api)
            {
                case ApiKey.ApiVersions when version > 2:
                    responseVersion = 0;
                    return new ApiVersionsResponse
                    {
                        ErrorCode = (short)ErrorCode.UnsupportedVersion,
                        ApiKeys = [new ApiVersionsResponse.ApiVersion { ApiKey = (short)ApiKey.ApiVersions, MinVersion = 0, MaxVersion = 2 }],
                    };
                case ApiKey.ApiVersions:
                    return new ApiVersionsResponse
                    {
                        ApiKeys =
                        [
                            new ApiVersionsResponse.ApiVersion { ApiKey = (short)ApiKey.ApiVersions, MinVersion = 0, MaxVersion = 2 },
                            new ApiVersionsResponse.ApiVersion { ApiKey = (short)ApiKey.Metadata, MinVersion = 0, MaxVersion = 9 },
                            new ApiVersionsResponse.ApiVersion { ApiKey = (short)ApiKey.ListTransactions, MinVersion = 0, MaxVersion = 0 },
                        ],
                    };
                case ApiKey.Metadata:
                    return new MetadataResponse { Brokers = [new MetadataResponse.MetadataResponseBroker { NodeId = 7, Host = "127.0.0.1", Port = Port }] };
                case ApiKey.ListTransactions:
                    return new ListTransactionsResponse
                    {
                        TransactionStates = [new ListTransactionsResponse.TransactionState { TransactionalId = "legacy-app", ProducerId = 42, TransactionStateValue = "Ongoing" }],
                    };
                default:
                    throw new IOException($"unscripted request {api} v{version}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
