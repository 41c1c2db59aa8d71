namespace Eddy.Sql.Functions;

/// <summary>
/// An error a SQL function, operator or cast raises on a value at run time (a failed CAST, a division by zero, an
/// invalid argument), or that the function registry raises when a call does not match any signature. The message is
/// Flink's wording where Flink has one.
/// </summary>
public sealed class SqlFunctionException : Exception
{
    /// <summary>An error with a message.</summary>
    public SqlFunctionException(string message) : base(message)
    {
    }

    /// <summary>An error with a message and the error that caused it.</summary>
    public SqlFunctionException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>An error without a message (for serializers; prefer a message).</summary>
    public SqlFunctionException() : base("A SQL function failed.")
    {
    }
}
