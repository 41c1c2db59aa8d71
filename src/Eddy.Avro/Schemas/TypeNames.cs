namespace Eddy.Avro;

/// <summary>The JSON spelling of each <see cref="AvroType"/> and of the primitive type names.</summary>
internal static class TypeNames
{
    public static string Of(AvroType type) => type switch
    {
        AvroType.Null => "null",
        AvroType.Boolean => "boolean",
        AvroType.Int => "int",
        AvroType.Long => "long",
        AvroType.Float => "float",
        AvroType.Double => "double",
        AvroType.Bytes => "bytes",
        AvroType.String => "string",
        AvroType.Record => "record",
        AvroType.Enum => "enum",
        AvroType.Array => "array",
        AvroType.Map => "map",
        AvroType.Union => "union",
        AvroType.Fixed => "fixed",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryPrimitive(string name, out AvroType type)
    {
        switch (name)
        {
            case "null": type = AvroType.Null; return true;
            case "boolean": type = AvroType.Boolean; return true;
            case "int": type = AvroType.Int; return true;
            case "long": type = AvroType.Long; return true;
            case "float": type = AvroType.Float; return true;
            case "double": type = AvroType.Double; return true;
            case "bytes": type = AvroType.Bytes; return true;
            case "string": type = AvroType.String; return true;
            default: type = default; return false;
        }
    }

    /// <summary>Whether <paramref name="name"/> spells one of the type names (Java's <c>Schema.Type</c> values).</summary>
    public static bool IsTypeName(string name) => TryPrimitive(name, out _) || name is "record" or "enum" or "array" or "map" or "union" or "fixed";
}
