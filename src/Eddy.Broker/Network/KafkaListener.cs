using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Eddy.Broker.Network;

/// <summary>Accepts TCP connections on the Kafka port and runs each as a <see cref="KafkaConnection"/>.</summary>
internal sealed partial class KafkaListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private RequestDispatcher? _dispatcher;
    private readonly int _maxRequestBytes;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, Socket> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>Binds at once (so the port is known); accepts only after <see cref="Start"/>.</summary>
    public KafkaListener(IPEndPoint endPoint, int maxRequestBytes, ILoggerFactory loggerFactory)
    {
        _maxRequestBytes = maxRequestBytes;
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

    public int ConnectionCount => _connections.Count;

    public void Start(RequestDispatcher dispatcher)
    {
        _dispatcher = dispatcher;
        _socket.Listen(512);
        _acceptLoop = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        var connectionLogger = _loggerFactory.CreateLogger<KafkaConnection>();
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                LogAcceptFailed(e);
                continue;
            }
            client.NoDelay = true;
            var connection = new KafkaConnection(client, _dispatcher!, _maxRequestBytes, connectionLogger);
            var task = Task.Run(() => connection.RunAsync(_stopping.Token));
            _connections[task] = client;
            _ = task.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Dispose();
        await _acceptLoop;
        foreach (var (task, socket) in _connections)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed by the peer.
            }
            socket.Dispose();
            await task.ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepting a connection failed")]
    private partial void LogAcceptFailed(Exception exception);
}
