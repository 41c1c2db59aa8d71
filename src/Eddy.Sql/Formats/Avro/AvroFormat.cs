using System.Buffers;
using Eddy.Avro;
using Eddy.Engine.Records;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Avro;

/// <summary>Flink's <c>avro</c> format: each message is the Avro binary encoding of the row under the schema derived from the table.</summary>
internal sealed class AvroFormatFactory : FormatFactory
{
    /// <summary><c>avro.timestamp_mapping.legacy</c>.</summary>
    public static readonly FormatOption LegacyTimestampMapping = FormatOption.Boolean("avro.timestamp_mapping.legacy", true,
        "Flink's legacy mapping: TIMESTAMP to timestamp-millis and no TIMESTAMP_LTZ; false maps TIMESTAMP to local-timestamp-millis/micros and TIMESTAMP_LTZ to timestamp-millis/micros.");

    private static readonly IReadOnlyList<FormatOption> AllOptions = [LegacyTimestampMapping];

    /// <inheritdoc/>
    public override string Identifier => "avro";

    /// <inheritdoc/>
    public override IReadOnlyList<FormatOption> SupportedOptions => AllOptions;

    /// <inheritdoc/>
    protected override RowFormat CreateFormat(FormatOptions options, FormatContext context) =>
        new AvroFormat(options.GetBoolean(LegacyTimestampMapping));
}

/// <summary>The <c>avro</c> format.</summary>
internal sealed class AvroFormat(bool legacyTimestampMapping) : RowFormat
{
    /// <inheritdoc/>
    public override string Identifier => "avro";

    /// <summary>The Avro schema of a row type (Flink's derivation).</summary>
    public AvroSchema SchemaOf(SqlType rowType) => AvroSchemas.Derive(rowType, legacyTimestampMapping);

    /// <inheritdoc/>
    public override IRowDeserializer CreateDeserializer(SqlType rowType, IReadOnlyList<int>? projection = null)
    {
        CheckRowType(rowType);
        SchemaOf(rowType);
        return new AvroRowDeserializer(new AvroRowCodec(rowType, legacyTimestampMapping), Project(rowType, projection), projection);
    }

    /// <inheritdoc/>
    public override IRowSerializer CreateSerializer(SqlType rowType)
    {
        CheckRowType(rowType);
        SchemaOf(rowType);
        return new AvroRowSerializer(new AvroRowCodec(rowType, legacyTimestampMapping), schemaId: null);
    }
}

/// <summary>Schema derivation with the library's parse errors as validation errors.</summary>
internal static class AvroSchemas
{
    /// <summary>The derived schema, parsed.</summary>
    public static AvroSchema Derive(SqlType rowType, bool legacyTimestampMapping)
    {
        try
        {
            return AvroSchemaConverter.ToSchema(rowType, legacyTimestampMapping);
        }
        catch (AvroSchemaException e)
        {
            throw new FormatValidationException($"The Avro schema derived from {rowType} is not valid: {e.Message}", e);
        }
    }
}

/// <summary>Decodes an Avro binary record (after the Confluent header, for <c>avro-confluent</c>) into a row.</summary>
internal sealed class AvroRowDeserializer(AvroRowCodec codec, SqlType produced, IReadOnlyList<int>? projection) : IRowDeserializer
{
    /// <inheritdoc/>
    public SqlType ProducedType { get; } = produced;

    /// <inheritdoc/>
    public void Deserialize(ReadOnlySpan<byte> message, IRowCollector output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Collect(RowKind.Insert, Decode(message));
    }

    /// <summary>The row of <paramref name="payload"/>, projected.</summary>
    public Row Decode(ReadOnlySpan<byte> payload)
    {
        Row row;
        try
        {
            var reader = new AvroBinaryReader(payload);
            row = codec.ReadRow(ref reader);
        }
        catch (FieldError e)
        {
            throw e.ToParseException("Failed to deserialize Avro record");
        }
        catch (AvroDataException e)
        {
            throw new FormatParseException($"Failed to deserialize Avro record: {e.Message}", e);
        }
        return Projected(row);
    }

    /// <summary>The projected columns of a row of the full type.</summary>
    public Row Projected(Row row)
    {
        if (projection is null)
            return row;
        var projected = new Row(projection.Count);
        for (var i = 0; i < projection.Count; i++)
        {
            var from = projection[i];
            if (row.IsNull(from))
                continue;
            if (ProducedType.Fields[i].Type.IsPrimitive)
                projected.SetRaw(i, row.GetRaw(from));
            else
                projected.SetValue(i, ProducedType.Fields[i].Type, row.GetObject(from));
        }
        return projected;
    }
}

/// <summary>Encodes a row as an Avro binary record, after the Confluent header when a schema id is given.</summary>
internal sealed class AvroRowSerializer(AvroRowCodec codec, int? schemaId) : IRowSerializer
{
    /// <inheritdoc/>
    public bool Serialize(RowKind kind, Row row, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(output);
        if (schemaId is { } id)
            ConfluentWireFormat.WriteHeader(output, id);
        var writer = new AvroBinaryWriter(output);
        try
        {
            codec.WriteRow(ref writer, row);
        }
        catch (FieldError e)
        {
            throw new FormatWriteException($"Failed to serialize Avro record at field '{e.Path}': {e.Message}", e.Path);
        }
        writer.Flush();
        return true;
    }
}
