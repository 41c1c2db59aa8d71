namespace Eddy.Protocol;

/// <summary>Zig-zag varints over spans, for walking records inside a batch without a reader or exceptions.</summary>
public static class VarInts
{
    public static bool TryReadVarInt(ReadOnlySpan<byte> span, ref int position, out int value)
    {
        uint raw = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= span.Length)
            {
                break;
            }
            var b = span[position++];
            raw |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                value = (int)(raw >> 1) ^ -(int)(raw & 1);
                return true;
            }
        }
        value = 0;
        return false;
    }

    public static bool TryReadVarLong(ReadOnlySpan<byte> span, ref int position, out long value)
    {
        ulong raw = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (position >= span.Length)
            {
                break;
            }
            var b = span[position++];
            raw |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                value = (long)(raw >> 1) ^ -(long)(raw & 1);
                return true;
            }
        }
        value = 0;
        return false;
    }

    public static int WriteVarInt(Span<byte> destination, int value) => WriteVarLong(destination, value);

    public static int WriteVarLong(Span<byte> destination, long value)
    {
        var raw = (ulong)((value << 1) ^ (value >> 63));
        var n = 0;
        while (raw >= 0x80)
        {
            destination[n++] = (byte)(raw | 0x80);
            raw >>= 7;
        }
        destination[n++] = (byte)raw;
        return n;
    }

    public static int SizeOfVarLong(long value)
    {
        var raw = (ulong)((value << 1) ^ (value >> 63));
        var n = 1;
        while (raw >= 0x80)
        {
            raw >>= 7;
            n++;
        }
        return n;
    }
}
