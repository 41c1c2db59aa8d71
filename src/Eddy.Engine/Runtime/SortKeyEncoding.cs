using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Eddy.Engine.Runtime;

/// <summary>
/// An order-preserving, prefix-free byte encoding of sort keys: encoded keys compare (unsigned, byte by byte) as the
/// keys do, and no encoding is a proper prefix of another, so a range scan over [group][sort key] finds exactly one
/// sort key's rows, and inverting every byte reverses the order (a descending Top-N). An instance may keep scratch
/// buffers: each operator instance makes its own.
/// </summary>
internal abstract class SortKeyEncoding<T>
{
    public abstract void Write(T value, IBufferWriter<byte> into);
}

/// <summary>The built-in sort key encodings, and the escaping that makes a user's encoder prefix-free.</summary>
internal static class SortKeyEncodings
{
    /// <summary>Makes a fresh encoding per call (per operator instance), or returns null when the type has no built-in one.</summary>
    public static Func<SortKeyEncoding<T>>? For<T>(ISortKeyEncoder<T>? custom)
    {
        if (custom is not null)
        {
            return () => new EscapedEncoding<T>(custom);
        }

        object? encoding = typeof(T) switch
        {
            var t when t == typeof(long) => new Int64Encoding(),
            var t when t == typeof(int) => new Int32Encoding(),
            var t when t == typeof(double) => new DoubleEncoding(),
            var t when t == typeof(float) => new SingleEncoding(),
            var t when t == typeof(decimal) => new DecimalEncoding(),
            var t when t == typeof(string) => new StringEncoding(),
            var t when t == typeof(DateTime) => new DateTimeEncoding(),
            var t when t == typeof(DateTimeOffset) => new DateTimeOffsetEncoding(),
            var t when t == typeof(TimeSpan) => new TimeSpanEncoding(),
            _ => null,
        };
        // The built-in encodings keep no scratch state: one instance serves every operator.
        return encoding is SortKeyEncoding<T> builtIn ? () => builtIn : null;
    }

    /// <summary>Sign-flipped big-endian: unsigned byte order is signed order.</summary>
    private static void WriteInt64(long value, IBufferWriter<byte> into)
    {
        BinaryPrimitives.WriteUInt64BigEndian(into.GetSpan(8), unchecked((ulong)(value ^ long.MinValue)));
        into.Advance(8);
    }

    /// <summary>
    /// Escapes 0x00 as 0x00 0xFF and ends with 0x00 0x00: the end sorts below any continuation, so order is kept and no
    /// encoding is a prefix of another.
    /// </summary>
    private static void WriteEscaped(ReadOnlySpan<byte> bytes, IBufferWriter<byte> into)
    {
        var zeros = bytes.Count((byte)0);
        var span = into.GetSpan(bytes.Length + zeros + 2);
        var at = 0;
        foreach (var b in bytes)
        {
            span[at++] = b;
            if (b == 0)
            {
                span[at++] = 0xFF;
            }
        }

        span[at++] = 0;
        span[at++] = 0;
        into.Advance(at);
    }

    private sealed class Int64Encoding : SortKeyEncoding<long>
    {
        public override void Write(long value, IBufferWriter<byte> into) => WriteInt64(value, into);
    }

    private sealed class Int32Encoding : SortKeyEncoding<int>
    {
        public override void Write(int value, IBufferWriter<byte> into)
        {
            BinaryPrimitives.WriteUInt32BigEndian(into.GetSpan(4), unchecked((uint)(value ^ int.MinValue)));
            into.Advance(4);
        }
    }

    /// <summary>IEEE bits with the sign flipped for positives and every bit flipped for negatives; -0 is 0, NaN sorts last.</summary>
    private sealed class DoubleEncoding : SortKeyEncoding<double>
    {
        public override void Write(double value, IBufferWriter<byte> into)
        {
            var bits = double.IsNaN(value) ? long.MaxValue : BitConverter.DoubleToInt64Bits(value == 0 ? 0d : value);
            var ordered = bits < 0 ? ~(ulong)bits : (ulong)bits | (1UL << 63);
            BinaryPrimitives.WriteUInt64BigEndian(into.GetSpan(8), ordered);
            into.Advance(8);
        }
    }

    private sealed class SingleEncoding : SortKeyEncoding<float>
    {
        public override void Write(float value, IBufferWriter<byte> into)
        {
            var bits = float.IsNaN(value) ? int.MaxValue : BitConverter.SingleToInt32Bits(value == 0 ? 0f : value);
            var ordered = bits < 0 ? ~(uint)bits : (uint)bits | (1U << 31);
            BinaryPrimitives.WriteUInt32BigEndian(into.GetSpan(4), ordered);
            into.Advance(4);
        }
    }

    /// <summary>
    /// A sign byte, then the magnitude's integer part and its fraction scaled by 10^28 (both exact, below 2^96) as
    /// 16-byte big-endian integers, inverted for negatives: fixed width, so prefix-free.
    /// </summary>
    private sealed class DecimalEncoding : SortKeyEncoding<decimal>
    {
        private const decimal FractionScale = 1e28m;

        public override void Write(decimal value, IBufferWriter<byte> into)
        {
            var negative = value < 0;
            var magnitude = Math.Abs(value);
            var integer = decimal.Truncate(magnitude);
            var fraction = (magnitude - integer) * FractionScale;
            var span = into.GetSpan(33);
            span[0] = negative ? (byte)0 : (byte)1;
            BinaryPrimitives.WriteUInt128BigEndian(span[1..], (UInt128)integer);
            BinaryPrimitives.WriteUInt128BigEndian(span[17..], (UInt128)decimal.Truncate(fraction));
            if (negative)
            {
                for (var i = 1; i < 33; i++)
                {
                    span[i] = (byte)~span[i];
                }
            }

            into.Advance(33);
        }
    }

    /// <summary>UTF-8 (whose byte order is code point order), escaped and terminated.</summary>
    private sealed class StringEncoding : SortKeyEncoding<string>
    {
        public override void Write(string value, IBufferWriter<byte> into)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            var bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
            Encoding.UTF8.GetBytes(value, bytes);
            WriteEscaped(bytes, into);
        }
    }

    private sealed class DateTimeEncoding : SortKeyEncoding<DateTime>
    {
        public override void Write(DateTime value, IBufferWriter<byte> into) => WriteInt64(value.Ticks, into);
    }

    private sealed class DateTimeOffsetEncoding : SortKeyEncoding<DateTimeOffset>
    {
        public override void Write(DateTimeOffset value, IBufferWriter<byte> into) => WriteInt64(value.UtcTicks, into);
    }

    private sealed class TimeSpanEncoding : SortKeyEncoding<TimeSpan>
    {
        public override void Write(TimeSpan value, IBufferWriter<byte> into) => WriteInt64(value.Ticks, into);
    }

    private sealed class EscapedEncoding<T>(ISortKeyEncoder<T> encoder) : SortKeyEncoding<T>
    {
        private readonly ArrayBufferWriter<byte> _raw = new();

        public override void Write(T value, IBufferWriter<byte> into)
        {
            _raw.ResetWrittenCount();
            encoder.Write(value, _raw);
            WriteEscaped(_raw.WrittenSpan, into);
        }
    }
}
