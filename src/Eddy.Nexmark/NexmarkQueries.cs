using System.Globalization;
using System.Reflection;
using System.Text;

namespace Eddy.Nexmark;

/// <summary>
/// The standard Nexmark queries q0–q22 in Flink SQL (each a sink table and an INSERT, as the Flink suite runs them) and
/// the DDL they run over: the union table (<c>datagen</c> on the generator, or <c>kafka</c> on a topic) and the
/// <c>person</c>, <c>auction</c> and <c>bid</c> views. Kept as embedded resources, <c>Queries/*.sql</c>.
/// </summary>
public static class NexmarkQueries
{
    /// <summary>The query names, in order: q0 to q22.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Enumerable.Range(0, 23).Select(i => "q" + i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>A query's text (its sink table's DDL, any view or function it needs, and its INSERT).</summary>
    /// <exception cref="ArgumentException">No such query.</exception>
    public static string Query(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Names.Contains(name))
            throw new ArgumentException($"Unknown Nexmark query '{name}': the queries are q0 to q22.", nameof(name));
        return Resource(name);
    }

    /// <summary>
    /// The union table over the generator (<c>'connector' = 'nexmark'</c>, table <c>datagen</c>), with Flink's
    /// options; <paramref name="extraOptions"/> adds more (Eddy's <c>seed</c>, the hot ratios, the sizes).
    /// </summary>
    public static string GeneratorTable(long eventsPerSecond, long events, int personProportion = 1, int auctionProportion = 3, int bidProportion = 46,
        IReadOnlyDictionary<string, string>? extraOptions = null)
    {
        var ddl = Resource("ddl_gen")
            .Replace("${TPS}", eventsPerSecond.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("${EVENTS_NUM}", events.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("${PERSON_PROPORTION}", personProportion.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("${AUCTION_PROPORTION}", auctionProportion.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("${BID_PROPORTION}", bidProportion.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        if (extraOptions is null || extraOptions.Count == 0)
            return ddl;
        var more = new StringBuilder();
        foreach (var (key, value) in extraOptions)
            more.Append(CultureInfo.InvariantCulture, $",\n    '{Escape(key)}' = '{Escape(value)}'");
        var end = ddl.LastIndexOf("\n);", StringComparison.Ordinal);
        return ddl[..end] + more + ddl[end..];
    }

    /// <summary>The union table over a Kafka topic in JSON (table <c>kafka</c>), as <c>eddy nexmark generate</c> fills it.</summary>
    public static string KafkaTable(string topic, string bootstrapServers)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(bootstrapServers);
        return Resource("ddl_kafka")
            .Replace("${TOPIC}", Escape(topic), StringComparison.Ordinal)
            .Replace("${BOOTSTRAP_SERVERS}", Escape(bootstrapServers), StringComparison.Ordinal);
    }

    /// <summary>The <c>person</c>, <c>auction</c> and <c>bid</c> views over the union table <paramref name="table"/> (<c>datagen</c> or <c>kafka</c>).</summary>
    public static string Views(string table = "datagen")
    {
        ArgumentNullException.ThrowIfNull(table);
        return Resource("ddl_views").Replace("${NEXMARK_TABLE}", table, StringComparison.Ordinal);
    }

    private static string Escape(string value) => value.Replace("'", "''", StringComparison.Ordinal);

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Eddy.Nexmark.Queries.{name}.sql")
            ?? throw new InvalidOperationException($"The resource Queries/{name}.sql is missing from Eddy.Nexmark.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
