namespace Eddy.Engine;

/// <summary>
/// A serde could not do its work for a reason outside the record (a schema registry that does not answer, a
/// dependency restarting): the record is not bad input and must not go to the dead letters. A worker aborts the
/// commit interval, waits and reads the records again; the test kit lets it propagate.
/// </summary>
public class TransientSerdeException : Exception
{
    public TransientSerdeException()
    {
    }

    public TransientSerdeException(string message)
        : base(message)
    {
    }

    public TransientSerdeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
