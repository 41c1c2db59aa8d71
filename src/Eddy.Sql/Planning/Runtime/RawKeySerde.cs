using Eddy.Engine;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Runtime;

/// <summary>
/// The key of a topic whose table declares no key columns: the record key's raw bytes as a one-column BYTES row (an
/// empty key for a row without one). The formats' <c>raw</c> format is a <c>RowFormat</c> for declared columns, not an
/// engine serde, so this stays the planner's.
/// </summary>
internal sealed class RawKeySerde : ISerde<Row>
{
    public static RawKeySerde Instance { get; } = new();

    public byte[] Serialize(Row value) => value.GetBytes(0) ?? [];

    public Row Deserialize(ReadOnlySpan<byte> data)
    {
        var row = new Row(1);
        row.SetBytes(0, data.ToArray());
        return row;
    }
}
