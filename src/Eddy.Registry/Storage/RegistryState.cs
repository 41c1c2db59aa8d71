namespace Eddy.Registry.Storage;

/// <summary>
/// Everything the registry knows, built only by applying the records of the <c>_schemas</c> topic in offset order
/// (<see cref="Apply"/>). Readers and the applying thread take <see cref="SyncRoot"/>.
/// </summary>
public sealed class RegistryState
{
    private readonly Dictionary<string, SortedDictionary<int, SchemaValue>> _subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<SchemaKey>> _keysBySchema = new(StringComparer.Ordinal);
    private readonly Dictionary<int, HashSet<SchemaKey>> _keysById = [];
    private readonly Dictionary<string, ConfigValue> _subjectConfigs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _subjectModes = new(StringComparer.Ordinal);

    /// <summary>The lock every reader and the applying thread hold.</summary>
    public object SyncRoot { get; } = new();

    /// <summary>The largest schema id ever seen: new ids are <c>MaxId + 1</c> (Confluent's IncrementalIdGenerator).</summary>
    public int MaxId { get; private set; }

    public ConfigValue? GlobalConfig { get; private set; }

    public string? GlobalMode { get; private set; }

    /// <summary>Records that could not be understood and were skipped.</summary>
    public long SkippedRecords { get; private set; }

    /// <summary>Applies one record; a tombstone is a null <paramref name="value"/>. Never throws for bad input.</summary>
    public void Apply(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool isTombstone)
    {
        try
        {
            ApplyRecord(RegistryRecords.ReadKey(key), value, isTombstone);
        }
        catch (FormatException)
        {
            SkippedRecords++;
        }
    }

    private void ApplyRecord(RegistryKey key, ReadOnlySpan<byte> value, bool isTombstone)
    {
        switch (key)
        {
            case SchemaKey schemaKey when isTombstone:
                Remove(schemaKey);
                break;
            case SchemaKey schemaKey:
                var schema = RegistryRecords.ReadSchemaValue(value);
                if (schema.Subject != schemaKey.Subject || schema.Version != schemaKey.Version)
                {
                    throw new FormatException("SCHEMA value does not match its key");
                }
                Put(schemaKey, schema);
                break;
            case ConfigKey config:
                var configValue = isTombstone ? null : RegistryRecords.ReadConfigValue(value);
                if (config.Subject is null)
                {
                    GlobalConfig = configValue;
                }
                else if (configValue is null)
                {
                    _subjectConfigs.Remove(config.Subject);
                }
                else
                {
                    _subjectConfigs[config.Subject] = configValue;
                }
                break;
            case ModeKey mode:
                var modeValue = isTombstone ? null : RegistryRecords.ReadModeValue(value).Mode;
                if (mode.Subject is null)
                {
                    GlobalMode = modeValue;
                }
                else if (modeValue is null)
                {
                    _subjectModes.Remove(mode.Subject);
                }
                else
                {
                    _subjectModes[mode.Subject] = modeValue;
                }
                break;
            case DeleteSubjectKey when !isTombstone:
                var deletion = RegistryRecords.ReadDeleteSubjectValue(value);
                if (_subjects.TryGetValue(deletion.Subject, out var versions))
                {
                    foreach (var version in versions.Values.Where(v => v.Version <= deletion.Version && !v.Deleted).ToList())
                    {
                        versions[version.Version] = version with { Deleted = true };
                    }
                }
                break;
            case ClearSubjectKey clear when !isTombstone:
                foreach (var (subject, subjectVersions) in _subjects.ToList())
                {
                    if (clear.Subject is null || subject == clear.Subject)
                    {
                        foreach (var deleted in subjectVersions.Values.Where(v => v.Deleted).ToList())
                        {
                            Remove(new SchemaKey(subject, deleted.Version));
                        }
                    }
                }
                break;
            default:
                // NOOP, CONTEXT, ASSOC, tombstones of DELETE_SUBJECT/CLEAR_SUBJECT: nothing to remember.
                break;
        }
    }

    private void Put(SchemaKey key, SchemaValue value)
    {
        Remove(key);
        if (!_subjects.TryGetValue(key.Subject, out var versions))
        {
            versions = [];
            _subjects[key.Subject] = versions;
        }
        versions[key.Version] = value;
        Index(_keysBySchema, value.Schema, key);
        Index(_keysById, value.Id, key);
        MaxId = Math.Max(MaxId, value.Id);
    }

    private void Remove(SchemaKey key)
    {
        if (!_subjects.TryGetValue(key.Subject, out var versions) || !versions.Remove(key.Version, out var old))
        {
            return;
        }
        if (versions.Count == 0)
        {
            _subjects.Remove(key.Subject);
        }
        Unindex(_keysBySchema, old.Schema, key);
        Unindex(_keysById, old.Id, key);
    }

    private static void Index<T>(Dictionary<T, HashSet<SchemaKey>> index, T value, SchemaKey key)
        where T : notnull
    {
        if (!index.TryGetValue(value, out var keys))
        {
            keys = [];
            index[value] = keys;
        }
        keys.Add(key);
    }

    private static void Unindex<T>(Dictionary<T, HashSet<SchemaKey>> index, T value, SchemaKey key)
        where T : notnull
    {
        if (index.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
        {
            index.Remove(value);
        }
    }

    /// <summary>Every version of a subject, soft-deleted ones included, oldest first.</summary>
    public IReadOnlyList<SchemaValue> Versions(string subject) =>
        _subjects.TryGetValue(subject, out var versions) ? [.. versions.Values] : [];

    public SchemaValue? Version(string subject, int version) =>
        _subjects.TryGetValue(subject, out var versions) && versions.TryGetValue(version, out var value) ? value : null;

    /// <summary>The latest version that is not soft-deleted.</summary>
    public SchemaValue? LatestUndeleted(string subject) =>
        _subjects.TryGetValue(subject, out var versions) ? versions.Values.LastOrDefault(v => !v.Deleted) : null;

    public IEnumerable<string> Subjects => _subjects.Keys;

    /// <summary>True when the subject has a version (a live one unless <paramref name="includeDeleted"/>).</summary>
    public bool HasSubject(string subject, bool includeDeleted) =>
        _subjects.TryGetValue(subject, out var versions) && (includeDeleted || versions.Values.Any(v => !v.Deleted));

    /// <summary>The id an identical (stored) schema string of the same type (null or AVRO for Avro) already has, if any.</summary>
    public int? IdOfSchema(string schema, string? schemaType = null)
    {
        if (!_keysBySchema.TryGetValue(schema, out var keys))
        {
            return null;
        }
        var ids = keys.Select(k => Version(k.Subject, k.Version)!).Where(v => SameType(v.SchemaType, schemaType)).Select(v => v.Id).ToList();
        return ids.Count > 0 ? ids.Min() : null;
    }

    /// <summary>The versions of <paramref name="subject"/> whose stored schema string is <paramref name="schema"/> (of that type), oldest first.</summary>
    public IReadOnlyList<SchemaValue> VersionsOfSchema(string subject, string schema, string? schemaType = null) =>
        _keysBySchema.TryGetValue(schema, out var keys)
            ? [.. keys.Where(k => k.Subject == subject).Select(k => Version(k.Subject, k.Version)!).Where(v => SameType(v.SchemaType, schemaType)).OrderBy(v => v.Version)]
            : [];

    // The same text can be an Avro and a JSON schema ({"type":"string"}): ids and lookups are per type, as in Confluent.
    private static bool SameType(string? a, string? b) => (a ?? "AVRO") == (b ?? "AVRO");

    /// <summary>The versions that carry schema id <paramref name="id"/>, by subject then version.</summary>
    public IReadOnlyList<SchemaValue> VersionsWithId(int id) =>
        _keysById.TryGetValue(id, out var keys)
            ? [.. keys.Select(k => Version(k.Subject, k.Version)!).OrderBy(v => v.Subject, StringComparer.Ordinal).ThenBy(v => v.Version)]
            : [];

    public ConfigValue? SubjectConfig(string subject) => _subjectConfigs.GetValueOrDefault(subject);

    public string? SubjectMode(string subject) => _subjectModes.GetValueOrDefault(subject);
}
