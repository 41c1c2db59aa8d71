using Confluent.Kafka;
using Eddy.Nexmark;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Connectors;

/// <summary>
/// Generates a <c>'connector' = 'nexmark'</c> table's events into its topic (<c>{job}-{table}-nexmark</c>), in
/// Flink's JSON of the union row, one generator per partition (<see cref="NexmarkKafkaWriter"/>); the job reads the
/// topic as any Kafka source, as a datagen table is read (<see cref="DataGenerator"/>). A bounded table
/// (<c>events.num</c> &gt; 0) ends when its events are all written; a restarted generator writes only the missing ones.
/// </summary>
public sealed class NexmarkSource
{
    private readonly NexmarkKafkaWriter _writer;

    internal NexmarkSource(string jobName, CatalogTable table, ConnectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(jobName);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        TableName = table.Name;
        Topic = TopicOf(jobName, table.Name);
        Config = ConnectorRegistry.Creating(table, forSource: true, () => NexmarkConnectorFactory.Config(options));
        _writer = new NexmarkKafkaWriter(Config, Topic);
    }

    /// <summary>The table's name, as the catalog spells it.</summary>
    public string TableName { get; }

    /// <summary>The topic the events go to: <c>{job}-{table}-nexmark</c>.</summary>
    public string Topic { get; }

    /// <summary>The generator's configuration (its generators become the topic's partitions when it runs).</summary>
    public NexmarkConfig Config { get; }

    /// <summary>The events the topic holds: found at start, then counted as the producer acknowledges them.</summary>
    public long Events => _writer.Events;

    /// <summary>Completes when the topic exists (start the job after it), or fails with <see cref="RunAsync"/>.</summary>
    public Task Ready => _writer.Ready;

    /// <summary>The topic of a job's nexmark table: <c>{job}-{table}-nexmark</c>, with the table's last name part.</summary>
    public static string TopicOf(string jobName, string tableName)
    {
        ArgumentNullException.ThrowIfNull(jobName);
        ArgumentNullException.ThrowIfNull(tableName);
        return $"{jobName}-{tableName[(tableName.LastIndexOf('.') + 1)..]}-nexmark";
    }

    /// <summary>
    /// Creates the topic if missing (<paramref name="defaultPartitions"/> partitions, one generator each), finds the
    /// events it holds and writes the others until the table's <c>events.num</c> are there (then returns) or
    /// <paramref name="cancellationToken"/> stops it (then returns once what it produced is acknowledged).
    /// </summary>
    /// <exception cref="KafkaException">The cluster refused the topic or a record.</exception>
    public Task RunAsync(string bootstrapServers, IReadOnlyDictionary<string, string>? clientConfig = null, int defaultPartitions = 1,
        CancellationToken cancellationToken = default) => _writer.RunAsync(bootstrapServers, clientConfig, defaultPartitions, cancellationToken);

    /// <summary>The generators of the nexmark tables a job's statements read, one per table.</summary>
    /// <exception cref="PlanningException">A table's options do not make a generator.</exception>
    internal static IReadOnlyList<NexmarkSource> Of(string jobName, IEnumerable<PlanNode> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var sources = new List<NexmarkSource>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<PlanNode>(roots);
        var visited = new HashSet<PlanNode>(ReferenceEqualityComparer.Instance);
        while (pending.TryPop(out var node))
        {
            if (!visited.Add(node))
                continue;
            if (node is TableScanNode scan && seen.Add(scan.Table.Name))
            {
                var (factory, options) = ConnectorRegistry.Default.ForSource(scan.Table);
                if (factory.Identifier == "nexmark")
                    sources.Add(new NexmarkSource(jobName, scan.Table, options));
            }
            foreach (var input in node.Inputs)
                pending.Push(input);
        }
        return sources;
    }
}
