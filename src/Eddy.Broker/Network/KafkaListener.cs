using Eddy.Broker.Metrics;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Eddy.Broker.Network;

/// <summary>The listener's limits, by their Kafka keys (see docs/compatibility.md#connection-limits).</summary>
internal sealed record ConnectionLimits(
    int MaxRequestBytes = 104857600,
    int MaxConnections = int.MaxValue,
    int MaxConnectionsPerIp = int.MaxValue,
    long MaxIdleMs = 600000,
    long QueuedMaxRequestBytes = -1);

/// <summary>
/// Accepts TCP connections on the Kafka port and runs each as a <see cref="KafkaConnection"/>, within Kafka's
/// connection limits: at max.connections the accept loop stops accepting (new connections wait in the OS backlog)
/// until one closes; a connection over max.connections.per.ip is accepted and closed at once; connections silent
/// for connections.max.idle.ms are closed; queued.max.request.bytes is shared by all connections.
/// </summary>
internal sealed partial class KafkaListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private RequestDispatcher? _dispatcher;
    private volatile ConnectionLimits _limits;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<KafkaConnection, IPAddress> _connections = new();
    private readonly Dictionary<IPAddress, int> _perIp = [];
    // max.connections: _open connections hold a slot; the accept loop waits on _slotFreed (released when one closes or
    // the limit changes) while _open is at the limit. A count, not a semaphore of slots, so the limit can change.
    private int _open;
    private readonly SemaphoreSlim _slotFreed = new(0);
    private Task _acceptLoop = Task.CompletedTask;
    private Task _idleSweep = Task.CompletedTask;
    private int _inFlight;

    /// <summary>Binds at once (so the port is known); accepts only after <see cref="Start"/>.</summary>
    public KafkaListener(IPEndPoint endPoint, ConnectionLimits limits, ILoggerFactory loggerFactory, BrokerMetrics? metrics = null)
    {
        _limits = limits;
        Metrics = metrics;
        RequestMemory = new RequestMemoryPool(limits.QueuedMaxRequestBytes);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<KafkaListener>();
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // SO_REUSEADDR alone, so a restarted broker can bind over connections in TIME_WAIT. .NET's ReuseAddress
        // option would also set SO_REUSEPORT on Linux, letting a second broker share the port silently.
        if (!OperatingSystem.IsWindows())
        {
            const int SolSocket = 1, SoReuseAddr = 2;
            _socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        }
        if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = true;
        }
        _socket.Bind(endPoint);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Where connections count their requests; null when the broker runs without metrics (unit tests).</summary>
    public BrokerMetrics? Metrics { get; }

    public int MaxRequestBytes => _limits.MaxRequestBytes;

    public RequestMemoryPool RequestMemory { get; }

    public int ConnectionCount => _connections.Count;

    /// <summary>Requests whose handler has started and not yet returned, across connections.</summary>
    public int InFlightRequests => Volatile.Read(ref _inFlight);

    internal void RequestStarted() => Interlocked.Increment(ref _inFlight);

    internal void RequestEnded() => Interlocked.Decrement(ref _inFlight);

    public void Start(RequestDispatcher dispatcher)
    {
        _dispatcher = dispatcher;
        _socket.Listen(512);
        _acceptLoop = AcceptLoopAsync();
        _idleSweep = SweepIdleAsync();
    }

    private async Task AcceptLoopAsync()
    {
        var connectionLogger = _loggerFactory.CreateLogger<KafkaConnection>();
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                // max.connections: as Kafka's acceptor, take a slot before accepting; at the limit new connections
                // wait in the OS backlog, unanswered, until one closes.
                while (Volatile.Read(ref _open) >= _limits.MaxConnections)
                {
                    await _slotFreed.WaitAsync(_stopping.Token);
                }
                Interlocked.Increment(ref _open);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                client = await _socket.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                ReleaseSlot();
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                LogAcceptFailed(e);
                continue;
            }
            var address = AddressOf(client);
            if (!TryCountAddress(address))
            {
                LogRejectedPerIp(address, _limits.MaxConnectionsPerIp);
                client.Dispose();
                ReleaseSlot();
                continue;
            }
            client.NoDelay = true;
            var connection = new KafkaConnection(client, this, _dispatcher!, connectionLogger, _stopping.Token);
            _connections[connection] = address;
            connection.Completion = Task.Run(() => RunAsync(connection, address));
        }
    }

    private void ReleaseSlot()
    {
        Interlocked.Decrement(ref _open);
        _slotFreed.Release();
    }

    /// <summary>
    /// max.connections and max.connections.per.ip changed at run time (dynamic broker configs, as Kafka allows): a
    /// higher limit lets waiting connections in at once; a lower one admits no new connection until enough have
    /// closed, and closes none (as Kafka).
    /// </summary>
    public void UpdateLimits(int maxConnections, int maxConnectionsPerIp)
    {
        _limits = _limits with { MaxConnections = maxConnections, MaxConnectionsPerIp = maxConnectionsPerIp };
        _slotFreed.Release();
    }

    private async Task RunAsync(KafkaConnection connection, IPAddress address)
    {
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            UncountAddress(address);
            ReleaseSlot();
        }
    }

    private static IPAddress AddressOf(Socket client)
    {
        var address = (client.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    private bool TryCountAddress(IPAddress address)
    {
        lock (_perIp)
        {
            var count = _perIp.GetValueOrDefault(address);
            if (count >= _limits.MaxConnectionsPerIp)
            {
                return false;
            }
            _perIp[address] = count + 1;
            return true;
        }
    }

    private void UncountAddress(IPAddress address)
    {
        lock (_perIp)
        {
            if (--_perIp[address] == 0)
            {
                _perIp.Remove(address);
            }
        }
    }

    // connections.max.idle.ms: checked a few times per idle period (at most once a second), so a connection is
    // closed between the limit and the limit plus one check.
    private async Task SweepIdleAsync()
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_limits.MaxIdleMs / 4, 10, 1000));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                var now = Environment.TickCount64;
                foreach (var connection in _connections.Keys)
                {
                    if (connection.IsIdleLongerThan(now, _limits.MaxIdleMs))
                    {
                        LogIdleClosed(connection.RemoteEndPoint, _limits.MaxIdleMs);
                        connection.Close();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Dispose();
        await _acceptLoop;
        await _idleSweep;
        foreach (var connection in _connections.Keys)
        {
            connection.Close();
            await connection.Completion.ConfigureAwait(false);
        }
        _stopping.Dispose();
        _slotFreed.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepting a connection failed")]
    private partial void LogAcceptFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected connection from {Address}, address already has the configured maximum of {Max} connections.")]
    private partial void LogRejectedPerIp(IPAddress address, int max);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing connection from {Remote}: idle for more than connections.max.idle.ms ({IdleMs} ms)")]
    private partial void LogIdleClosed(EndPoint? remote, long idleMs);
}
