using System.Text.Json;
using System.Text.RegularExpressions;

namespace Eddy.Registry.JsonSchemas;

/// <summary>
/// What a JSON Schema (sub)schema is to the compatibility checker: the kinds of the Everit model Confluent's checker
/// walks (a string, number, object, array, enum, const, combined, not, reference, empty/true or false schema).
/// Two schemas of different kinds are a type change unless one side is empty/true or the other false.
/// </summary>
internal enum JsonSchemaKind
{
    Empty,
    True,
    False,
    String,
    Number,
    Boolean,
    Null,
    Enum,
    Const,
    Combined,
    Not,
    Object,
    Array,
    Reference,
}

/// <summary>One (sub)schema, loaded from its JSON by <see cref="JsonSchemaLoader"/>.</summary>
internal abstract class JsonSchemaNode
{
    public abstract JsonSchemaKind Kind { get; }

    /// <summary>The JSON it was loaded from (compact), so duplicates in a combined schema collapse as in Confluent.</summary>
    public string Source { get; set; } = "";

    public string? Id { get; set; }

    public string? Title { get; set; }

    public string? Description { get; set; }

    public JsonElement? Default { get; set; }

    /// <summary>Kafka Connect's <c>connect.type</c> annotation: two schemas both marked <c>bytes</c> are equivalent.</summary>
    public string? ConnectType { get; set; }

    /// <summary>Everit's <c>EmptySchema</c>: <c>{}</c> and <c>true</c> (TrueSchema extends EmptySchema).</summary>
    public bool IsEmptyOrTrue => Kind is JsonSchemaKind.Empty or JsonSchemaKind.True;
}

internal sealed class EmptyJsonSchema(JsonSchemaKind kind) : JsonSchemaNode
{
    public override JsonSchemaKind Kind { get; } = kind;
}

internal sealed class StringJsonSchema : JsonSchemaNode
{
    public override JsonSchemaKind Kind => JsonSchemaKind.String;

    public int? MinLength { get; set; }

    public int? MaxLength { get; set; }

    public string? Pattern { get; set; }
}

internal sealed class NumberJsonSchema : JsonSchemaNode
{
    public override JsonSchemaKind Kind => JsonSchemaKind.Number;

    /// <summary><c>"type":"integer"</c>.</summary>
    public bool RequiresInteger { get; set; }

    public decimal? Minimum { get; set; }

    public decimal? Maximum { get; set; }

    /// <summary>The numeric <c>exclusiveMinimum</c> of drafts 6 and later (draft 4's boolean form is a flag, not a limit).</summary>
    public decimal? ExclusiveMinimum { get; set; }

    public decimal? ExclusiveMaximum { get; set; }

    public decimal? MultipleOf { get; set; }
}

internal sealed class BooleanJsonSchema : JsonSchemaNode
{
    public override JsonSchemaKind Kind => JsonSchemaKind.Boolean;
}

internal sealed class NullJsonSchema : JsonSchemaNode
{
    public override JsonSchemaKind Kind => JsonSchemaKind.Null;
}

internal sealed class EnumJsonSchema(IReadOnlyList<JsonElement> values) : JsonSchemaNode
{
    public override JsonSchemaKind Kind => JsonSchemaKind.Enum;

    public IReadOnlyList<JsonElement> Values { get; } = values;
}

internal sealed class ConstJsonSchema(JsonElement value) : JsonSchemaNode
{
    public override JsonSchemaKind Kind => JsonSchemaKind.Const;

    public JsonElement Value { get; } = value;
}

/// <summary>allOf, anyOf or oneOf (also what <c>"type":[...]</c> and several keyword groups in one object become).</summary>
internal sealed class CombinedJsonSchema(string criterion, IReadOnlyList<JsonSchemaNode> subschemas) : JsonSchemaNode
{
    public const string AllOf = "allOf";
    public const string AnyOf = "anyOf";
    public const string OneOf = "oneOf";

    public override JsonSchemaKind Kind => JsonSchemaKind.Combined;

    public string Criterion { get; } = criterion;

    public IReadOnlyList<JsonSchemaNode> Subschemas { get; } = subschemas;
}

internal sealed class NotJsonSchema(JsonSchemaNode mustNotMatch) : JsonSchemaNode
{
    public override JsonSchemaKind Kind => JsonSchemaKind.Not;

    public JsonSchemaNode MustNotMatch { get; } = mustNotMatch;
}

internal sealed class ObjectJsonSchema : JsonSchemaNode
{
    public override JsonSchemaKind Kind => JsonSchemaKind.Object;

    public Dictionary<string, JsonSchemaNode> Properties { get; } = new(StringComparer.Ordinal);

    /// <summary>Property names in the order the schema declares them (messages list properties in that order).</summary>
    public List<string> PropertyOrder { get; } = [];

    public HashSet<string> Required { get; } = new(StringComparer.Ordinal);

    /// <summary>False for <c>"additionalProperties": false</c>.</summary>
    public bool PermitsAdditionalProperties { get; set; } = true;

    /// <summary>The schema of <c>additionalProperties</c> when it is a schema (not a boolean).</summary>
    public JsonSchemaNode? AdditionalProperties { get; set; }

    public List<(Regex Pattern, JsonSchemaNode Schema)> PatternProperties { get; } = [];

    public Dictionary<string, HashSet<string>> PropertyDependencies { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, JsonSchemaNode> SchemaDependencies { get; } = new(StringComparer.Ordinal);

    public int? MinProperties { get; set; }

    public int? MaxProperties { get; set; }

    /// <summary><c>unevaluatedProperties</c> (drafts 2019-09 and 2020-12).</summary>
    public JsonSchemaNode? UnevaluatedProperties { get; set; }
}

internal sealed class ArrayJsonSchema : JsonSchemaNode
{
    public override JsonSchemaKind Kind => JsonSchemaKind.Array;

    /// <summary><c>items</c> as one schema for every item.</summary>
    public JsonSchemaNode? AllItems { get; set; }

    /// <summary>Positional item schemas: <c>items</c> as an array (drafts 4 to 2019-09) or <c>prefixItems</c> (2020-12).</summary>
    public List<JsonSchemaNode> ItemSchemas { get; } = [];

    public bool PermitsAdditionalItems { get; set; } = true;

    public JsonSchemaNode? AdditionalItems { get; set; }

    public JsonSchemaNode? UnevaluatedItems { get; set; }

    public int? MinItems { get; set; }

    public int? MaxItems { get; set; }

    public bool UniqueItems { get; set; }

    public int? MinContains { get; set; }

    public int? MaxContains { get; set; }
}

/// <summary>A <c>$ref</c>: the checker compares the schema it points to (resolved lazily, so recursion terminates).</summary>
internal sealed class ReferenceJsonSchema(string reference, Func<JsonSchemaNode> resolve) : JsonSchemaNode
{
    private JsonSchemaNode? _target;

    public override JsonSchemaKind Kind => JsonSchemaKind.Reference;

    public string Reference { get; } = reference;

    public JsonSchemaNode Target => _target ??= resolve();
}
