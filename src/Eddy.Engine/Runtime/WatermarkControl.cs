using System.Buffers.Binary;

namespace Eddy.Engine.Runtime;

/// <summary>
/// A watermark travelling through a repartition topic: upstream task <see cref="UpstreamTask"/> has reached
/// <see cref="Watermark"/> (or is idle). The runtime writes it to every partition of the topic as a control record;
/// a downstream task takes the minimum over all upstream tasks that are not idle.
/// </summary>
public readonly record struct WatermarkControl(int UpstreamTask, long Watermark, bool Idle)
{
    /// <summary>The header that marks a repartition-topic record as a watermark control record.</summary>
    public const string Header = "eddy.watermark";

    public const int Size = 13;

    /// <summary>[upstream task: int32][watermark: int64][idle: byte], big-endian.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteInt32BigEndian(bytes, UpstreamTask);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(4), Watermark);
        bytes[12] = Idle ? (byte)1 : (byte)0;
        return bytes;
    }

    public static WatermarkControl Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new FormatException($"A watermark control record has {Size} bytes, not {bytes.Length}.");
        }

        return new WatermarkControl(BinaryPrimitives.ReadInt32BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes[4..]), bytes[12] == 1);
    }
}
