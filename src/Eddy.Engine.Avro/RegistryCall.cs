using Confluent.SchemaRegistry;

namespace Eddy.Engine.Avro;

/// <summary>
/// Runs one registry request synchronously, for serdes that must answer synchronously: the request runs on the
/// thread pool (so no synchronization context can deadlock it) and the caller blocks for at most the timeout.
/// An answer that settles the question (an unknown id, a subject without the schema) becomes a
/// <see cref="SchemaRegistryLookupException"/> whose message says what was asked and why it failed, because that
/// message is all a dead-letter record keeps of the problem; no answer, or a server error, becomes a
/// <see cref="SchemaRegistryUnavailableException"/>, which a worker retries instead of dead-lettering the record.
/// </summary>
internal static class RegistryCall
{
    /// <summary>The registry's "schema not found" error code (an unknown id, or a schema not under the subject).</summary>
    public const int SchemaNotFound = 40403;

    /// <summary>Confluent's 5xxxx codes: the registry's own trouble (its store, a forward to the leader), worth a retry.</summary>
    private const int ServerErrors = 50000;

    /// <param name="what">What is being asked, to end a sentence: "looking up schema id 42".</param>
    /// <param name="notFound">The whole message for a 40403 answer, when that answer has a plainer meaning.</param>
    public static T Run<T>(Func<Task<T>> request, TimeSpan timeout, string what, string? notFound = null)
    {
        try
        {
            return Task.Run(request).WaitAsync(timeout).GetAwaiter().GetResult();
        }
        catch (TimeoutException e)
        {
            throw new SchemaRegistryUnavailableException($"The schema registry did not answer within {timeout.TotalSeconds:0.###} s {what}", e);
        }
        catch (SchemaRegistryException e) when (e.ErrorCode == SchemaNotFound && notFound is not null)
        {
            throw new SchemaRegistryLookupException(notFound, e.ErrorCode, e);
        }
        catch (SchemaRegistryException e) when (e.ErrorCode >= ServerErrors)
        {
            throw new SchemaRegistryUnavailableException($"The schema registry answered error {e.ErrorCode} {what}: {e.Message}", e);
        }
        catch (SchemaRegistryException e)
        {
            throw new SchemaRegistryLookupException($"The schema registry answered error {e.ErrorCode} {what}: {e.Message}", e.ErrorCode, e);
        }
        catch (Exception e)
        {
            throw new SchemaRegistryUnavailableException($"The schema registry request failed {what}: {e.GetType().Name}: {e.Message}", e);
        }
    }
}
