using Eddy.Engine;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Connectors;

/// <summary>Writes one metadata column of a source row from the consumed record.</summary>
internal delegate void MetadataWriter(in ConsumedRecord record, Row row, int column);

/// <summary>
/// The kafka connector's readable metadata (Flink's <c>KafkaDynamicSource.ReadableMetadata</c>): each key's type and
/// how it is read from a consumed record. The engine gives a source the topic, partition, offset and timestamp;
/// <c>headers</c>, <c>leader-epoch</c> and <c>timestamp-type</c> are refused by name until it gives those too.
/// </summary>
internal static class KafkaMetadata
{
    /// <summary>Every key Flink's kafka source reads, with its type, in Flink's order.</summary>
    public static IReadOnlyList<(string Key, SqlType Type)> Readable { get; } =
    [
        ("topic", SqlType.String.NotNull()), ("partition", SqlType.Int.NotNull()), ("headers", SqlType.Map(SqlType.String.NotNull(), SqlType.Bytes).NotNull()),
        ("leader-epoch", SqlType.Int), ("offset", SqlType.BigInt.NotNull()), ("timestamp", SqlType.TimestampLtz(3).NotNull()),
        ("timestamp-type", SqlType.String.NotNull()),
    ];

    /// <summary>The writer of a metadata column, after checking its key and declared type.</summary>
    /// <exception cref="PlanningException">An unknown key, a type the key cannot be read as, or a key the engine does not give yet.</exception>
    public static MetadataWriter Writer(CatalogTable table, CatalogMetadataColumn column)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(column);
        SqlType? type = null;
        foreach (var (key, keyType) in Readable)
        {
            if (key == column.Key)
                type = keyType;
        }
        if (type is null)
            throw new PlanningException(
                $"Invalid metadata key '{column.Key}' in column '{column.Name}' of table '{table.Name}'. The kafka connector supports the following metadata keys for reading:\n"
                + string.Join('\n', Readable.Select(r => r.Key)));
        var declared = column.Type.Kind;
        var asTimestamp = column.Key == "timestamp" && declared == SqlTypeKind.Timestamp;
        if (declared != type.Kind && !asTimestamp)
            throw new PlanningException(
                $"Invalid data type for metadata column '{column.Name}' of table '{table.Name}'. The column cannot be declared as '{column.Type}' because Eddy reads metadata key '{column.Key}' as '{type}'.");
        return column.Key switch
        {
            "topic" => static (in ConsumedRecord record, Row row, int i) => row.SetString(i, record.Topic),
            "partition" => static (in ConsumedRecord record, Row row, int i) => row.SetInt(i, record.Partition),
            "offset" => static (in ConsumedRecord record, Row row, int i) => row.SetBigInt(i, record.Offset),
            // TIMESTAMP_LTZ keeps the instant; a TIMESTAMP column gets its UTC wall-clock time, as Flink's cast in UTC.
            "timestamp" when asTimestamp => static (in ConsumedRecord record, Row row, int i) =>
                row.SetTimestamp(i, DateTime.UnixEpoch.AddMilliseconds(record.Timestamp)),
            "timestamp" => static (in ConsumedRecord record, Row row, int i) => row.SetTimestampLtz(i, DateTimeOffset.FromUnixTimeMilliseconds(record.Timestamp)),
            _ => throw new PlanningException(
                $"Table '{table.Name}': metadata key '{column.Key}' (column '{column.Name}') is not read by Eddy's engine yet; it reads topic, partition, offset and timestamp."),
        };
    }
}
