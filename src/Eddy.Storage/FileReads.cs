using Microsoft.Win32.SafeHandles;

namespace Eddy.Storage;

/// <summary>Positional reads that fill the whole span (RandomAccess.Read may return less than asked).</summary>
internal static class FileReads
{
    public static void ReadExactly(SafeFileHandle file, Span<byte> destination, long position)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(file, destination, position);
            if (read == 0)
            {
                throw new IOException($"Unexpected end of file at position {position}.");
            }
            destination = destination[read..];
            position += read;
        }
    }
}
