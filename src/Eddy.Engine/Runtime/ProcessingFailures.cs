using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>Tells a user function's failure (subject to the job's <see cref="ProcessingErrorPolicy"/>) from the runtime's own.</summary>
internal static class ProcessingFailures
{
    /// <summary>
    /// Whether <paramref name="error"/>, thrown by an operator, is its function's failure. Already attributed failures,
    /// an unavailable serde dependency (retried by the runtime), cancellation, the state backend's failures and the
    /// process running out of memory or stack are not: skipping a record for them would lose it for nothing wrong with it.
    /// </summary>
    public static bool IsUserError(Exception error) => error is not (ProcessingException or TransientSerdeException or BadInputException
        or OperationCanceledException or ObjectDisposedException or StateStoreException or OutOfMemoryException or InsufficientExecutionStackException);
}
