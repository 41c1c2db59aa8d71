using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Confluent.SchemaRegistry;
using Eddy.Avro;
using Eddy.Avro.Serdes;

namespace Eddy.Engine.Avro;

/// <summary>
/// The schema id to write under one subject: registered (auto-registration), looked up, or the subject's latest
/// version (use-latest), asked of the registry once per schema and then cached, so records of a known schema cost
/// no registry call.
/// </summary>
internal sealed class SubjectSchemaIds
{
    private readonly ISchemaRegistryClient _registry;
    private readonly AvroSerdeConfig _config;
    private readonly TimeSpan _timeout;

    // By instance first (one reference lookup per record), then by canonical form, so that equal schemas parsed
    // separately (the writer schema of each id read, say) share one registry request. Weak, because a job could
    // make schemas on the fly.
    private readonly ConditionalWeakTable<AvroSchema, StrongBox<int>> _byInstance = [];
    private readonly ConcurrentDictionary<string, int> _byCanonical = new(StringComparer.Ordinal);
    private readonly Lazy<(int Id, AvroSchema Schema)> _latest;

    public SubjectSchemaIds(ISchemaRegistryClient registry, string subject, AvroSerdeConfig config, TimeSpan timeout)
    {
        _registry = registry;
        Subject = subject;
        _config = config;
        _timeout = timeout;
        // Not cached when failing (PublicationOnly): the next record asks again.
        _latest = new Lazy<(int, AvroSchema)>(FetchLatest, LazyThreadSafetyMode.PublicationOnly);
    }

    public string Subject { get; }

    /// <summary>The subject's latest version and its id (use-latest).</summary>
    public (int Id, AvroSchema Schema) Latest => _latest.Value;

    /// <summary>The id of <paramref name="schema"/> under the subject.</summary>
    public int IdOf(AvroSchema schema)
    {
        if (_byInstance.TryGetValue(schema, out var known))
        {
            return known.Value;
        }

        var canonical = schema.ToCanonicalString();
        if (!_byCanonical.TryGetValue(canonical, out var id))
        {
            id = Fetch(schema, canonical);
            _byCanonical.TryAdd(canonical, id);
        }

        _byInstance.AddOrUpdate(schema, new StrongBox<int>(id));
        return id;
    }

    private int Fetch(AvroSchema schema, string canonical)
    {
        var name = schema is NamedSchema named ? named.FullName : schema.Type.ToString().ToLowerInvariant();
        var request = new Schema(canonical, SchemaType.Avro);
        return _config.AutoRegisterSchemas
            ? RegistryCall.Run(() => _registry.RegisterSchemaAsync(Subject, request, _config.NormalizeSchemas), _timeout,
                $"registering schema {name} under subject {Subject}")
            : RegistryCall.Run(() => _registry.GetSchemaIdAsync(Subject, request, _config.NormalizeSchemas), _timeout,
                $"looking up schema {name} under subject {Subject}",
                notFound: $"Schema {name} is not registered under subject {Subject} (and auto-registration is off)");
    }

    private (int, AvroSchema) FetchLatest()
    {
        var latest = RegistryCall.Run(() => _registry.GetLatestSchemaAsync(Subject), _timeout, $"looking up the latest schema of subject {Subject}");
        return (latest.Id, AvroSchema.Parse(latest.SchemaString, new AvroParseOptions { ValidateDefaults = false }));
    }
}
