namespace Eddy.Engine;

/// <summary>A job definition that cannot run (a window without a key, a missing serde, no sink...), found at build time.</summary>
public sealed class JobDefinitionException : Exception
{
    public JobDefinitionException()
    {
    }

    public JobDefinitionException(string message)
        : base(message)
    {
    }

    public JobDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
