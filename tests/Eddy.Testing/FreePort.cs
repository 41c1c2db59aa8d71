using System.Net;
using System.Net.Sockets;

namespace Eddy.Testing;

/// <summary>A loopback port nobody listens on now, for a server that must keep its port across restarts.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
