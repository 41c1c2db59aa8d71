using System.Buffers;
using System.Text;

namespace Eddy.Sql.Formats;

/// <summary>A growable char buffer reused from message to message (a text format's line, decoded or being written).</summary>
internal sealed class CharBuffer
{
    private char[] _chars = new char[256];

    /// <summary>The number of chars held.</summary>
    public int Length { get; private set; }

    /// <summary>The chars held.</summary>
    public ReadOnlySpan<char> Span => _chars.AsSpan(0, Length);

    /// <summary>Empties the buffer, keeping its capacity.</summary>
    public void Clear() => Length = 0;

    /// <summary>Appends one char.</summary>
    public void Append(char c)
    {
        if (Length == _chars.Length)
            Grow(1);
        _chars[Length++] = c;
    }

    /// <summary>Appends chars.</summary>
    public void Append(ReadOnlySpan<char> text)
    {
        if (Length + text.Length > _chars.Length)
            Grow(text.Length);
        text.CopyTo(_chars.AsSpan(Length));
        Length += text.Length;
    }

    /// <summary>Replaces the content with <paramref name="utf8"/> decoded.</summary>
    public void SetUtf8(ReadOnlySpan<byte> utf8)
    {
        Length = 0;
        var max = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (max > _chars.Length)
            Grow(max);
        Length = Encoding.UTF8.GetChars(utf8, _chars);
    }

    /// <summary>Writes the content as UTF-8 into <paramref name="output"/>.</summary>
    public void WriteUtf8(IBufferWriter<byte> output)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(Length));
        output.Advance(Encoding.UTF8.GetBytes(Span, span));
    }

    private void Grow(int more)
    {
        var size = Math.Max(_chars.Length * 2, Length + more);
        System.Array.Resize(ref _chars, size);
    }
}
