using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Connectors;

/// <summary>
/// One connector (Flink's <c>DynamicTableSourceFactory</c> / <c>DynamicTableSinkFactory</c>), found by the
/// <c>'connector'</c> option: the options it takes and the checks across them. The translator asks it for a
/// validated view of a table's options before building the table's source or sink.
/// </summary>
internal abstract class ConnectorFactory
{
    /// <summary>The <c>connector</c> option itself, which every connector accepts.</summary>
    public static ConnectorOption ConnectorKey { get; } = ConnectorOption.Text("connector", null, "The connector's identifier.");

    /// <summary>The identifier a table names in <c>'connector'</c>.</summary>
    public abstract string Identifier { get; }

    /// <summary>The option keys naming a format, whose <c>{prefix}{identifier}.*</c> options pass to that format.</summary>
    public virtual IReadOnlyList<string> FormatKeys => [];

    /// <summary>Whether <c>properties.*</c> options are accepted (passed to the Kafka client).</summary>
    public virtual bool TakesClientProperties => false;

    /// <summary>Whether the connector reads (a table can be scanned).</summary>
    public virtual bool IsSource => true;

    /// <summary>Whether the connector writes (a table can be inserted into).</summary>
    public virtual bool IsSink => true;

    /// <summary>The options a table of this connector must give.</summary>
    public abstract IReadOnlyList<ConnectorOption> RequiredOptions(CatalogTable table);

    /// <summary>The options a table of this connector may give (some depend on its columns, as datagen's <c>fields.#.*</c>).</summary>
    public abstract IReadOnlyList<ConnectorOption> OptionalOptions(CatalogTable table);

    /// <summary>
    /// The table's options, validated as Flink's factory helper does, then across options (<see cref="Check"/>).
    /// </summary>
    /// <exception cref="PlanningException">An option is missing, unknown, malformed, or conflicts with another.</exception>
    public ConnectorOptions Validate(CatalogTable table, bool forSource)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (forSource && !IsSource)
            throw new PlanningException($"Connector '{Identifier}' can only be used as a sink. It cannot be used as a source.");
        if (!forSource && !IsSink)
            throw new PlanningException($"Connector '{Identifier}' can only be used as a source. It cannot be used as a sink.");
        var options = ConnectorOptions.Validate(this, RequiredOptions(table), OptionalOptions(table), table.Options);
        Check(table, options, forSource);
        return options;
    }

    /// <summary>The connector's checks across options and against the table's columns.</summary>
    protected virtual void Check(CatalogTable table, ConnectorOptions options, bool forSource)
    {
    }
}

/// <summary>The connectors by identifier: kafka, upsert-kafka, datagen, print, blackhole, nexmark.</summary>
internal sealed class ConnectorRegistry
{
    private readonly Dictionary<string, ConnectorFactory> _factories = new(StringComparer.Ordinal);

    /// <summary>A registry of <paramref name="factories"/>.</summary>
    public ConnectorRegistry(IEnumerable<ConnectorFactory> factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        foreach (var factory in factories)
            _factories.Add(factory.Identifier, factory);
    }

    /// <summary>Every built-in connector.</summary>
    public static ConnectorRegistry Default { get; } = new(
    [
        new KafkaConnectorFactory(), new UpsertKafkaConnectorFactory(), new DataGenConnectorFactory(), new PrintConnectorFactory(),
        new BlackHoleConnectorFactory(), new NexmarkConnectorFactory(),
    ]);

    /// <summary>The identifiers, sorted.</summary>
    public IReadOnlyList<string> Identifiers
    {
        get
        {
            var ids = new List<string>(_factories.Keys);
            ids.Sort(StringComparer.Ordinal);
            return ids;
        }
    }

    /// <summary>The factory of <paramref name="identifier"/>; an unknown one is Flink's error listing the available identifiers.</summary>
    public ConnectorFactory Find(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (identifier.Length == 0)
            throw new PlanningException("Table options do not contain an option key 'connector' for discovering a connector.");
        return _factories.TryGetValue(identifier, out var factory)
            ? factory
            : throw new PlanningException(
                $"Could not find any factory for identifier '{identifier}' that implements 'DynamicTableFactory'.\n\nAvailable factory identifiers are:\n\n{string.Join('\n', Identifiers)}");
    }

    /// <summary>
    /// The options of a table read by a query, validated by its connector; an error is Flink's
    /// <c>Unable to create a source for reading table '...'.</c> followed by the reason.
    /// </summary>
    public (ConnectorFactory Factory, ConnectorOptions Options) ForSource(CatalogTable table) => Resolve(table, forSource: true);

    /// <summary>The options of a table written by <c>INSERT INTO</c>, validated by its connector.</summary>
    public (ConnectorFactory Factory, ConnectorOptions Options) ForSink(CatalogTable table) => Resolve(table, forSource: false);

    private (ConnectorFactory, ConnectorOptions) Resolve(CatalogTable table, bool forSource)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Creating(table, forSource, () =>
        {
            var factory = Find(table.Connector);
            return (factory, factory.Validate(table, forSource));
        });
    }

    /// <summary>
    /// Runs a step of creating a table's source or sink (validating options, creating its formats), prefixing an
    /// error with Flink's <c>Unable to create a source for reading table '...'.</c> (or sink for writing).
    /// </summary>
    public static T Creating<T>(CatalogTable table, bool forSource, Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(create);
        try
        {
            return create();
        }
        catch (PlanningException e)
        {
            throw new PlanningException(
                (forSource ? $"Unable to create a source for reading table '{table.Name}'." : $"Unable to create a sink for writing table '{table.Name}'.")
                + $"\n\n{e.Message}", e);
        }
    }
}
