using System.Text.Json;

namespace Eddy.Avro;

/// <summary>A record (or an error, Avro's record flavour for protocol errors).</summary>
public sealed class RecordSchema : NamedSchema
{
    private IReadOnlyList<RecordField> _fields = [];
    private Dictionary<string, RecordField> _byName = [];

    internal RecordSchema(AvroName name, string? doc, bool isError, IReadOnlyList<AvroName>? aliases, IReadOnlyList<KeyValuePair<string, JsonElement>>? properties)
        : base(name, doc, aliases, properties)
    {
        IsError = isError;
    }

    public override AvroType Type => AvroType.Record;

    /// <summary>Declared as <c>"type": "error"</c>.</summary>
    public bool IsError { get; }

    /// <summary>The fields in declaration order; <see cref="RecordField.Position"/> is the index.</summary>
    public IReadOnlyList<RecordField> Fields => _fields;

    /// <summary>The field with this exact name (aliases are not consulted), or null.</summary>
    public RecordField? GetField(string name) => _byName.GetValueOrDefault(name);

    // Fields are attached after the record is registered under its name, so that they can refer to it.
    internal void SetFields(IReadOnlyList<RecordField> fields, Dictionary<string, RecordField> byName)
    {
        _fields = fields;
        _byName = byName;
    }
}

/// <summary>How a field sorts when records are compared (the field's <c>order</c> attribute).</summary>
public enum FieldOrder
{
    Ascending,
    Descending,
    Ignore,
}

/// <summary>A field of a record.</summary>
public sealed class RecordField
{
    private static readonly IReadOnlyList<KeyValuePair<string, JsonElement>> NoProperties = [];

    internal RecordField(string name, int position, AvroSchema schema, string? doc, JsonElement? defaultValue, FieldOrder order, IReadOnlyList<string>? aliases, IReadOnlyList<KeyValuePair<string, JsonElement>>? properties)
    {
        Name = name;
        Position = position;
        Schema = schema;
        Doc = doc;
        Default = defaultValue;
        Order = order;
        Aliases = aliases ?? [];
        Properties = properties is { Count: > 0 } ? properties : NoProperties;
    }

    public string Name { get; }

    /// <summary>The field's index in <see cref="RecordSchema.Fields"/>, and in a <c>GenericRecord</c>'s values.</summary>
    public int Position { get; }

    public AvroSchema Schema { get; }

    public string? Doc { get; }

    /// <summary>
    /// The default as written in the schema (a JSON <c>null</c> is a default of null, absence is no default). A
    /// float or double default given as a string ("NaN", "1.5") has been converted the way Avro Java converts it.
    /// </summary>
    public JsonElement? Default { get; }

    public bool HasDefault => Default is not null;

    public FieldOrder Order { get; }

    /// <summary>Former names of the field, as written (field aliases have no namespace).</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>Attributes of the field that are not part of its syntax, in JSON order.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonElement>> Properties { get; }

    public override string ToString() => $"{Name} ({Schema.TypeName}) at {Position}";
}
