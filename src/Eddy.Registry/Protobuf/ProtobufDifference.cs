using System.Globalization;

namespace Eddy.Registry.Protobuf;

/// <summary>Confluent's Protobuf difference types (<c>Difference.Type</c> in its protobuf-provider), named as it names them.</summary>
internal enum ProtobufDifferenceType
{
    PACKAGE_CHANGED, MESSAGE_ADDED, MESSAGE_REMOVED, MESSAGE_MOVED,
    ENUM_ADDED, ENUM_REMOVED, ENUM_CONST_ADDED, ENUM_CONST_CHANGED, ENUM_CONST_REMOVED,
    FIELD_ADDED, FIELD_REMOVED, FIELD_NAME_CHANGED, FIELD_KIND_CHANGED, FIELD_SCALAR_KIND_CHANGED, FIELD_NAMED_TYPE_CHANGED,
    FIELD_NUMERIC_LABEL_CHANGED, FIELD_STRING_OR_BYTES_LABEL_CHANGED,
    REQUIRED_FIELD_ADDED, REQUIRED_FIELD_REMOVED,
    ONEOF_ADDED, ONEOF_REMOVED, ONEOF_FIELD_ADDED, ONEOF_FIELD_REMOVED, ONEOF_FIELD_MOVED_TO_TOP_LEVEL,
    MULTIPLE_FIELDS_MOVED_TO_ONEOF, FIELD_MOVED_TO_EXISTING_ONEOF,
}

/// <summary>
/// One difference between an original and an updated Protobuf schema at a path (<c>#/Order/3</c>: message names,
/// then a oneof name and a field number), and Confluent's wording of it; <c>{0}</c> and <c>{1}</c> in the description
/// name the two sides ("new"/"old" as the direction of the check says).
/// </summary>
internal sealed record ProtobufDifference(ProtobufDifferenceType Type, string FullPath)
{
    /// <summary>Confluent's compatible changes (<c>SchemaDiff.COMPATIBLE_CHANGES</c>).</summary>
    public static readonly IReadOnlySet<ProtobufDifferenceType> CompatibleChanges = new HashSet<ProtobufDifferenceType>
    {
        ProtobufDifferenceType.MESSAGE_ADDED, ProtobufDifferenceType.MESSAGE_MOVED,
        ProtobufDifferenceType.ENUM_ADDED, ProtobufDifferenceType.ENUM_REMOVED,
        ProtobufDifferenceType.ENUM_CONST_ADDED, ProtobufDifferenceType.ENUM_CONST_CHANGED, ProtobufDifferenceType.ENUM_CONST_REMOVED,
        ProtobufDifferenceType.FIELD_ADDED, ProtobufDifferenceType.FIELD_REMOVED, ProtobufDifferenceType.FIELD_NAME_CHANGED,
        ProtobufDifferenceType.FIELD_STRING_OR_BYTES_LABEL_CHANGED,
        ProtobufDifferenceType.ONEOF_ADDED, ProtobufDifferenceType.ONEOF_REMOVED, ProtobufDifferenceType.ONEOF_FIELD_ADDED,
        ProtobufDifferenceType.ONEOF_FIELD_MOVED_TO_TOP_LEVEL,
    };

    public bool IsCompatible => CompatibleChanges.Contains(Type);

    /// <summary>Confluent's <c>Difference.toString()</c> with the sides named: <c>{errorType:"FIELD_KIND_CHANGED", description:"…"}</c>.</summary>
    public string ToConfluentString(string first, string second) =>
        $"{{errorType:\"{Type}\", description:\"{string.Format(CultureInfo.InvariantCulture, Template(), first, second)}\"}}";

    private string Template()
    {
        var path = FullPath.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
        return Type switch
        {
            ProtobufDifferenceType.PACKAGE_CHANGED => $"The package at '{path}' in the {{0}} schema does not match the package in the {{1}} schema",
            ProtobufDifferenceType.MESSAGE_REMOVED => $"The {{0}} schema is missing a MESSAGE type at path '{path}' in the {{1}} schema",
            ProtobufDifferenceType.FIELD_KIND_CHANGED => $"The type of a field at path '{path}' in the {{0}} schema does not match the {{1}} schema",
            ProtobufDifferenceType.FIELD_SCALAR_KIND_CHANGED => $"The kind of a SCALAR field at path '{path}' in the {{0}} schema does not match its kind in the {{1}} schema",
            ProtobufDifferenceType.FIELD_NAMED_TYPE_CHANGED => $"The type of a MESSAGE field at path '{path}' in the {{0}} schema does not match its type in the {{1}} schema",
            ProtobufDifferenceType.FIELD_NUMERIC_LABEL_CHANGED => $"The label for a NUMERIC field at path '{path}' in the {{0}} schema does not match its label in the {{1}} schema",
            // Two spaces after "field": Confluent's wording, kept so clients matching its messages match ours.
            ProtobufDifferenceType.REQUIRED_FIELD_ADDED => $"A required field  at path '{path}' in the {{0}} schema is missing in the {{1}} schema",
            ProtobufDifferenceType.REQUIRED_FIELD_REMOVED => $"The {{0}} schema is missing a required field at path: '{path}' in the {{1}} schema",
            ProtobufDifferenceType.ONEOF_FIELD_REMOVED => $"The {{0}} schema is missing a oneof field at path '{path}' in the {{1}} schema",
            ProtobufDifferenceType.ONEOF_FIELD_MOVED_TO_TOP_LEVEL => $"The oneof field at path '{path}' in the {{0}} schema was moved out of its oneof to a top-level field in the {{1}} schema",
            ProtobufDifferenceType.MULTIPLE_FIELDS_MOVED_TO_ONEOF => $"Multiple fields in the oneof at path '{path}' in the {{0}} schema are outside a oneof in the {{1}} schema",
            ProtobufDifferenceType.FIELD_MOVED_TO_EXISTING_ONEOF => $"A field in the oneof at path '{path}' in the {{0}} schema is outside an existing oneof in the {{1}} schema",
            _ => "",
        };
    }

    /// <summary>"TYPE #/path", as tests and logs name a difference.</summary>
    public override string ToString() => $"{Type} {FullPath}";
}
