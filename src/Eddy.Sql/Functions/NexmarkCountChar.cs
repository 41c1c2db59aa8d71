using System.Text;

namespace Eddy.Sql.Functions;

/// <summary>
/// Nexmark's <c>count_char(s, c)</c> (<c>com.github.nexmark.flink.udf.CountChar</c>, which query 14 registers with
/// <c>CREATE FUNCTION</c>): how many bytes of <c>s</c>'s UTF-8 encoding equal the first byte of <c>c</c>'s, 0 for a
/// NULL <c>s</c>, as the Java original counts them.
/// </summary>
public sealed class NexmarkCountChar : ScalarFunction
{
    /// <summary>The count of <paramref name="character"/>'s first UTF-8 byte in <paramref name="text"/>'s UTF-8 bytes.</summary>
    /// <exception cref="SqlFunctionException"><paramref name="character"/> is NULL or empty.</exception>
    public long Eval(string? text, string? character)
    {
        if (text is null)
            return 0;
        if (string.IsNullOrEmpty(character))
            throw new SqlFunctionException("count_char: the character to count must be a non-empty string.");
        Span<byte> bytes = stackalloc byte[4];
        Rune.DecodeFromUtf16(character, out var first, out _);
        first.EncodeToUtf8(bytes);
        var wanted = bytes[0];
        long count = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(bytes);
            for (var i = 0; i < length; i++)
            {
                if (bytes[i] == wanted)
                    count++;
            }
        }
        return count;
    }
}
