using System.Text.Json;

namespace Eddy.Avro;

/// <summary>The Avro types (specification, "Schema Declaration").</summary>
public enum AvroType
{
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Record,
    Enum,
    Array,
    Map,
    Union,
    Fixed,
}

/// <summary>
/// A parsed Avro schema. <see cref="Parse(string)"/> reads the JSON form with the specification's naming rules
/// (namespaces, aliases, references to named types, recursion); <see cref="ToCanonicalString"/> is the compact form
/// Confluent's registry stores and compares (Avro's Schema.toString()), <see cref="ToNormalizedString"/> the form it
/// compares with normalize=true.
/// </summary>
/// <remarks>
/// Instances are immutable once parsed and safe to share between threads. Identity matters: like Avro's Java
/// implementation, every occurrence of a primitive type in the JSON is its own instance, and every reference to a
/// named type is the same instance as its definition; the compatibility check and the codec caches rely on that.
/// </remarks>
public abstract class AvroSchema
{
    private static readonly IReadOnlyList<KeyValuePair<string, JsonElement>> NoProperties = [];

    private string? _canonical;
    private string? _normalized;

    private protected AvroSchema(IReadOnlyList<KeyValuePair<string, JsonElement>>? properties)
    {
        Properties = properties is { Count: > 0 } ? properties : NoProperties;
    }

    public abstract AvroType Type { get; }

    /// <summary>
    /// The schema's logical type, or null when it has none or the declared one is invalid for the underlying type
    /// (Avro ignores an invalid logical type rather than rejecting the schema; the attribute stays in
    /// <see cref="Properties"/>).
    /// </summary>
    public LogicalType? LogicalType { get; internal set; }

    /// <summary>Attributes that are not part of the schema's own syntax (logicalType, precision, custom ones), in JSON order.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonElement>> Properties { get; }

    /// <summary>
    /// Full names of the referenced schemas this one was parsed with (<see cref="AvroParseOptions.References"/>);
    /// the canonical and normalized forms write those types by name, as Confluent does.
    /// </summary>
    internal IReadOnlyCollection<string> ReferencedNames { get; set; } = [];

    /// <summary>The options the root schema was parsed with; null on the types inside it.</summary>
    internal AvroParseOptions? ParseOptions { get; set; }

    /// <summary>Parses a schema; every problem is an <see cref="AvroSchemaException"/> saying what and where.</summary>
    public static AvroSchema Parse(string json) => SchemaParser.Parse(json, AvroParseOptions.Default);

    /// <summary>Parses a schema with references to other schemas and/or without validating field defaults.</summary>
    public static AvroSchema Parse(string json, AvroParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return SchemaParser.Parse(json, options);
    }

    /// <summary>The value of a property, if present.</summary>
    public JsonElement? GetProperty(string name)
    {
        foreach (var property in Properties)
        {
            if (property.Key == name)
            {
                return property.Value;
            }
        }

        return null;
    }

    /// <summary>A string-valued property, or null when absent or not a string (Avro's <c>getProp</c>).</summary>
    public string? GetStringProperty(string name)
    {
        var value = GetProperty(name);
        return value is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
    }

    /// <summary>
    /// Avro Java's <c>Schema.toString()</c>: compact JSON, a named type in full the first time and by name after,
    /// namespaces only where they differ from the enclosing one. This is the schema string Confluent's registry
    /// stores, returns and looks up by.
    /// </summary>
    public string ToCanonicalString() => _canonical ??= CanonicalWriter.Write(this, ReferencedNames);

    /// <summary>
    /// Confluent's <c>AvroSchemaUtils.toNormalizedString</c> (normalize=true): full names, sorted aliases and
    /// properties, every field's order spelled out. The registry parses this string again and stores the result's
    /// canonical form; <see cref="Normalize"/> does both steps.
    /// </summary>
    public string ToNormalizedString() => _normalized ??= NormalizedWriter.Write(this, ReferencedNames);

    /// <summary>
    /// What Confluent's <c>AvroSchema.normalize()</c> returns: the normalized string parsed again, with the same
    /// references. Defaults are not validated again: they were when this schema was parsed.
    /// </summary>
    public AvroSchema Normalize() =>
        SchemaParser.Parse(ToNormalizedString(), (ParseOptions ?? AvroParseOptions.Default) with { ValidateDefaults = false });

    /// <summary>The canonical form (<see cref="ToCanonicalString"/>).</summary>
    public override string ToString() => ToCanonicalString();

    /// <summary>Avro Java's name for a schema's type in messages (<c>Schema.Type</c>: INT, RECORD, ...).</summary>
    internal string JavaTypeName => Type.ToString().ToUpperInvariant();

    /// <summary>The type's name in the JSON form (<c>Schema.Type.getName()</c>): int, record, ...</summary>
    internal string TypeName => TypeNames.Of(Type);
}

/// <summary>How <see cref="AvroSchema.Parse(string, AvroParseOptions)"/> reads a schema.</summary>
public sealed record AvroParseOptions
{
    internal static readonly AvroParseOptions Default = new();

    /// <summary>
    /// Whether field defaults must match their field types. Confluent validates them only for schemas being
    /// registered (<c>isNew</c>), so that schemas already stored keep loading.
    /// </summary>
    public bool ValidateDefaults { get; init; } = true;

    /// <summary>
    /// Schemas this one refers to by name (Confluent schema references), in dependency order: each may use names
    /// defined by the ones before it. Their top-level types are written by name in the canonical form.
    /// </summary>
    public IReadOnlyList<string> References { get; init; } = [];
}

/// <summary>
/// An invalid schema: malformed JSON (with <see cref="Line"/> and <see cref="Column"/>) or JSON that is not a valid
/// Avro schema (with <see cref="Path"/>, a JSON pointer such as <c>/fields/2/type</c>).
/// </summary>
public sealed class AvroSchemaException : Exception
{
    public AvroSchemaException()
    {
    }

    public AvroSchemaException(string message)
        : base(message)
    {
    }

    public AvroSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AvroSchemaException(string message, long? line, long? column, string? path, Exception? innerException = null)
        : base(message, innerException)
    {
        Line = line;
        Column = column;
        Path = path;
    }

    public long? Line { get; }

    public long? Column { get; }

    public string? Path { get; }
}
