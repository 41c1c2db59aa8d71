using Eddy.Sql.Formats.Json;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Connectors;

/// <summary>Where a job's datagen table lives: the topic its generator writes and its source reads, and how its rows are written there.</summary>
internal static class DataGenTopic
{
    /// <summary><c>{job}-{table}-datagen</c>, the table's last name part (<c>orders</c> of <c>default_catalog.default_database.orders</c>).</summary>
    public static string Of(string jobName, string tableName)
    {
        ArgumentNullException.ThrowIfNull(jobName);
        ArgumentNullException.ThrowIfNull(tableName);
        return $"{jobName}-{tableName[(tableName.LastIndexOf('.') + 1)..]}-datagen";
    }

    /// <summary>The table's physical row in JSON, with the format's defaults: what the generator writes and the scan reads.</summary>
    public static FormatRowSerde Serde(CatalogTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new FormatRowSerde(new JsonFormatFactory().Create(new Dictionary<string, string>()), SqlType.Row(table.Schema));
    }
}
