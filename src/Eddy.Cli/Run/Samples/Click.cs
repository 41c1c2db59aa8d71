using System.Text.Json;

namespace Eddy.Cli.Run.Samples;

/// <summary>A page view on a web site, the sample jobs' input: JSON on the <c>clicks</c> topic, keyed by user.</summary>
/// <param name="Timestamp">When the user clicked (event time, ms since the epoch); it may arrive out of order.</param>
internal sealed record Click(string User, string Page, long Timestamp)
{
    public const string Topic = "clicks";

    /// <summary>camelCase JSON, as web click streams are usually written.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
