using System.Net.Sockets;
using Eddy.Protocol;
using Eddy.Protocol.Framing;

namespace Eddy.Testing;

/// <summary>
/// A bare-bones Kafka client over a socket: sends requests built with Eddy's codec or raw bytes, in chosen
/// chunk sizes, and reads frames back. For protocol tests that real clients cannot express (bad input).
/// </summary>
public sealed class RawKafkaClient : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private int _correlationId;

    public RawKafkaClient(string bootstrap)
    {
        var colon = bootstrap.LastIndexOf(':');
        _client = new TcpClient();
        _client.Connect(bootstrap[..colon], int.Parse(bootstrap[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        _client.NoDelay = true;
        _stream = _client.GetStream();
        _stream.ReadTimeout = 10_000;
    }

    /// <summary>Encodes a full request frame (size, header, body) for the given API version.</summary>
    public byte[] Frame(IApiMessage request, short version, int? correlationId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RequestFrame.Encode(request, version, correlationId ?? ++_correlationId, "raw-test");
    }

    public void Send(byte[] bytes, int chunkSize = int.MaxValue)
    {
        for (var i = 0; i < bytes.Length; i += chunkSize)
        {
            _stream.Write(bytes, i, Math.Min(chunkSize, bytes.Length - i));
            _stream.Flush();
            if (chunkSize < bytes.Length)
            {
                Thread.Sleep(1);
            }
        }
    }

    /// <summary>Reads one response frame; null when the broker closed the connection.</summary>
    public byte[]? ReceiveFrame()
    {
        var size = new byte[FrameSize.PrefixBytes];
        if (!ReadExactly(size))
        {
            return null;
        }
        var frame = new byte[FrameSize.Read(size)];
        return ReadExactly(frame) ? frame : null;
    }

    private bool ReadExactly(byte[] buffer)
    {
        var read = 0;
        try
        {
            while (read < buffer.Length)
            {
                var n = _stream.Read(buffer, read, buffer.Length - read);
                if (n == 0)
                {
                    return false;
                }
                read += n;
            }
        }
        catch (IOException)
        {
            return false;
        }
        return true;
    }

    /// <summary>Sends a request and decodes the response (its header as <see cref="HeaderVersions"/> dictates).</summary>
    public (int CorrelationId, T Response) Call<T>(IApiMessage request, short version, int chunkSize = int.MaxValue) where T : IApiMessage, new()
    {
        Send(Frame(request, version), chunkSize);
        var frame = ReceiveFrame() ?? throw new IOException("The broker closed the connection.");
        return Decode<T>(frame, request.Api, version);
    }

    public static (int CorrelationId, T Response) Decode<T>(byte[] frame, ApiKey api, short version) where T : IApiMessage, new()
    {
        var response = ResponseFrame.Decode<T>(frame, api, version, out var correlationId);
        return (correlationId, response);
    }

    /// <summary>True when a read would not block (a response, or the end of the stream) within <paramref name="timeout"/>.</summary>
    public bool WaitReadable(TimeSpan timeout) => _client.Client.Poll((int)Math.Min(int.MaxValue, timeout.Ticks / 10), SelectMode.SelectRead);

    /// <summary>True when the broker has closed this connection (a read returns end of stream).</summary>
    public bool IsClosedByBroker() => ReceiveFrame() is null;

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}
