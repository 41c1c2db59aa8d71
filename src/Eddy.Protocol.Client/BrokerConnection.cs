using System.Buffers.Binary;
using System.Net.Sockets;
using Eddy.Protocol.Framing;
using Eddy.Protocol.Messages;

namespace Eddy.Protocol.Client;

/// <summary>
/// One plaintext connection to one Kafka broker, speaking the wire protocol with Eddy's generated messages: the
/// ApiVersions handshake on connect (falling back as a broker that does not know our ApiVersions version asks),
/// then one request at a time, each sent at the highest version both sides support. For the admin APIs that
/// Confluent.Kafka does not expose (ListTransactions, DescribeTransactions, DescribeProducers), and for any raw
/// request through <see cref="SendAsync{TResponse}"/>.
/// </summary>
public sealed class BrokerConnection : IDisposable, IAsyncDisposable
{
    // A response larger than this is not an admin answer but a misread length (e.g. a TLS listener's bytes).
    private const int MaxFrameBytes = 256 * 1024 * 1024;

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly KafkaClientOptions _options;
    private readonly TimeSpan _requestTimeout;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<ApiKey, (short Min, short Max)> _brokerVersions = [];
    private int _correlationId;
    private bool _broken;

    private BrokerConnection(TcpClient client, string endpoint, KafkaClientOptions options)
    {
        _client = client;
        _stream = client.GetStream();
        Endpoint = endpoint;
        _options = options;
        _requestTimeout = options.RequestTimeout;
    }

    /// <summary>host:port as connected to.</summary>
    public string Endpoint { get; }

    /// <summary>False once a request failed midway (timeout, closed socket, undecodable answer): the stream is out of step.</summary>
    public bool IsUsable => !_broken && _client.Connected;

    /// <summary>The API version ranges the broker advertised in ApiVersions.</summary>
    public IReadOnlyDictionary<ApiKey, (short Min, short Max)> BrokerVersions => _brokerVersions;

    /// <summary>Connects and negotiates API versions; connection failures are <see cref="KafkaClientException"/>s naming the address.</summary>
    public static async Task<BrokerConnection> ConnectAsync(BrokerAddress address, KafkaClientOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(options);
        var requestTimeout = options.RequestTimeout;
        var client = new TcpClient { NoDelay = true };
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(requestTimeout);
                try
                {
                    await client.ConnectAsync(address.Host, address.Port, timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new KafkaClientException(ErrorCode.NetworkException, $"cannot connect to {address}: no answer within {requestTimeout.TotalSeconds:0.#} s");
                }
                catch (SocketException e)
                {
                    throw new KafkaClientException(ErrorCode.NetworkException, $"cannot connect to {address}: {e.Message}", e);
                }
            }
            var connection = new BrokerConnection(client, address.ToString(), options);
            await connection.NegotiateAsync(cancellationToken);
            return connection;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The highest version of <paramref name="api"/> that both the broker and this client's codec support, at least
    /// <paramref name="minimum"/>; null when there is none.
    /// </summary>
    public short? VersionFor(ApiKey api, short minimum = 0) =>
        NegotiateVersion(_brokerVersions.TryGetValue(api, out var broker) ? broker : null, ApiMessages.CodecVersions(api), minimum);

    /// <summary>
    /// Like <see cref="VersionFor"/>, but a broker without a usable version is a <see cref="KafkaClientException"/>
    /// (<see cref="ErrorCode.UnsupportedVersion"/>):
    /// "the broker at host:port does not support &lt;what&gt; (API ... vN or later)".
    /// </summary>
    public short RequireVersion(ApiKey api, string what, short minimum = 0)
    {
        if (VersionFor(api, minimum) is { } version)
        {
            return version;
        }
        var advertised = _brokerVersions.TryGetValue(api, out var range) ? $"it supports v{range.Min}-v{range.Max}" : "it does not list the API";
        throw new KafkaClientException(ErrorCode.UnsupportedVersion, $"the broker at {Endpoint} does not support {what}: {api} v{minimum} or later is needed and {advertised}");
    }

    /// <summary>The highest version in both ranges, at least <paramref name="minimum"/>, or null.</summary>
    internal static short? NegotiateVersion((short Min, short Max)? broker, (short Min, short Max) codec, short minimum)
    {
        if (broker is not { } b || codec.Min < 0)
        {
            return null;
        }
        var highest = Math.Min(b.Max, codec.Max);
        var lowest = Math.Max(Math.Max(b.Min, codec.Min), minimum);
        return highest >= lowest ? highest : null;
    }

    /// <summary>Sends one request at <paramref name="version"/> and reads its response.</summary>
    public async Task<TResponse> SendAsync<TResponse>(IApiMessage request, short version, CancellationToken cancellationToken)
        where TResponse : IApiMessage, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!IsUsable)
            {
                throw new KafkaClientException(ErrorCode.NetworkException, $"the connection to {Endpoint} was lost");
            }
            var frame = await ExchangeAsync(request, version, cancellationToken);
            try
            {
                return Decode<TResponse>(frame, request.Api, version);
            }
            catch (Exception e) when (e is KafkaProtocolException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
            {
                _broken = true;
                throw new KafkaClientException(ErrorCode.CorruptMessage, $"could not read the {request.Api} v{version} response from {Endpoint}: {e.Message}", e);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Decodes a response frame (without its size prefix), its header as <see cref="HeaderVersions"/> says.</summary>
    internal static TResponse Decode<TResponse>(ReadOnlyMemory<byte> frame, ApiKey api, short version) where TResponse : IApiMessage, new() =>
        ResponseFrame.Decode<TResponse>(frame, api, version, out _); // the correlation id was checked by the exchange

    // ApiVersions at the highest version this client knows. A broker that does not know it answers in v0 with
    // UNSUPPORTED_VERSION and its own ApiVersions range; ask again at the highest version of that range.
    private async Task NegotiateAsync(CancellationToken cancellationToken)
    {
        var version = ApiVersionsRequest.HighestVersion;
        for (var attempt = 0; ; attempt++)
        {
            var request = new ApiVersionsRequest { ClientSoftwareName = _options.SoftwareName, ClientSoftwareVersion = _options.SoftwareVersion };
            var frame = await ExchangeAsync(request, version, cancellationToken);
            ApiVersionsResponse response;
            try
            {
                // The error code comes first in every version; an UNSUPPORTED_VERSION answer is always a v0 body.
                var unsupported = frame.Length >= 6 && BinaryPrimitives.ReadInt16BigEndian(frame.Span[4..]) == (short)ErrorCode.UnsupportedVersion;
                response = Decode<ApiVersionsResponse>(frame, ApiKey.ApiVersions, unsupported ? (short)0 : version);
            }
            catch (Exception e) when (e is KafkaProtocolException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
            {
                _broken = true;
                throw new KafkaClientException(ErrorCode.CorruptMessage,
                    $"{Endpoint} did not answer ApiVersions as a Kafka broker does ({e.Message}); is it a Kafka listener without TLS or SASL?", e);
            }
            if (response.ErrorCode == (short)ErrorCode.UnsupportedVersion && attempt == 0
                && response.ApiKeys.FirstOrDefault(k => k.ApiKey == (short)ApiKey.ApiVersions) is { } range)
            {
                var fallback = Math.Min(range.MaxVersion, version);
                if (fallback < version && fallback >= 0)
                {
                    version = fallback;
                    continue;
                }
            }
            if (response.ErrorCode != 0)
            {
                throw new KafkaClientException((ErrorCode)response.ErrorCode, $"{Endpoint} refused ApiVersions: {ProtocolErrors.Format(response.ErrorCode, null)}");
            }
            _brokerVersions = response.ApiKeys
                .Where(k => Enum.IsDefined((ApiKey)k.ApiKey))
                .GroupBy(k => (ApiKey)k.ApiKey)
                .ToDictionary(g => g.Key, g => (g.First().MinVersion, g.First().MaxVersion));
            return;
        }
    }

    // Writes one request and reads the frame that answers it (correlation id checked).
    private async Task<ReadOnlyMemory<byte>> ExchangeAsync(IApiMessage request, short version, CancellationToken cancellationToken)
    {
        var correlationId = ++_correlationId;
        var bytes = RequestFrame.Encode(request, version, correlationId, _options.ClientId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        try
        {
            await _stream.WriteAsync(bytes, timeout.Token);
            var size = new byte[FrameSize.PrefixBytes];
            await _stream.ReadExactlyAsync(size, timeout.Token);
            var length = FrameSize.Read(size);
            if (length is < 4 or > MaxFrameBytes)
            {
                _broken = true;
                throw new KafkaClientException(ErrorCode.CorruptMessage, $"{Endpoint} sent a {length}-byte frame in answer to {request.Api}; is it a Kafka listener without TLS or SASL?");
            }
            var frame = new byte[length];
            await _stream.ReadExactlyAsync(frame, timeout.Token);
            var answered = BinaryPrimitives.ReadInt32BigEndian(frame);
            if (answered != correlationId)
            {
                _broken = true;
                throw new KafkaClientException(ErrorCode.CorruptMessage, $"{Endpoint} answered request {answered} while {correlationId} ({request.Api}) was expected");
            }
            return frame;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _broken = true;
            throw new KafkaClientException(ErrorCode.RequestTimedOut, $"{Endpoint} did not answer {request.Api} within {_requestTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _broken = true;
            var reason = e is EndOfStreamException ? "the broker closed the connection" : e.Message;
            throw new KafkaClientException(ErrorCode.NetworkException, $"{request.Api} to {Endpoint} failed: {reason}", e);
        }
        catch (OperationCanceledException)
        {
            _broken = true;
            throw;
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        _broken = true;
        _stream.Dispose();
        _client.Dispose();
    }

    /// <summary>Closes the connection.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
