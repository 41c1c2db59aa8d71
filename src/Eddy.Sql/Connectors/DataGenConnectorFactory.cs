using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Connectors;

/// <summary>
/// The <c>datagen</c> connector's options, as Flink's <c>DataGenConnectorOptions</c>: a rate, an optional row count,
/// and per column (<c>fields.#.*</c>) a random or sequence generator with its bounds.
/// </summary>
internal sealed class DataGenConnectorFactory : ConnectorFactory
{
    public static ConnectorOption RowsPerSecond { get; } = ConnectorOption.Long("rows-per-second", 10000, "Rows generated per second.");

    public static ConnectorOption NumberOfRows { get; } = ConnectorOption.Long("number-of-rows", null, "The total number of rows; unbounded when unset.");

    public static ConnectorOption ScanParallelism { get; } = ConnectorOption.Int("scan.parallelism", null, "Accepted; one generator per table.");

    /// <inheritdoc/>
    public override string Identifier => "datagen";

    /// <inheritdoc/>
    public override bool IsSink => false;

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> RequiredOptions(CatalogTable table) => [];

    /// <summary>The <c>fields.{name}.kind</c> option of a column.</summary>
    public static ConnectorOption Kind(string field) => ConnectorOption.Enum($"fields.{field}.kind", "random", "random or sequence.", "random", "sequence");

    /// <summary>The <c>fields.{name}.min</c> option (random numbers).</summary>
    public static ConnectorOption Min(string field) => ConnectorOption.Text($"fields.{field}.min", null, "The smallest random value.");

    /// <summary>The <c>fields.{name}.max</c> option (random numbers).</summary>
    public static ConnectorOption Max(string field) => ConnectorOption.Text($"fields.{field}.max", null, "The largest random value.");

    /// <summary>The <c>fields.{name}.max-past</c> option (random timestamps).</summary>
    public static ConnectorOption MaxPast(string field) => ConnectorOption.Text($"fields.{field}.max-past", "0", "How far in the past a random timestamp may be.");

    /// <summary>The <c>fields.{name}.length</c> option (random strings, bytes, collections).</summary>
    public static ConnectorOption Length(string field) => ConnectorOption.Int($"fields.{field}.length", 100, "The length of a random string or bytes.");

    /// <summary>The <c>fields.{name}.var-len</c> option.</summary>
    public static ConnectorOption VarLen(string field) => ConnectorOption.Boolean($"fields.{field}.var-len", false, "Random strings of a random length up to 'length'.");

    /// <summary>The <c>fields.{name}.start</c> option (sequences).</summary>
    public static ConnectorOption Start(string field) => ConnectorOption.Text($"fields.{field}.start", null, "The first value of a sequence.");

    /// <summary>The <c>fields.{name}.end</c> option (sequences).</summary>
    public static ConnectorOption End(string field) => ConnectorOption.Text($"fields.{field}.end", null, "The last value of a sequence.");

    /// <summary>The <c>fields.{name}.null-rate</c> option.</summary>
    public static ConnectorOption NullRate(string field) => ConnectorOption.Double($"fields.{field}.null-rate", 0, "The share of NULLs.");

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> OptionalOptions(CatalogTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var options = new List<ConnectorOption> { RowsPerSecond, NumberOfRows, ScanParallelism };
        foreach (var field in table.Schema)
        {
            var name = field.Name;
            options.AddRange([Kind(name), Min(name), Max(name), MaxPast(name), Length(name), VarLen(name), Start(name), End(name), NullRate(name)]);
        }
        return options;
    }

    /// <inheritdoc/>
    protected override void Check(CatalogTable table, ConnectorOptions options, bool forSource)
    {
        foreach (var field in table.Schema)
        {
            if (options.GetEnum(Kind(field.Name)) != "sequence")
                continue;
            foreach (var bound in new[] { Start(field.Name), End(field.Name) })
            {
                if (!options.Has(bound))
                    throw new PlanningException($"Could not find required property '{bound.Key}' for sequence generator.");
            }
        }
        if (options.GetLong(RowsPerSecond) is <= 0)
            throw new PlanningException("'rows-per-second' must be greater than 0.");
    }
}
