using System.Collections.Immutable;
using Eddy.Sql.Connectors;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Runtime;

namespace Eddy.Sql.Planning.Translation;

/// <summary>The nexmark connector's side of the translation (kept beside the connector).</summary>
internal sealed partial class JobTranslator
{
    /// <summary>
    /// A nexmark table: the union rows its generator (<see cref="NexmarkSource"/>) writes into the job's own topic in
    /// JSON, read as any Kafka source, so a generated table runs the same code path as a real one.
    /// </summary>
    private AppendRows ScanNexmark(CatalogTable table, ConnectorOptions options)
    {
        // The generator's options are checked now, with the statement, rather than when the host starts it.
        _ = new NexmarkSource(_job.Name, table, options);
        var types = table.Schema.Select(f => f.Type).ToImmutableArray();
        var (watermarks, timestampOf) = EventTimeOf(table, [], [.. Enumerable.Range(0, types.Length)]);
        var rows = _job.Source(NexmarkSource.TopicOf(_job.Name, table.Name), RawKeySerde.Instance, DataGenTopic.Serde(table), watermarks, timestampOf,
                name: table.Name)
            .Filter(static (_, value) => value is not null, name: Name("scan"));
        return new AppendRows(rows);
    }

    /// <summary>
    /// The generators of the nexmark tables the statements read (one per table): whatever hosts the job runs them beside
    /// it (<see cref="NexmarkSource.RunAsync"/>), starting the job once each is <see cref="NexmarkSource.Ready"/>.
    /// </summary>
    /// <param name="jobName">The job's name, as given to <see cref="Translate(string, SinkNode[])"/> (it names the tables' topics).</param>
    /// <param name="sinks">The job's statements.</param>
    /// <exception cref="PlanningException">A nexmark table's options do not make a generator.</exception>
    public static IReadOnlyList<NexmarkSource> NexmarkSources(string jobName, params SinkNode[] sinks) => NexmarkSource.Of(jobName, sinks);
}
