// Compiled by GeneratedCodeTests together with the generated fixture code and Eddy.Protocol's primitives (not part
// of the test assembly): it writes a fully populated WidgetRequest, reads it back and describes what was read.
using System.Globalization;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Protocol.Generator.Probe;

public static class WidgetProbe
{
    public static byte[] Write(short version)
    {
        var request = new WidgetRequest
        {
            OwnerId = "owner",
            Label = "label",
            TimeoutMs = 5,
            Parts = [new() { PartId = 9, Weights = [1, 2], Payload = [7], Finish = new() { Colour = "red", Gloss = 0.5 } }],
            Notes = ["note"],
            Origin = new() { Host = "origin", Port = 1 },
            TraceId = new Uuid(1, 2),
            Priority = 5,
            Fallback = new() { Host = "fallback", Port = 2 },
        };
        using var writer = new KafkaWriter();
        request.Write(writer, version);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Reads <paramref name="bytes"/>, checks that writing it again gives the same bytes, and describes it.</summary>
    public static string ReadBack(byte[] bytes, short version)
    {
        var reader = new KafkaReader(bytes);
        var request = (WidgetRequest)ApiMessages.CreateRequest(ApiKey.Widget)!;
        request.Read(ref reader, version);
        if (reader.Remaining != 0)
        {
            throw new InvalidOperationException($"{reader.Remaining} bytes left unread");
        }
        using var writer = new KafkaWriter();
        request.Write(writer, version);
        if (!writer.WrittenSpan.SequenceEqual(bytes))
        {
            throw new InvalidOperationException("Writing what was read gave other bytes");
        }
        var part = request.Parts.Single();
        var finish = part.Finish is { } f ? $"{f.Colour}/{f.Gloss.ToString(CultureInfo.InvariantCulture)}" : "null";
        return string.Join('|',
            request.OwnerId, request.Label ?? "null", request.TimeoutMs,
            $"{part.PartId}:{string.Join(',', part.Weights)}:{string.Join(',', part.Payload ?? [])}:{finish}",
            request.Notes is null ? "null" : string.Join(',', request.Notes),
            $"{request.Origin.Host}:{request.Origin.Port}",
            request.TraceId.IsZero ? "zero" : "set", request.Priority,
            request.Fallback is { } fb ? $"{fb.Host}:{fb.Port}" : "null");
    }
}
