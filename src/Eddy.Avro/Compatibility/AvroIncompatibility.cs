namespace Eddy.Avro;

/// <summary>
/// One reason a reader schema cannot read data written with a writer schema, as Avro's SchemaCompatibility reports
/// it: <see cref="Kind"/> is NAME_MISMATCH, FIXED_SIZE_MISMATCH, MISSING_ENUM_SYMBOLS,
/// READER_FIELD_MISSING_DEFAULT_VALUE, TYPE_MISMATCH or MISSING_UNION_BRANCH; <see cref="Location"/> a JSON pointer
/// into the reader schema; <see cref="Message"/> what broke, in Confluent's words for a backward check (the reader
/// is the "new" schema, the writer the "old"); <see cref="ReaderFragment"/> and <see cref="WriterFragment"/> the
/// canonical forms of the two sub-schemas that disagree.
/// </summary>
public sealed record AvroIncompatibility(string Kind, string Location, string Message, string ReaderFragment, string WriterFragment)
{
    public const string NameMismatch = "NAME_MISMATCH";
    public const string FixedSizeMismatch = "FIXED_SIZE_MISMATCH";
    public const string MissingEnumSymbols = "MISSING_ENUM_SYMBOLS";
    public const string ReaderFieldMissingDefaultValue = "READER_FIELD_MISSING_DEFAULT_VALUE";
    public const string TypeMismatch = "TYPE_MISMATCH";
    public const string MissingUnionBranch = "MISSING_UNION_BRANCH";

    /// <summary>
    /// Avro's own terse message, which Confluent reports as <c>additionalInfo</c>: the field name, the missing
    /// symbols ("[C, D]"), "expected: 16, found: 8", "reader type: INT not compatible with writer type: STRING", ...
    /// </summary>
    public string AdditionalInfo { get; init; } = "";

    /// <summary>
    /// Confluent's description (its <c>Difference</c> class) with the reader and writer called by the given roles:
    /// ("new", "old") when checking that a new schema can read old data (BACKWARD), ("old", "new") for FORWARD.
    /// </summary>
    public string Describe(string readerRole, string writerRole) => Kind switch
    {
        FixedSizeMismatch => $"The size of FIXED type field at path '{Location}' in the {readerRole} schema does not match with the {writerRole} schema",
        TypeMismatch => $"The type (path '{Location}') of a field in the {readerRole} schema does not match with the {writerRole} schema",
        NameMismatch => $"The name of the schema has changed (path '{Location}')",
        MissingEnumSymbols => $"The {readerRole} schema is missing enum symbols '{AdditionalInfo}' at path '{Location}' in the {writerRole} schema",
        MissingUnionBranch => $"The {readerRole} schema is missing a type inside a union field at path '{Location}' in the {writerRole} schema",
        ReaderFieldMissingDefaultValue => $"The field '{AdditionalInfo}' at path '{Location}' in the {readerRole} schema has no default value and is missing in the {writerRole} schema",
        _ => "",
    };

    /// <summary>
    /// The message as Confluent's registry returns it in a 409 or a verbose compatibility check:
    /// <c>{errorType:'…', description:'…', additionalInfo:'…'}</c>.
    /// </summary>
    public string ToConfluentString(string readerRole = "new", string writerRole = "old") =>
        $"{{errorType:'{Kind}', description:'{Describe(readerRole, writerRole)}', additionalInfo:'{AdditionalInfo}'}}";
}
