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
/// A parsed Avro schema. <see cref="Parse"/> reads the JSON form with the specification's naming rules (namespaces,
/// aliases, references to named types, recursion); <see cref="ToCanonicalString"/> is the compact form Confluent's
/// registry stores and compares (Avro's Schema.toString()), <see cref="ToNormalizedString"/> the form it compares
/// with normalize=true.
/// </summary>
public abstract partial class AvroSchema
{
    public abstract AvroType Type { get; }

    /// <summary>Parses a schema; every problem is an <see cref="AvroSchemaException"/> saying what and where.</summary>
    public static AvroSchema Parse(string json) => throw new NotImplementedException();

    public string ToCanonicalString() => throw new NotImplementedException();

    public string ToNormalizedString() => throw new NotImplementedException();
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

/// <summary>
/// One reason a reader schema cannot read data written with a writer schema, as Avro's SchemaCompatibility reports
/// it: <see cref="Kind"/> is NAME_MISMATCH, FIXED_SIZE_MISMATCH, MISSING_ENUM_SYMBOLS,
/// READER_FIELD_MISSING_DEFAULT_VALUE, TYPE_MISMATCH or MISSING_UNION_BRANCH; <see cref="Location"/> a JSON pointer
/// into the reader schema; <see cref="Message"/> what broke.
/// </summary>
public sealed record AvroIncompatibility(string Kind, string Location, string Message, string ReaderFragment, string WriterFragment);

/// <summary>Avro schema resolution as a static check (what the schema registry's compatibility levels are built on).</summary>
public static class AvroCompatibility
{
    /// <summary>Why <paramref name="reader"/> cannot read what <paramref name="writer"/> wrote; empty when it can.</summary>
    public static IReadOnlyList<AvroIncompatibility> CheckReaderWriter(AvroSchema reader, AvroSchema writer) => throw new NotImplementedException();
}
