using System.Text.Json;

namespace Eddy.Avro;

/// <summary>
/// A logical type annotating a schema (decimal, date, timestamp-millis, ...). The encoded data is that of the
/// underlying type; this only records how to interpret it.
/// </summary>
public sealed class LogicalType
{
    public const string Decimal = "decimal";
    public const string Uuid = "uuid";
    public const string Date = "date";
    public const string TimeMillis = "time-millis";
    public const string TimeMicros = "time-micros";
    public const string TimestampMillis = "timestamp-millis";
    public const string TimestampMicros = "timestamp-micros";
    public const string LocalTimestampMillis = "local-timestamp-millis";
    public const string LocalTimestampMicros = "local-timestamp-micros";
    public const string Duration = "duration";

    // Avro Java refuses a logical type on a schema that also carries one of its code-generation hints.
    private static readonly string[] IncompatibleProperties = ["avro.java.string", "java-class", "java-key-class", "java-element-class"];

    private LogicalType(string name, int precision = 0, int scale = 0)
    {
        Name = name;
        Precision = precision;
        Scale = scale;
    }

    public string Name { get; }

    /// <summary>Total number of digits, for decimal.</summary>
    public int Precision { get; }

    /// <summary>Digits after the point, for decimal.</summary>
    public int Scale { get; }

    /// <summary>
    /// Whether Avro Java 1.11 (Confluent's) knows this logical type. Duration is in the specification but Java
    /// leaves it a plain property, which shows in Confluent's normalized form.
    /// </summary>
    internal bool KnownToJava => Name != Duration;

    public override string ToString() => Name == Decimal ? $"decimal({Precision},{Scale})" : Name;

    /// <summary>Avro Java's <c>LogicalTypes.fromSchemaIgnoreInvalid</c>: the declared logical type if valid for the schema, else null.</summary>
    internal static LogicalType? FromSchema(AvroSchema schema)
    {
        var name = schema.GetStringProperty("logicalType");
        if (name is null)
        {
            return null;
        }

        foreach (var hint in IncompatibleProperties)
        {
            if (schema.GetStringProperty(hint) is not null)
            {
                return null;
            }
        }

        var type = schema.Type;
        return name switch
        {
            Decimal => FromDecimal(schema),
            Uuid => type == AvroType.String ? new LogicalType(name) : null,
            Date or TimeMillis => type == AvroType.Int ? new LogicalType(name) : null,
            TimeMicros or TimestampMillis or TimestampMicros or LocalTimestampMillis or LocalTimestampMicros => type == AvroType.Long ? new LogicalType(name) : null,
            Duration => schema is FixedSchema { Size: 12 } ? new LogicalType(name) : null,
            _ => null,
        };
    }

    private static LogicalType? FromDecimal(AvroSchema schema)
    {
        if (schema.Type is not (AvroType.Bytes or AvroType.Fixed))
        {
            return null;
        }

        if (!TryGetInt(schema, "precision", out var precision) || precision <= 0)
        {
            return null;
        }

        var scale = 0;
        if (schema.GetProperty("scale") is not null && !TryGetInt(schema, "scale", out scale))
        {
            return null;
        }

        if (schema is FixedSchema fixedSchema)
        {
            // The most decimal digits a two's-complement number of that many bytes can always hold.
            var maxPrecision = Math.Floor(Math.Log10(2) * ((8.0 * fixedSchema.Size) - 1));
            if (precision > maxPrecision)
            {
                return null;
            }
        }

        return scale < 0 || scale > precision ? null : new LogicalType(Decimal, precision, scale);
    }

    // Java takes the property only when Jackson read it as an int: an integral literal within int range.
    private static bool TryGetInt(AvroSchema schema, string name, out int value)
    {
        value = 0;
        return schema.GetProperty(name) is { ValueKind: JsonValueKind.Number } number
            && JsonNumbers.IsIntegral(number)
            && number.TryGetInt32(out value);
    }
}
