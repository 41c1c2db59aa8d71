using System.Text;

namespace Eddy.Cli.Output;

/// <summary>Record bytes as text. Kafka's string tools assume UTF-8; invalid sequences become U+FFFD rather than failing.</summary>
internal static class RecordText
{
    public static string? Decode(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}
