using System.Buffers;
using Eddy.Engine.Records;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats;

/// <summary>Receives the rows a deserializer decodes from one message (zero, one or more: a Debezium update is two).</summary>
internal interface IRowCollector
{
    /// <summary>Takes one decoded row; the row is new and belongs to the collector from now on.</summary>
    void Collect(RowKind kind, Row row);
}

/// <summary>A reusable collector that keeps the rows of the messages decoded since the last <see cref="Clear"/>.</summary>
internal sealed class RowBuffer : IRowCollector
{
    private readonly List<(RowKind Kind, Row Row)> _rows = [];

    /// <summary>The rows collected, in order.</summary>
    public IReadOnlyList<(RowKind Kind, Row Row)> Rows => _rows;

    /// <summary>How many rows were collected.</summary>
    public int Count => _rows.Count;

    /// <inheritdoc/>
    public void Collect(RowKind kind, Row row) => _rows.Add((kind, row));

    /// <summary>Forgets the rows, keeping the list's capacity.</summary>
    public void Clear() => _rows.Clear();
}

/// <summary>Turns a message's bytes into rows of one row type. Not thread-safe: one per task, buffers are reused.</summary>
internal interface IRowDeserializer
{
    /// <summary>The ROW type of the rows produced (the projected fields, in projection order).</summary>
    SqlType ProducedType { get; }

    /// <summary>
    /// Decodes <paramref name="message"/> into <paramref name="output"/>. A record that does not parse throws
    /// <see cref="FormatParseException"/> naming the field path, or yields no row when the format ignores parse errors.
    /// </summary>
    void Deserialize(ReadOnlySpan<byte> message, IRowCollector output);

    /// <summary>Decodes a null message (a Kafka tombstone): no row for every format but <c>raw</c>, whose column is NULL.</summary>
    void DeserializeNull(IRowCollector output)
    {
    }
}

/// <summary>Turns rows of one row type into message bytes. Not thread-safe: one per task, buffers are reused.</summary>
internal interface IRowSerializer
{
    /// <summary>
    /// Writes the message of <paramref name="row"/> into <paramref name="output"/>; false when the message is null
    /// (a <c>raw</c> row whose column is NULL, which Flink writes as a Kafka tombstone) and nothing was written.
    /// A value the format cannot write throws <see cref="FormatWriteException"/> naming the field path.
    /// </summary>
    bool Serialize(RowKind kind, Row row, IBufferWriter<byte> output);
}

/// <summary>Which row kinds a format's messages carry: Flink's <c>ChangelogMode</c> of its decoding format.</summary>
internal enum FormatChangelogMode
{
    /// <summary>Every message is an insertion (+I); a sink of this format accepts only insertions.</summary>
    InsertOnly,

    /// <summary>Messages carry +I, -U, +U and -D (the CDC formats, e.g. <c>debezium-json</c>).</summary>
    All,
}

/// <summary>Where a format is used, for the defaults that depend on it (the Confluent subject is <c>topic-key</c> or <c>topic-value</c>).</summary>
/// <param name="Topic">The Kafka topic of the table, when there is one.</param>
/// <param name="IsKey">Whether the format is the table's <c>key.format</c>.</param>
internal sealed record FormatContext(string? Topic = null, bool IsKey = false)
{
    /// <summary>No topic, a value format.</summary>
    public static FormatContext None { get; } = new();
}

/// <summary>
/// A format configured by validated options (Flink's <c>DecodingFormat</c> and <c>EncodingFormat</c> in one): it
/// creates deserializers and serializers for a row type. Creating them checks that the format supports the type and
/// prepares everything per type once, so that decoding and encoding a message only reads and writes.
/// </summary>
internal abstract class RowFormat
{
    /// <summary>The format's identifier (<c>json</c>, <c>csv</c>, ...).</summary>
    public abstract string Identifier { get; }

    /// <summary>The row kinds of the format's messages.</summary>
    public virtual FormatChangelogMode ChangelogMode => FormatChangelogMode.InsertOnly;

    /// <summary>
    /// A deserializer for rows of <paramref name="rowType"/> (the ROW of the table's physical columns), producing
    /// only the fields at <paramref name="projection"/> (indexes into the row type, in the order wanted) when given.
    /// </summary>
    /// <exception cref="FormatValidationException">The format does not support a field's type.</exception>
    public abstract IRowDeserializer CreateDeserializer(SqlType rowType, IReadOnlyList<int>? projection = null);

    /// <summary>A serializer for rows of <paramref name="rowType"/>.</summary>
    /// <exception cref="FormatValidationException">The format does not support a field's type.</exception>
    public abstract IRowSerializer CreateSerializer(SqlType rowType);

    /// <summary>The row type with only the projected fields, checking the indexes.</summary>
    protected static SqlType Project(SqlType rowType, IReadOnlyList<int>? projection)
    {
        CheckRowType(rowType);
        if (projection is null)
            return rowType;
        var fields = new SqlField[projection.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            var index = projection[i];
            if ((uint)index >= (uint)rowType.Fields.Length)
                throw new ArgumentOutOfRangeException(nameof(projection), index, $"The row type has {rowType.Fields.Length} fields.");
            fields[i] = rowType.Fields[index];
        }
        return SqlType.Row(fields);
    }

    /// <summary>Checks that <paramref name="rowType"/> is a ROW.</summary>
    protected static void CheckRowType(SqlType rowType)
    {
        ArgumentNullException.ThrowIfNull(rowType);
        if (rowType.Kind != SqlTypeKind.Row)
            throw new ArgumentException($"A format reads and writes rows, not {rowType}.", nameof(rowType));
    }
}
