namespace Eddy.Sql.Connectors;

/// <summary>Where a job's datagen table lives: the topic its generator writes and its source reads.</summary>
internal static class DataGenTopic
{
    /// <summary><c>{job}-{table}-datagen</c>, the table's last name part (<c>orders</c> of <c>default_catalog.default_database.orders</c>).</summary>
    public static string Of(string jobName, string tableName)
    {
        ArgumentNullException.ThrowIfNull(jobName);
        ArgumentNullException.ThrowIfNull(tableName);
        return $"{jobName}-{tableName[(tableName.LastIndexOf('.') + 1)..]}-datagen";
    }
}
