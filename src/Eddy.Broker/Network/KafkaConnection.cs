using System.Buffers;
using System.Net.Sockets;
using Eddy.Protocol;
using Eddy.Protocol.Framing;
using Eddy.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace Eddy.Broker.Network;

/// <summary>
/// One client connection. Requests are read as size-prefixed frames and answered strictly in order, one at a
/// time, as Kafka does (the client pipelines; the broker never reorders). A frame that cannot be a valid request
/// (bad size, unknown API, unsupported version, undecodable body) closes the connection, as Kafka closes it,
/// and nothing else is affected.
/// <para>
/// What a connection may cost the broker is bounded: the next request is not read before the response to the
/// previous one is written (Kafka mutes a connection with a request in flight), so a client that never reads its
/// responses holds one response and stalls only itself; bytes read ahead while a handler waits stay within the
/// receive buffer; the buffer grows with the bytes that arrive, not with the size a frame announces; and an idle
/// connection holds no receive buffer at all. The connection's closed token is what handlers get: it fires when
/// the peer disconnects while a handler waits (a long-poll Fetch, a JoinGroup), when the connection is idle too
/// long, and when the broker stops.
/// </para>
/// </summary>
internal sealed partial class KafkaConnection
{
    private const int InitialBufferSize = 64 * 1024;
    private const int ShrinkAboveBytes = 1024 * 1024;
    private const int IdleWriterBytes = 4096;

    private readonly Socket _socket;
    private readonly KafkaListener _owner;
    private readonly RequestDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closed;
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private long _lastActivity = Environment.TickCount64;
    private int _busy;

    public KafkaConnection(Socket socket, KafkaListener owner, RequestDispatcher dispatcher, ILogger logger, CancellationToken stopping)
    {
        _socket = socket;
        _owner = owner;
        _dispatcher = dispatcher;
        _logger = logger;
        _closed = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        RemoteEndPoint = socket.RemoteEndPoint;
    }

    public System.Net.EndPoint? RemoteEndPoint { get; }

    /// <summary>The connection's run, set by the listener once started.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>
    /// How long no byte has been read or written, for connections.max.idle.ms; zero while a handler works on a
    /// request or the connection waits for request memory (the broker, not the client, is then the one silent).
    /// </summary>
    public long IdleMilliseconds(long now) => Volatile.Read(ref _busy) > 0 ? 0 : now - Volatile.Read(ref _lastActivity);

    /// <summary>
    /// Whether the connection has been idle longer than <paramref name="limitMs"/> (connections.max.idle.ms). Bytes
    /// the client has sent that the connection has not read yet count as activity: the connection's read can lag
    /// behind the client when the thread pool is busy, and closing it then would drop a request that has arrived,
    /// where Kafka's selector marks a connection with bytes ready as active before it closes idle ones.
    /// </summary>
    public bool IsIdleLongerThan(long now, long limitMs) => IdleMilliseconds(now) > limitMs && !HasUnreadBytes();

    private bool HasUnreadBytes()
    {
        try
        {
            return _socket.Available > 0;
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            // Closed meanwhile: nothing more will be read.
            return false;
        }
    }

    /// <summary>Closes the connection from outside (idle, broker stopping): its reads, writes and handler are cancelled.</summary>
    public void Close()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    private void Touch() => Volatile.Write(ref _lastActivity, Environment.TickCount64);

    public async Task RunAsync()
    {
        var remote = RemoteEndPoint;
        var cancellationToken = _closed.Token;
        await using var stream = new NetworkStream(_socket, ownsSocket: true);
        using var writer = new KafkaWriter(IdleWriterBytes);
        var pool = _owner.RequestMemory;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!await FillAsync(stream, FrameSize.PrefixBytes, cancellationToken))
                {
                    break;
                }
                var size = FrameSize.Read(_buffer.AsSpan(_start, FrameSize.PrefixBytes));
                if (size < 0 || size > _owner.MaxRequestBytes)
                {
                    LogFrameTooLarge(remote, size, _owner.MaxRequestBytes);
                    break;
                }
                _start += FrameSize.PrefixBytes;
                if (!pool.IsUnlimited)
                {
                    await ReserveAsync(pool, size, cancellationToken);
                }
                try
                {
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
                }
                finally
                {
                    pool.Release(size);
                }
                ShrinkIfIdle(writer);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, the connection was closed for idleness, or the broker is stopping.
        }
        finally
        {
            Close();
            _closed.Dispose();
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }
            _buffer = [];
        }
    }

    // queued.max.request.bytes: with the budget used up the connection reads nothing until responses free some.
    private async ValueTask ReserveAsync(RequestMemoryPool pool, int size, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _busy);
        try
        {
            await pool.ReserveAsync(size, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _busy);
            Touch();
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
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        IApiMessage? response;
        Interlocked.Increment(ref _busy);
        _owner.RequestStarted();
        try
        {
            var pending = _dispatcher.DispatchAsync(context, decoded.Request!, cancellationToken);
            // Most requests are answered at once; only a handler that waits needs the peer watched meanwhile.
            response = pending.IsCompleted ? await pending : await AwaitWatchingPeerAsync(pending, stream);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogHandlerFailed(e, context.ApiKey, context.ApiVersion, remote);
            return false;
        }
        finally
        {
            _owner.RequestEnded();
            Interlocked.Decrement(ref _busy);
            Touch();
        }
        if (cancellationToken.IsCancellationRequested)
        {
            // The peer left while the handler waited (or the broker is stopping): there is no one to answer.
            return false;
        }
        if (response is not null)
        {
            await SendAsync(stream, writer, context, response, context.ApiVersion, cancellationToken);
        }
        _owner.Metrics?.RequestCompleted(context.ApiKey, started, decoded.Request!, response);
        return true;
    }

    /// <summary>
    /// Awaits a handler that waits (a long-poll Fetch, a JoinGroup) while reading from the socket, so that a peer
    /// that disconnects meanwhile cancels the handler through the closed token at once instead of holding it
    /// until its wait ends. Bytes that arrive are kept for the next requests, up to the receive buffer's free space;
    /// once that is full the connection stops reading, as a muted Kafka connection does.
    /// </summary>
    private async ValueTask<IApiMessage?> AwaitWatchingPeerAsync(ValueTask<IApiMessage?> pending, NetworkStream stream)
    {
        using var handled = new CancellationTokenSource();
        var watch = WatchPeerAsync(stream, handled.Token);
        try
        {
            return await pending;
        }
        finally
        {
            await handled.CancelAsync();
            await watch;
        }
    }

    private async Task WatchPeerAsync(NetworkStream stream, CancellationToken handled)
    {
        try
        {
            while (_end < _buffer.Length && !handled.IsCancellationRequested)
            {
                var read = await stream.ReadAsync(_buffer.AsMemory(_end), handled);
                if (read == 0)
                {
                    Close();
                    return;
                }
                _end += read;
                Touch();
            }
        }
        catch (OperationCanceledException) when (handled.IsCancellationRequested)
        {
            // The handler answered first.
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close();
        }
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
            var header = RequestFrame.ReadHeader(ref reader);
            var (apiKey, version) = (header.ApiKey, header.ApiVersion);
            var context = new RequestContext(apiKey, version, header.CorrelationId, header.ClientId, remote);
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
            RequestFrame.SkipHeaderTaggedFields(ref reader, header);
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

    private async ValueTask SendAsync(NetworkStream stream, KafkaWriter writer, RequestContext context, IApiMessage response, short version, CancellationToken cancellationToken)
    {
        writer.Reset();
        writer.DeferLargeRecords = true;
        // The size counts the deferred record bytes, sent after the writer's buffer below.
        ResponseFrame.Write(writer, context.ApiKey, version, context.CorrelationId, response);
        if (writer.Deferred.Count == 0)
        {
            await stream.WriteAsync(writer.WrittenMemory, cancellationToken);
            Touch();
            return;
        }
        await SendWithDeferredRecordsAsync(stream, writer, cancellationToken);
    }

    // The response's own bytes go out as they are; large records are read in chunks through the receive buffer's
    // pool rather than copied whole into the response buffer.
    private async ValueTask SendWithDeferredRecordsAsync(NetworkStream stream, KafkaWriter writer, CancellationToken cancellationToken)
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
                    Touch();
                }
            }
            await stream.WriteAsync(writer.WrittenMemory[sent..], cancellationToken);
            Touch();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// Makes at least <paramref name="count"/> unread bytes available; false at end of stream. The buffer grows
    /// with the bytes actually received (doubling, up to the frame), so a frame that announces 100 MB and then
    /// trickles costs what it has sent, not what it announced.
    /// </summary>
    private async ValueTask<bool> FillAsync(NetworkStream stream, int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return true;
        }
        if (_buffer.Length == 0)
        {
            // An idle connection holds no receive buffer: a zero-byte read waits for data (or the end) without one.
            _ = await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
            _start = 0;
            _end = 0;
        }
        while (_end - _start < count)
        {
            if (_end == _buffer.Length)
            {
                MakeRoom(count);
            }
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return false;
            }
            _end += read;
            Touch();
        }
        return true;
    }

    /// <summary>Frees space after the unread bytes: moves them to the front, or moves them to a buffer twice as big (at most the frame).</summary>
    private void MakeRoom(int count)
    {
        var unread = _end - _start;
        var target = Math.Min(count, Math.Max(_buffer.Length * 2, InitialBufferSize));
        if (_start > 0 && (_buffer.Length >= target || _start >= _buffer.Length / 2))
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, unread);
        }
        else
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(target, unread + 1));
            Buffer.BlockCopy(_buffer, _start, bigger, 0, unread);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        _start = 0;
        _end = unread;
    }

    // After each request give memory back: all of it when nothing more is waiting on the socket (an idle
    // connection then costs no buffers), or the excess after a large request or response.
    private void ShrinkIfIdle(KafkaWriter writer)
    {
        var unread = _end - _start;
        writer.Reset();
        if (unread == 0 && _socket.Available == 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _start = 0;
            _end = 0;
            writer.TrimExcess(IdleWriterBytes, IdleWriterBytes);
            return;
        }
        if (_buffer.Length > ShrinkAboveBytes && unread <= InitialBufferSize)
        {
            var smaller = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
            Buffer.BlockCopy(_buffer, _start, smaller, 0, unread);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = smaller;
            _start = 0;
            _end = unread;
        }
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
