using System.Buffers;

namespace Eddy.Engine;

/// <summary>
/// Writes a sort key as bytes whose unsigned lexicographic order is the key's order, so that a Top-N keeps its rows
/// sorted in its state store and reads the top of a key with one range scan. Top-N has built-in encodings for
/// <see cref="int"/>, <see cref="long"/>, <see cref="float"/>, <see cref="double"/>, <see cref="decimal"/>,
/// <see cref="string"/> (ordinal, by code point), <see cref="DateTime"/> (by ticks), <see cref="DateTimeOffset"/> (by
/// UTC instant) and <see cref="TimeSpan"/>; give an encoder for any other order (a composite key, say).
/// </summary>
/// <remarks>The encoder's bytes may have any length: Top-N escapes and terminates them, so one key's bytes being a prefix of another's is fine.</remarks>
public interface ISortKeyEncoder<in T>
{
    /// <summary>Appends the bytes of <paramref name="value"/>; for keys a &lt; b, a's bytes compare below b's.</summary>
    void Write(T value, IBufferWriter<byte> into);
}
