namespace Eddy.Engine.Avro;

/// <summary>
/// The schema registry could not give an Avro serde what it needed: a schema id it does not know, a subject without
/// the schema, an error answer, no answer within the timeout. The message names the id or subject and the cause,
/// since it is what a dead-letter record carries.
/// </summary>
public sealed class SchemaRegistryLookupException : Exception
{
    public SchemaRegistryLookupException()
    {
    }

    public SchemaRegistryLookupException(string message)
        : base(message)
    {
    }

    public SchemaRegistryLookupException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public SchemaRegistryLookupException(string message, int? errorCode, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The registry's error code (40403: schema not found, 40401: subject not found, ...), when it answered with one.</summary>
    public int? ErrorCode { get; }
}
