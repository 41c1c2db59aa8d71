using System.Collections.Concurrent;
using Confluent.SchemaRegistry;
using Eddy.Avro;

namespace Eddy.Engine.Avro;

/// <summary>
/// The reader for each writer schema id seen in a topic: the id's schema is fetched from the registry the first time
/// (blocking, up to the timeout) and the reader, resolved to the reader schema, kept for good, so records of a known
/// id cost no registry call. Ids the registry does not know, and schemas that are not Avro, are remembered as
/// failures too (unknown ids only briefly, in case the registry was lagging) so that a run of such records does not
/// make one request each.
/// </summary>
internal sealed class WriterSchemaReaders(ISchemaRegistryClient registry, AvroSchema? readerSchema, TimeSpan timeout)
{
    /// <summary>How long an unknown id stays unknown before the registry is asked again.</summary>
    private static readonly TimeSpan UnknownIdRetention = TimeSpan.FromSeconds(10);

    // Stored schemas were checked when registered; like Confluent, do not reject them again over their defaults.
    private static readonly AvroParseOptions StoredSchema = new() { ValidateDefaults = false };

    private readonly ConcurrentDictionary<int, AvroDatumReader> _readers = new();
    private readonly ConcurrentDictionary<int, Failure> _failures = new();

    public AvroDatumReader For(int id) => _readers.TryGetValue(id, out var reader) ? reader : Fetch(id);

    private AvroDatumReader Fetch(int id)
    {
        if (_failures.TryGetValue(id, out var failure))
        {
            if (failure.ExpiresAt > Environment.TickCount64)
            {
                throw new SchemaRegistryLookupException(failure.Message, failure.ErrorCode, null);
            }

            _failures.TryRemove(id, out _);
        }

        Schema stored;
        try
        {
            stored = RegistryCall.Run(() => registry.GetSchemaAsync(id), timeout, $"looking up schema id {id}",
                notFound: $"Schema id {id} not found in the schema registry");
        }
        catch (SchemaRegistryLookupException e) when (e.ErrorCode == RegistryCall.SchemaNotFound)
        {
            _failures[id] = new Failure(e.Message, e.ErrorCode, Environment.TickCount64 + (long)UnknownIdRetention.TotalMilliseconds);
            throw;
        }

        var writer = Parse(id, stored);
        var reader = AvroDatumReader.For(writer, readerSchema ?? writer);
        return _readers.GetOrAdd(id, reader);
    }

    private AvroSchema Parse(int id, Schema stored)
    {
        string? problem = null;
        if (stored.SchemaType != SchemaType.Avro)
        {
            problem = $"Schema id {id} is a {stored.SchemaType} schema, not Avro";
        }
        else if (stored.References is { Count: > 0 })
        {
            // Eddy.Avro can parse references, but fetching them by subject and version is not done here (yet).
            problem = $"Schema id {id} has schema references ({string.Join(", ", stored.References.Select(r => r.Name))}), which the engine's Avro serde does not resolve";
        }
        else
        {
            try
            {
                return AvroSchema.Parse(stored.SchemaString, StoredSchema);
            }
            catch (AvroSchemaException e)
            {
                problem = $"Schema id {id} is not a valid Avro schema: {e.Message}";
            }
        }

        // The registry's answer for an id never changes, so neither does this verdict.
        _failures[id] = new Failure(problem, null, long.MaxValue);
        throw new SchemaRegistryLookupException(problem);
    }

    private sealed record Failure(string Message, int? ErrorCode, long ExpiresAt);
}
