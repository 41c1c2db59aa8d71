using System.Text;
using System.Text.Json;
using Eddy.Avro;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Avro;

/// <summary>
/// Derives the Avro schema of a row type as Flink's <c>AvroSchemaConverter.convertToSchema</c> does: a record named
/// <c>org.apache.flink.avro.generated.record</c>, nested records named after their path (<c>..record_address</c>),
/// a nullable type as the union <c>["null", T]</c> with a null default, DATE as <c>int</c>/<c>date</c>, TIME as
/// <c>int</c>/<c>time-millis</c>, TIMESTAMP as <c>long</c>/<c>timestamp-millis</c> (or <c>local-timestamp-*</c>
/// without the legacy mapping), DECIMAL as <c>bytes</c>/<c>decimal</c>, MAP and MULTISET as <c>map</c>.
/// </summary>
internal static class AvroSchemaConverter
{
    /// <summary>The full name of the top-level record.</summary>
    public const string RecordName = "org.apache.flink.avro.generated.record";

    /// <summary>The schema's JSON text for <paramref name="rowType"/>.</summary>
    /// <exception cref="FormatValidationException">A type Avro cannot carry (Flink's messages).</exception>
    public static string ToSchemaJson(SqlType rowType, bool legacyTimestampMapping)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
            Write(writer, rowType.NotNull(), RecordName, legacyTimestampMapping);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The parsed schema for <paramref name="rowType"/>.</summary>
    public static AvroSchema ToSchema(SqlType rowType, bool legacyTimestampMapping) =>
        AvroSchema.Parse(ToSchemaJson(rowType, legacyTimestampMapping));

    private static void Write(Utf8JsonWriter writer, SqlType type, string rowName, bool legacy)
    {
        if (type.IsNullable)
        {
            writer.WriteStartArray();
            writer.WriteStringValue("null");
        }
        switch (type.Kind)
        {
            case SqlTypeKind.Boolean: writer.WriteStringValue("boolean"); break;
            case SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int: writer.WriteStringValue("int"); break;
            case SqlTypeKind.BigInt: writer.WriteStringValue("long"); break;
            case SqlTypeKind.Float: writer.WriteStringValue("float"); break;
            case SqlTypeKind.Double: writer.WriteStringValue("double"); break;
            case SqlTypeKind.Char or SqlTypeKind.VarChar: writer.WriteStringValue("string"); break;
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary: writer.WriteStringValue("bytes"); break;
            case SqlTypeKind.Date: Logical(writer, "int", LogicalType.Date); break;
            case SqlTypeKind.Time:
                if (type.Precision > 3)
                    throw new FormatValidationException($"Avro does not support TIME type with precision: {type.Precision}, it only supports precision less than 3.");
                Logical(writer, "int", LogicalType.TimeMillis);
                break;
            case SqlTypeKind.Timestamp:
                if (legacy)
                {
                    if (type.Precision > 3)
                        throw new FormatValidationException($"Avro does not support TIMESTAMP type with precision: {type.Precision}, it only supports precision less than 3.");
                    Logical(writer, "long", LogicalType.TimestampMillis);
                }
                else
                {
                    if (type.Precision > 6)
                        throw new FormatValidationException($"Avro does not support LOCAL TIMESTAMP type with precision: {type.Precision}, it only supports precision less than 6.");
                    Logical(writer, "long", type.Precision <= 3 ? LogicalType.LocalTimestampMillis : LogicalType.LocalTimestampMicros);
                }
                break;
            case SqlTypeKind.TimestampLtz:
                if (legacy)
                    throw new FormatValidationException($"Unsupported to derive Schema for type: {type}");
                if (type.Precision > 6)
                    throw new FormatValidationException($"Avro does not support TIMESTAMP type with precision: {type.Precision}, it only supports precision less than 6.");
                Logical(writer, "long", type.Precision <= 3 ? LogicalType.TimestampMillis : LogicalType.TimestampMicros);
                break;
            case SqlTypeKind.Decimal:
                writer.WriteStartObject();
                writer.WriteString("type", "bytes");
                writer.WriteString("logicalType", LogicalType.Decimal);
                writer.WriteNumber("precision", type.Precision);
                writer.WriteNumber("scale", type.Scale);
                writer.WriteEndObject();
                break;
            case SqlTypeKind.Array:
                writer.WriteStartObject();
                writer.WriteString("type", "array");
                writer.WritePropertyName("items");
                Write(writer, type.ElementType!, rowName, legacy);
                writer.WriteEndObject();
                break;
            case SqlTypeKind.Map or SqlTypeKind.Multiset:
                if (!type.ElementType!.IsCharacterString)
                    throw new FormatValidationException($"Avro format doesn't support non-string as key type of map. The key type is: {type.ElementType.ToNullableString()}");
                writer.WriteStartObject();
                writer.WriteString("type", "map");
                writer.WritePropertyName("values");
                Write(writer, type.Kind == SqlTypeKind.Map ? type.ValueType! : SqlType.Int.NotNull(), rowName, legacy);
                writer.WriteEndObject();
                break;
            case SqlTypeKind.Row:
                writer.WriteStartObject();
                writer.WriteString("type", "record");
                writer.WriteString("name", rowName);
                writer.WriteStartArray("fields");
                foreach (var field in type.Fields)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", field.Name);
                    writer.WritePropertyName("type");
                    Write(writer, field.Type, rowName + "_" + field.Name, legacy);
                    if (field.Type.IsNullable)
                        writer.WriteNull("default");
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            default:
                throw new FormatValidationException($"Unsupported to derive Schema for type: {type}");
        }
        if (type.IsNullable)
            writer.WriteEndArray();
    }

    private static void Logical(Utf8JsonWriter writer, string primitive, string logicalType)
    {
        writer.WriteStartObject();
        writer.WriteString("type", primitive);
        writer.WriteString("logicalType", logicalType);
        writer.WriteEndObject();
    }
}
