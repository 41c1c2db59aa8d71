using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace Eddy.Broker.Network;

/// <summary>
/// One client connection. Requests are read as size-prefixed frames and answered strictly in order, one at a
/// time, as Kafka does (the client pipelines; the broker never reorders). A frame that cannot be a valid request
/// (bad size, unknown API, unsupported version, undecodable body) closes the connection, as Kafka closes it,
/// and nothing else is affected.
/// </summary>
internal sealed partial class KafkaConnection
{
    private const int InitialBufferSize = 64 * 1024;
    private const int ShrinkAboveBytes = 1024 * 1024;

    private readonly Socket _socket;
    private readonly RequestDispatcher _dispatcher;
    private readonly int _maxRequestBytes;
    private readonly ILogger _logger;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    private int _start;
    private int _end;

    public KafkaConnection(Socket socket, RequestDispatcher dispatcher, int maxRequestBytes, ILogger logger)
    {
        _socket = socket;
        _dispatcher = dispatcher;
        _maxRequestBytes = maxRequestBytes;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var remote = _socket.RemoteEndPoint;
        await using var stream = new NetworkStream(_socket, ownsSocket: true);
        using var writer = new KafkaWriter(InitialBufferSize);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!await FillAsync(stream, 4, cancellationToken))
                {
                    break;
                }
                var size = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start));
                if (size < 0 || size > _maxRequestBytes)
                {
                    LogFrameTooLarge(remote, size, _maxRequestBytes);
                    break;
                }
                _start += 4;
                if (!await FillAsync(stream, size, cancellationToken))
                {
                    break;
                }
                var frame = _buffer.AsMemory(_start, size);
                _start += size;
                if (!await ProcessAsync(frame, stream, writer, remote, cancellationToken))
                {
                    break;
                }
                ShrinkIfIdle(writer);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the broker is stopping.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private async ValueTask<bool> ProcessAsync(Memory<byte> frame, NetworkStream stream, KafkaWriter writer, System.Net.EndPoint? remote, CancellationToken cancellationToken)
    {
        var decoded = Decode(frame, remote);
        switch (decoded.Outcome)
        {
            case DecodeOutcome.Close:
                return false;
            case DecodeOutcome.UnsupportedApiVersions:
                await SendAsync(stream, writer, decoded.Context!, UnsupportedApiVersionsResponse(), 0, cancellationToken);
                return true;
        }
        var context = decoded.Context!;
        IApiMessage? response;
        try
        {
            response = await _dispatcher.DispatchAsync(context, decoded.Request!, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogHandlerFailed(e, context.ApiKey, context.ApiVersion, remote);
            return false;
        }
        if (response is not null)
        {
            await SendAsync(stream, writer, context, response, context.ApiVersion, cancellationToken);
        }
        return true;
    }

    private enum DecodeOutcome
    {
        Ok,
        Close,
        UnsupportedApiVersions,
    }

    private readonly record struct Decoded(DecodeOutcome Outcome, RequestContext? Context, IApiMessage? Request);

    private Decoded Decode(Memory<byte> frame, System.Net.EndPoint? remote)
    {
        try
        {
            var reader = new KafkaReader(frame);
            var apiKey = (ApiKey)reader.ReadInt16();
            var version = reader.ReadInt16();
            var correlationId = reader.ReadInt32();
            var clientId = reader.ReadNullableString();
            var context = new RequestContext(apiKey, version, correlationId, clientId, remote);
            if (!_dispatcher.CanHandle(apiKey))
            {
                LogUnknownApi(remote, (short)apiKey, version);
                return new(DecodeOutcome.Close, context, null);
            }
            if (!SupportedApis.IsSupported(apiKey, version))
            {
                if (apiKey == ApiKey.ApiVersions)
                {
                    return new(DecodeOutcome.UnsupportedApiVersions, context, null);
                }
                LogUnsupportedVersion(remote, apiKey, version);
                return new(DecodeOutcome.Close, context, null);
            }
            if (ApiMessages.IsFlexibleRequest(apiKey, version))
            {
                reader.SkipTaggedFields();
            }
            var request = ApiMessages.CreateRequest(apiKey)!;
            request.Read(ref reader, version);
            return new(DecodeOutcome.Ok, context, request);
        }
        catch (Exception e) when (e is KafkaProtocolException or OverflowException)
        {
            LogMalformed(remote, e.Message);
            return new(DecodeOutcome.Close, null, null);
        }
    }

    /// <summary>Kafka's answer to an ApiVersions version it does not know: v0 body, error 35, and its ranges.</summary>
    private static ApiVersionsResponse UnsupportedApiVersionsResponse()
    {
        var range = SupportedApis.Versions[ApiKey.ApiVersions];
        return new ApiVersionsResponse
        {
            ErrorCode = (short)ErrorCode.UnsupportedVersion,
            ApiKeys = [new ApiVersionsResponse.ApiVersion { ApiKey = (short)ApiKey.ApiVersions, MinVersion = range.Min, MaxVersion = range.Max }],
        };
    }

    private static async ValueTask SendAsync(NetworkStream stream, KafkaWriter writer, RequestContext context, IApiMessage response, short version, CancellationToken cancellationToken)
    {
        writer.Reset();
        writer.DeferLargeRecords = true;
        var sizeAt = writer.ReserveInt32();
        writer.WriteInt32(context.CorrelationId);
        // ApiVersions always answers with response header v0, even in flexible versions.
        if (context.ApiKey != ApiKey.ApiVersions && response.IsFlexible(version))
        {
            writer.WriteUnsignedVarInt(0);
        }
        response.Write(writer, version);
        writer.PatchInt32(sizeAt, checked((int)(writer.Position - 4 + writer.DeferredBytes)));
        if (writer.Deferred.Count == 0)
        {
            await stream.WriteAsync(writer.WrittenMemory, cancellationToken);
            return;
        }
        await SendWithDeferredRecordsAsync(stream, writer, cancellationToken);
    }

    // The response's own bytes go out as they are; large records are read in chunks through the receive buffer's
    // pool rather than copied whole into the response buffer.
    private static async ValueTask SendWithDeferredRecordsAsync(NetworkStream stream, KafkaWriter writer, CancellationToken cancellationToken)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            var sent = 0;
            foreach (var (position, records) in writer.Deferred)
            {
                await stream.WriteAsync(writer.WrittenMemory[sent..position], cancellationToken);
                sent = position;
                for (var offset = 0; offset < records.SizeInBytes; offset += chunk.Length)
                {
                    var length = Math.Min(chunk.Length, records.SizeInBytes - offset);
                    records.CopyRange(offset, chunk.AsSpan(0, length));
                    await stream.WriteAsync(chunk.AsMemory(0, length), cancellationToken);
                }
            }
            await stream.WriteAsync(writer.WrittenMemory[sent..], cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Makes at least <paramref name="count"/> unread bytes available; false at end of stream.</summary>
    private async ValueTask<bool> FillAsync(NetworkStream stream, int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return true;
        }
        if (_buffer.Length - _start < count)
        {
            var unread = _end - _start;
            if (_buffer.Length >= count)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, unread);
            }
            else
            {
                var bigger = ArrayPool<byte>.Shared.Rent(count);
                Buffer.BlockCopy(_buffer, _start, bigger, 0, unread);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            _start = 0;
            _end = unread;
        }
        while (_end - _start < count)
        {
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return false;
            }
            _end += read;
        }
        return true;
    }

    // After a large request or response, give the memory back rather than hold it for the connection's life.
    private void ShrinkIfIdle(KafkaWriter writer)
    {
        var unread = _end - _start;
        if (_buffer.Length > ShrinkAboveBytes && unread <= InitialBufferSize)
        {
            var smaller = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
            Buffer.BlockCopy(_buffer, _start, smaller, 0, unread);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = smaller;
            _start = 0;
            _end = unread;
        }
        writer.Reset();
        writer.TrimExcess(ShrinkAboveBytes, InitialBufferSize);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing connection from {Remote}: request size {Size} is outside 0..socket.request.max.bytes ({Max})")]
    private partial void LogFrameTooLarge(System.Net.EndPoint? remote, int size, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing connection from {Remote}: unknown API key {ApiKey} (version {Version})")]
    private partial void LogUnknownApi(System.Net.EndPoint? remote, short apiKey, short version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing connection from {Remote}: {ApiKey} version {Version} is not supported")]
    private partial void LogUnsupportedVersion(System.Net.EndPoint? remote, ApiKey apiKey, short version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing connection from {Remote}: malformed request: {Reason}")]
    private partial void LogMalformed(System.Net.EndPoint? remote, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Closing connection from {Remote}: {ApiKey} v{Version} handler failed")]
    private partial void LogHandlerFailed(Exception exception, ApiKey apiKey, short version, System.Net.EndPoint? remote);
}
