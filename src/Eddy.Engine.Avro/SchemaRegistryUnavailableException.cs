namespace Eddy.Engine.Avro;

/// <summary>
/// The schema registry did not answer (a timeout, a refused connection, a server error): nothing is known about the
/// record, so the worker retries it later instead of dead-lettering it.
/// </summary>
public sealed class SchemaRegistryUnavailableException : TransientSerdeException
{
    public SchemaRegistryUnavailableException()
    {
    }

    public SchemaRegistryUnavailableException(string message)
        : base(message)
    {
    }

    public SchemaRegistryUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
