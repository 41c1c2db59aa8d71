using System.Collections.Concurrent;
using System.Globalization;
using Eddy.Avro;
using Eddy.Registry.JsonSchemas;
using Eddy.Registry.Protobuf;
using Eddy.Registry.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Registry;

/// <summary>
/// The schema registry with Confluent's semantics (KafkaSchemaRegistry.java): subjects and versions, one global id
/// per distinct schema, compatibility levels, soft and permanent deletes, configs and modes. All state comes from the
/// <c>_schemas</c> topic through <see cref="KafkaSchemaLog"/>; writes go through the log and return once applied.
/// </summary>
public sealed class RegistryService : IAsyncDisposable
{
    private const int MinVersion = 1;
    private const int MaxCachedSchemas = 10_000;

    private static readonly AvroParseOptions StrictParsing = new() { ValidateDefaults = true };
    private static readonly AvroParseOptions LenientParsing = new() { ValidateDefaults = false };

    private readonly RegistryOptions _options;
    private readonly RegistryState _state;
    private readonly KafkaSchemaLog _log;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, AvroSchema> _parsed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonSchemaDocument> _parsedJson = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProtobufSchemaDocument> _parsedProtobuf = new(StringComparer.Ordinal);

    private RegistryService(RegistryOptions options, RegistryState state, KafkaSchemaLog log)
    {
        _options = options;
        _state = state;
        _log = log;
    }

    public RegistryOptions Options => _options;

    /// <summary>The topic the registry stores into.</summary>
    public string Topic => _log.Topic;

    /// <summary>The next offset of the topic the state has not applied yet.</summary>
    public long AppliedPosition => _log.Position;

    /// <summary>Opens the store (checking or creating the topic) and replays it to its end.</summary>
    public static async Task<RegistryService> StartAsync(RegistryOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Eddy.Registry");
        var state = new RegistryState();
        var log = await KafkaSchemaLog.OpenAsync(options, state, logger, cancellationToken);
        return new RegistryService(options, state, log);
    }

    // ---------------------------------------------------------------- reads

    /// <summary>GET /subjects: sorted subject names.</summary>
    public IReadOnlyList<string> ListSubjects(string? prefix, LookupFilter filter)
    {
        lock (_state.SyncRoot)
        {
            return
            [
                .. _state.Subjects
                    .Where(s => string.IsNullOrEmpty(prefix) || prefix == ":*:" || s.StartsWith(prefix, StringComparison.Ordinal))
                    .Where(s =>
                    {
                        var allDeleted = _state.Versions(s).All(v => v.Deleted);
                        return filter switch
                        {
                            LookupFilter.IncludeDeleted => true,
                            LookupFilter.DeletedOnly => allDeleted,
                            _ => !allDeleted,
                        };
                    })
                    .Order(StringComparer.Ordinal),
            ];
        }
    }

    /// <summary>GET /subjects/{subject}/versions.</summary>
    public IReadOnlyList<int> ListVersions(string subject, LookupFilter filter)
    {
        lock (_state.SyncRoot)
        {
            if (!_state.HasSubject(subject, filter != LookupFilter.Default))
            {
                throw RegistryErrors.SubjectNotFoundError(subject);
            }
            return
            [
                .. _state.Versions(subject)
                    .Where(v => filter switch
                    {
                        LookupFilter.IncludeDeleted => true,
                        LookupFilter.DeletedOnly => v.Deleted,
                        _ => !v.Deleted,
                    })
                    .Select(v => v.Version),
            ];
        }
    }

    /// <summary>GET /subjects/{subject}/versions/{version}: a number, <c>latest</c> or -1 (the latest live version).</summary>
    public SubjectVersionSchema GetVersion(string subject, string version, bool includeDeleted)
    {
        var versionId = ParseVersion(version);
        lock (_state.SyncRoot)
        {
            var value = Get(subject, versionId, includeDeleted);
            if (value is null)
            {
                throw _state.HasSubject(subject, includeDeleted)
                    ? RegistryErrors.VersionNotFoundError(versionId)
                    : RegistryErrors.SubjectNotFoundError(subject);
            }
            return ToView(value);
        }
    }

    /// <summary>GET /schemas/ids/{id}.</summary>
    public SchemaById GetSchemaById(int id)
    {
        lock (_state.SyncRoot)
        {
            var versions = _state.VersionsWithId(id);
            if (versions.Count == 0)
            {
                throw RegistryErrors.SchemaNotFoundError(id);
            }
            var first = versions.FirstOrDefault(v => !v.Deleted) ?? versions[0];
            return new SchemaById(id, first.Schema, NonAvro(first.SchemaType));
        }
    }

    /// <summary>GET /schemas/ids/{id}/versions: the subject versions that use schema <paramref name="id"/>.</summary>
    public IReadOnlyList<SubjectAndVersion> VersionsForId(int id, bool includeDeleted)
    {
        lock (_state.SyncRoot)
        {
            var versions = _state.VersionsWithId(id);
            if (versions.Count == 0)
            {
                throw RegistryErrors.SchemaNotFoundError(id);
            }
            return [.. versions.Where(v => includeDeleted || !v.Deleted).Select(v => new SubjectAndVersion(v.Subject, v.Version))];
        }
    }

    /// <summary>GET /schemas/ids/{id}/subjects.</summary>
    public IReadOnlyList<string> SubjectsForId(int id, bool includeDeleted) =>
        [.. VersionsForId(id, includeDeleted).Select(v => v.Subject).Distinct(StringComparer.Ordinal)];

    /// <summary>GET /schemas: every version (live ones unless <paramref name="includeDeleted"/>), by subject then version.</summary>
    public IReadOnlyList<SubjectVersionSchema> ListSchemas(string? prefix, bool includeDeleted, bool latestOnly)
    {
        lock (_state.SyncRoot)
        {
            var result = new List<SubjectVersionSchema>();
            foreach (var subject in _state.Subjects.Order(StringComparer.Ordinal))
            {
                if (!string.IsNullOrEmpty(prefix) && !subject.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }
                var versions = _state.Versions(subject).Where(v => includeDeleted || !v.Deleted).Select(ToView).ToList();
                result.AddRange(latestOnly ? versions.TakeLast(1) : versions);
            }
            return result;
        }
    }

    /// <summary>POST /subjects/{subject}: the version of <paramref name="subject"/> that holds this schema.</summary>
    public SubjectVersionSchema Lookup(string subject, SchemaRequest request, bool normalize, bool includeDeleted)
    {
        ArgumentNullException.ThrowIfNull(request);
        normalize |= ConfigInScope(subject).Normalize ?? false;
        CandidateSchema? candidate = string.IsNullOrWhiteSpace(request.Schema) ? null : Canonicalize(subject, request, normalize, isNew: false);
        lock (_state.SyncRoot)
        {
            var match = candidate is null ? null : FindUnderSubject(subject, candidate, includeDeleted);
            if (match is null)
            {
                throw _state.HasSubject(subject, includeDeleted)
                    ? RegistryErrors.SchemaNotFoundError()
                    : RegistryErrors.SubjectNotFoundError(subject);
            }
            return ToView(match);
        }
    }

    /// <summary>GET /config and GET /config/{subject}.</summary>
    public RegistryConfig GetConfig(string? subject, bool defaultToGlobal)
    {
        lock (_state.SyncRoot)
        {
            if (subject is null)
            {
                return ToConfig(_state.GlobalConfig) with { CompatibilityLevel = GlobalLevel().Name() };
            }
            var own = _state.SubjectConfig(subject);
            if (own is null && !defaultToGlobal)
            {
                throw RegistryErrors.SubjectCompatibilityNotConfiguredError(subject);
            }
            return defaultToGlobal ? ConfigInScope(subject) : ToConfig(own);
        }
    }

    /// <summary>GET /mode and GET /mode/{subject}.</summary>
    public RegistryMode GetMode(string? subject, bool defaultToGlobal)
    {
        lock (_state.SyncRoot)
        {
            if (subject is null)
            {
                return GlobalMode();
            }
            if (!defaultToGlobal && _state.SubjectMode(subject) is null && GlobalMode() != RegistryMode.ReadOnlyOverride)
            {
                throw RegistryErrors.SubjectModeNotConfiguredError(subject);
            }
            return ModeInScope(subject);
        }
    }

    /// <summary>
    /// POST /compatibility/subjects/{subject}/versions/{version} (<paramref name="version"/> given) or .../versions (null:
    /// every live version, as the level says).
    /// </summary>
    public CompatibilityResult CheckCompatibility(string subject, string? version, SchemaRequest request, bool normalize)
    {
        ArgumentNullException.ThrowIfNull(request);
        int? versionId = version is null ? null : ParseVersion(version);
        normalize |= ConfigInScope(subject).Normalize ?? false;
        if (string.IsNullOrWhiteSpace(request.Schema))
        {
            throw RegistryErrors.InvalidSchemaError("Empty schema");
        }
        List<PreviousSchema> previous;
        CompatibilityLevel level;
        lock (_state.SyncRoot)
        {
            if (versionId is { } id)
            {
                var existing = Get(subject, id, includeDeleted: false);
                if (existing is null && id != -1)
                {
                    throw _state.HasSubject(subject, false) ? RegistryErrors.VersionNotFoundError(id) : RegistryErrors.SubjectNotFoundError(subject);
                }
                previous = existing is null ? [] : [ToPrevious(existing)];
            }
            else
            {
                previous = [.. _state.Versions(subject).Where(v => !v.Deleted).Select(ToPrevious)];
            }
            level = LevelInScope(subject);
        }
        var candidate = Canonicalize(subject, request, normalize);
        var messages = Check(level, candidate, previous);
        return new CompatibilityResult(messages.Count == 0, messages);
    }

    // ---------------------------------------------------------------- writes

    /// <summary>POST /subjects/{subject}/versions (KafkaSchemaRegistry.registerOrForward + register).</summary>
    public async Task<RegisteredSchema> RegisterAsync(string subject, SchemaRequest request, bool normalize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        normalize |= ConfigInScope(subject).Normalize ?? false;

        // Already registered under this subject: answer without a write (and so also in READONLY mode).
        if (request.Version is null or 0 && !string.IsNullOrWhiteSpace(request.Schema))
        {
            var candidate = Canonicalize(subject, request, normalize, isNew: false);
            lock (_state.SyncRoot)
            {
                var existing = FindUnderSubject(subject, candidate, includeDeleted: false);
                if (existing is not null && (request.Id is null or < 0 || request.Id == existing.Id))
                {
                    return new RegisteredSchema(existing.Id, existing.Version, existing.Schema);
                }
            }
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _log.CatchUpAsync(cancellationToken);
            RegistryMode mode;
            SchemaRequest effective = request;
            int newVersion;
            List<SchemaValue> deletedVersions;
            List<PreviousSchema> undeleted;
            lock (_state.SyncRoot)
            {
                mode = ModeInScope(subject);
                if (mode is RegistryMode.ReadOnly or RegistryMode.ReadOnlyOverride)
                {
                    throw RegistryErrors.ReadOnlyError(subject);
                }
                if (request.Id is >= 0 && mode != RegistryMode.Import)
                {
                    throw RegistryErrors.OperationNotPermittedError($"Subject {subject} is not in import mode");
                }
                if (request.Id is null or < 0 && mode != RegistryMode.ReadWrite)
                {
                    throw RegistryErrors.OperationNotPermittedError($"Subject {subject} is not in read-write mode");
                }
                var all = _state.Versions(subject);
                newVersion = Math.Max(MinVersion, all.Count == 0 ? MinVersion : all.Max(v => v.Version) + 1);
                deletedVersions = [.. all.Where(v => v.Deleted)];
                undeleted = [.. all.Where(v => !v.Deleted).Select(ToPrevious)];
                if (string.IsNullOrWhiteSpace(request.Schema) && mode != RegistryMode.Import)
                {
                    var latest = _state.LatestUndeleted(subject) ?? throw RegistryErrors.InvalidSchemaError("Empty schema");
                    effective = request with { Schema = latest.Schema, SchemaType = latest.SchemaType, ReferenceCount = 0 };
                }
            }
            if (string.IsNullOrWhiteSpace(effective.Schema))
            {
                throw RegistryErrors.InvalidSchemaError("Empty schema");
            }

            var parsed = Canonicalize(subject, effective, normalize, isNew: effective.Id is null or < 0);
            var schemaId = effective.Id is >= 0 ? effective.Id.Value : -1;
            CompatibilityLevel level;
            lock (_state.SyncRoot)
            {
                var existingId = _state.IdOfSchema(parsed.Text, parsed.SchemaType);
                if (existingId is { } found && (schemaId < 0 || schemaId == found))
                {
                    var underSubject = FindUnderSubject(subject, parsed, includeDeleted: false);
                    if (effective.Version is null or 0 && underSubject is not null)
                    {
                        return new RegisteredSchema(underSubject.Id, underSubject.Version, underSubject.Schema);
                    }
                    schemaId = found;
                }
                level = LevelInScope(subject);
            }

            if (mode != RegistryMode.Import)
            {
                var messages = Check(level, parsed, undeleted);
                if (messages.Count > 0)
                {
                    throw RegistryErrors.IncompatibleSchemaError(subject, messages);
                }
            }

            int version;
            if (effective.Version is null or <= 0)
            {
                version = newVersion;
            }
            else if (effective.Version != newVersion && mode != RegistryMode.Import)
            {
                throw RegistryErrors.InvalidSchemaError("Version is not one more than previous version");
            }
            else
            {
                version = effective.Version.Value;
            }

            lock (_state.SyncRoot)
            {
                if (schemaId >= 0)
                {
                    var holders = _state.VersionsWithId(schemaId);
                    if (holders.Count > 0 && holders[0].Schema != parsed.Text)
                    {
                        throw RegistryErrors.OperationNotPermittedError(string.Create(CultureInfo.InvariantCulture,
                            $"Overwrite new schema with id {schemaId} is not permitted."));
                    }
                }
                else
                {
                    schemaId = _state.MaxId + 1;
                    while (_state.VersionsWithId(schemaId).Count > 0)
                    {
                        schemaId++;
                    }
                }
            }

            // A soft-deleted older version with the same id is tombstoned (KafkaSchemaRegistry.register, step 9).
            foreach (var deleted in deletedVersions.Where(d => d.Id == schemaId && d.Version < version))
            {
                await _log.AppendAsync(new SchemaKey(subject, deleted.Version), null, cancellationToken);
            }
            var value = new SchemaValue(subject, version, schemaId, parsed.Text, Deleted: false, parsed.SchemaType);
            await _log.AppendAsync(new SchemaKey(subject, version), value.ToBytes(), cancellationToken);
            return new RegisteredSchema(schemaId, version, parsed.Text);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>DELETE /subjects/{subject}[?permanent=true]: the versions deleted.</summary>
    public async Task<IReadOnlyList<int>> DeleteSubjectAsync(string subject, bool permanent, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _log.CatchUpAsync(cancellationToken);
            List<int> versions;
            bool dropMode;
            bool dropConfig;
            lock (_state.SyncRoot)
            {
                if (!_state.HasSubject(subject, includeDeleted: true))
                {
                    throw RegistryErrors.SubjectNotFoundError(subject);
                }
                if (!permanent && !_state.HasSubject(subject, includeDeleted: false))
                {
                    throw RegistryErrors.SubjectSoftDeletedError(subject);
                }
                CheckNotReadOnly(subject);
                var all = _state.Versions(subject);
                if (permanent && all.Any(v => !v.Deleted))
                {
                    throw RegistryErrors.SubjectNotSoftDeletedError(subject);
                }
                versions = [.. all.Where(v => permanent || !v.Deleted).Select(v => v.Version)];
                dropMode = _state.SubjectMode(subject) is not null;
                dropConfig = _state.SubjectConfig(subject) is not null;
            }
            if (permanent)
            {
                foreach (var version in versions)
                {
                    await _log.AppendAsync(new SchemaKey(subject, version), null, cancellationToken);
                }
            }
            else
            {
                await _log.AppendAsync(new DeleteSubjectKey(subject), new DeleteSubjectValue(subject, versions[^1]).ToBytes(), cancellationToken);
                await DropSubjectSettingsAsync(subject, dropMode, dropConfig, cancellationToken);
            }
            return versions;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>DELETE /subjects/{subject}/versions/{version}[?permanent=true]: the version deleted.</summary>
    public async Task<int> DeleteVersionAsync(string subject, string version, bool permanent, CancellationToken cancellationToken)
    {
        var versionId = ParseVersion(version);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _log.CatchUpAsync(cancellationToken);
            SchemaValue target;
            bool lastLive;
            bool dropMode;
            bool dropConfig;
            lock (_state.SyncRoot)
            {
                if (Get(subject, versionId, includeDeleted: true) is not null && !permanent && Get(subject, versionId, includeDeleted: false) is null)
                {
                    throw RegistryErrors.VersionSoftDeletedError(subject, version);
                }
                target = Get(subject, versionId, includeDeleted: true)
                    ?? throw (_state.HasSubject(subject, includeDeleted: true)
                        ? RegistryErrors.VersionNotFoundError(versionId)
                        : RegistryErrors.SubjectNotFoundError(subject));
                CheckNotReadOnly(subject);
                if (permanent && !target.Deleted)
                {
                    throw RegistryErrors.VersionNotSoftDeletedError(subject, target.Version.ToString(CultureInfo.InvariantCulture));
                }
                lastLive = !_state.Versions(subject).Any(v => !v.Deleted && v.Version != target.Version);
                dropMode = _state.SubjectMode(subject) is not null;
                dropConfig = _state.SubjectConfig(subject) is not null;
            }
            if (permanent)
            {
                await _log.AppendAsync(new SchemaKey(subject, target.Version), null, cancellationToken);
            }
            else
            {
                await _log.AppendAsync(new SchemaKey(subject, target.Version), (target with { Deleted = true }).ToBytes(), cancellationToken);
                if (lastLive)
                {
                    await DropSubjectSettingsAsync(subject, dropMode, dropConfig, cancellationToken);
                }
            }
            return target.Version;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>PUT /config[/{subject}]: the config now in force (Confluent echoes it as <c>{"compatibility":…}</c>).</summary>
    public async Task<RegistryConfig> UpdateConfigAsync(string? subject, string? compatibility, bool? normalize, CancellationToken cancellationToken)
    {
        CompatibilityLevel? level = null;
        if (compatibility is not null)
        {
            level = RegistryNames.TryParseLevel(compatibility, out var parsed) ? parsed : throw RegistryErrors.InvalidCompatibilityLevelError();
        }
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _log.CatchUpAsync(cancellationToken);
            ConfigValue merged;
            lock (_state.SyncRoot)
            {
                CheckNotReadOnly(subject);
                var old = subject is null ? _state.GlobalConfig : _state.SubjectConfig(subject);
                merged = new ConfigValue(level?.Name() ?? old?.CompatibilityLevel, normalize ?? old?.Normalize);
            }
            await _log.AppendAsync(new ConfigKey(subject), merged.ToBytes(), cancellationToken);
            return ToConfig(merged);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>DELETE /config[/{subject}]: the config that was in force before.</summary>
    public async Task<RegistryConfig> DeleteConfigAsync(string? subject, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _log.CatchUpAsync(cancellationToken);
            RegistryConfig old;
            lock (_state.SyncRoot)
            {
                if (subject is null)
                {
                    old = ToConfig(_state.GlobalConfig) with { CompatibilityLevel = GlobalLevel().Name() };
                }
                else
                {
                    old = _state.SubjectConfig(subject) is { } config ? ToConfig(config) : throw RegistryErrors.SubjectNotFoundError(subject);
                }
                CheckNotReadOnly(subject);
            }
            await _log.AppendAsync(new ConfigKey(subject), null, cancellationToken);
            return old;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>PUT /mode[/{subject}]: the mode now in force.</summary>
    public async Task<RegistryMode> SetModeAsync(string? subject, string mode, bool force, CancellationToken cancellationToken)
    {
        if (!RegistryNames.TryParseMode(mode, out var parsed))
        {
            throw RegistryErrors.InvalidModeError();
        }
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _log.CatchUpAsync(cancellationToken);
            var tombstones = new List<SchemaKey>();
            lock (_state.SyncRoot)
            {
                if (parsed == RegistryMode.Import && ModeInScope(subject) != RegistryMode.Import && !force)
                {
                    // Importing needs an empty registry (or subject): ids and versions come from elsewhere.
                    var subjects = subject is null ? _state.Subjects.ToList() : [subject];
                    if (subjects.Any(s => _state.HasSubject(s, includeDeleted: false)))
                    {
                        throw RegistryErrors.OperationNotPermittedError("Cannot import since found existing subjects");
                    }
                    tombstones.AddRange(subjects.SelectMany(s => _state.Versions(s).Select(v => new SchemaKey(s, v.Version))));
                }
            }
            foreach (var key in tombstones)
            {
                await _log.AppendAsync(key, null, cancellationToken);
            }
            await _log.AppendAsync(new ModeKey(subject), new ModeValue(parsed.Name()).ToBytes(), cancellationToken);
            return parsed;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>DELETE /mode[/{subject}]: the mode that was set.</summary>
    public async Task<RegistryMode> DeleteModeAsync(string? subject, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _log.CatchUpAsync(cancellationToken);
            RegistryMode old;
            lock (_state.SyncRoot)
            {
                var own = subject is null ? _state.GlobalMode : _state.SubjectMode(subject);
                if (own is null && subject is not null)
                {
                    throw RegistryErrors.SubjectNotFoundError(subject);
                }
                old = RegistryNames.TryParseMode(own, out var m) ? m : RegistryMode.ReadWrite;
            }
            await _log.AppendAsync(new ModeKey(subject), null, cancellationToken);
            return old;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // ---------------------------------------------------------------- helpers

    private async Task DropSubjectSettingsAsync(string subject, bool mode, bool config, CancellationToken cancellationToken)
    {
        if (mode)
        {
            await _log.AppendAsync(new ModeKey(subject), null, cancellationToken);
        }
        if (config)
        {
            await _log.AppendAsync(new ConfigKey(subject), null, cancellationToken);
        }
    }

    private void CheckNotReadOnly(string? subject)
    {
        if (ModeInScope(subject) is RegistryMode.ReadOnly or RegistryMode.ReadOnlyOverride)
        {
            throw RegistryErrors.ReadOnlyError(subject);
        }
    }

    /// <summary>A version number, <c>latest</c> or -1 (as -1), else 42202.</summary>
    public static int ParseVersion(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var trimmed = version.Trim();
        if (trimmed.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            return -1;
        }
        if (!int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || (number <= 0 && number != -1))
        {
            throw RegistryErrors.InvalidVersionError(version);
        }
        return number;
    }

    // KafkaSchemaRegistry.get: -1 is the latest live version whatever includeDeleted says.
    private SchemaValue? Get(string subject, int version, bool includeDeleted)
    {
        if (version == -1)
        {
            return _state.LatestUndeleted(subject);
        }
        var value = _state.Version(subject, version);
        return value is not null && (includeDeleted || !value.Deleted) ? value : null;
    }

    private SchemaValue? FindUnderSubject(string subject, CandidateSchema candidate, bool includeDeleted) =>
        _state.VersionsOfSchema(subject, candidate.Text, candidate.SchemaType).LastOrDefault(v => includeDeleted || !v.Deleted);

    private static IReadOnlyList<string> Check(CompatibilityLevel level, CandidateSchema candidate, IReadOnlyList<PreviousSchema> previous) =>
        candidate.Json is { } json ? CompatibilityChecker.Check(level, json, previous)
        : candidate.Protobuf is { } protobuf ? CompatibilityChecker.Check(level, protobuf, previous)
        : CompatibilityChecker.Check(level, candidate.Avro!, previous);

    // Field defaults are validated only for schemas being registered or checked (Confluent's isNew); lookups and
    // imports with explicit ids accept what a registry may already hold.
    private CandidateSchema Canonicalize(string subject, SchemaRequest request, bool normalize, bool isNew = true)
    {
        var type = request.SchemaType ?? "AVRO";
        var text = request.Schema ?? "";
        if (type is not ("AVRO" or "JSON" or "PROTOBUF"))
        {
            throw RegistryErrors.InvalidSchemaError(
                $"Invalid schema type {type}: this registry supports AVRO, JSON and PROTOBUF schemas (the schemaType field must be absent, \"AVRO\", \"JSON\" or \"PROTOBUF\")");
        }
        if (request.ReferenceCount > 0)
        {
            throw RegistryErrors.InvalidSchemaError(
                $"Invalid schema {text} with refs of type {type}, details: schema references are not supported by this registry");
        }
        return type switch
        {
            "JSON" => CanonicalizeJson(subject, text, normalize),
            "PROTOBUF" => CanonicalizeProtobuf(subject, text),
            _ => CanonicalizeAvro(subject, text, normalize, isNew),
        };
    }

    private CandidateSchema CanonicalizeAvro(string subject, string text, bool normalize, bool isNew)
    {
        AvroSchema schema;
        try
        {
            schema = AvroSchema.Parse(text, isNew ? StrictParsing : LenientParsing);
        }
        catch (AvroSchemaException e)
        {
            throw RegistryErrors.InvalidSchemaError(
                $"Invalid schema {{subject={subject}, version=0, id=-1, schemaType=AVRO, references=[], schema={text}}} with refs [] of type AVRO, details: {Where(e)}");
        }
        // Confluent's AvroSchema.normalize() parses the normalized string again; what it stores is that schema's
        // canonical form (Avro's toString), so ASCENDING orders vanish and full names split back into namespaces.
        if (normalize)
        {
            schema = schema.Normalize();
        }
        var stored = schema.ToCanonicalString();
        Remember(stored, schema);
        return new CandidateSchema(null, stored, schema, null);
    }

    // normalize=true stores the same form for now: Confluent's normalized Protobuf form (fields by number, types
    // fully qualified, imports sorted) is not written yet.
    private CandidateSchema CanonicalizeProtobuf(string subject, string text)
    {
        ProtobufSchemaDocument document;
        try
        {
            document = ProtobufSchemaDocument.Parse(text);
        }
        catch (ProtobufSchemaException e)
        {
            throw RegistryErrors.InvalidSchemaError(
                $"Invalid schema {{subject={subject}, version=0, id=-1, schemaType=PROTOBUF, references=[], schema={text}}} with refs [] of type PROTOBUF, details: {e.Message}");
        }
        RememberProtobuf(document.CanonicalString, document);
        return new CandidateSchema("PROTOBUF", document.CanonicalString, null, null, document);
    }

    private void RememberProtobuf(string text, ProtobufSchemaDocument document)
    {
        if (_parsedProtobuf.Count >= MaxCachedSchemas)
        {
            _parsedProtobuf.Clear();
        }
        _parsedProtobuf.TryAdd(text, document);
    }

    private ProtobufSchemaDocument? ParseStoredProtobuf(string text)
    {
        if (_parsedProtobuf.TryGetValue(text, out var document))
        {
            return document;
        }
        try
        {
            document = ProtobufSchemaDocument.Parse(text);
        }
        catch (ProtobufSchemaException)
        {
            return null;
        }
        RememberProtobuf(text, document);
        return document;
    }

    private CandidateSchema CanonicalizeJson(string subject, string text, bool normalize)
    {
        JsonSchemaDocument document;
        try
        {
            document = JsonSchemaDocument.Parse(text);
        }
        catch (JsonSchemaException e)
        {
            // Confluent answers "details: Invalid JSON" for every schema its loader refuses; we say what and where too.
            var details = e.Message.StartsWith("Invalid JSON", StringComparison.Ordinal) ? e.Message : "Invalid JSON: " + e.Message;
            throw RegistryErrors.InvalidSchemaError(
                $"Invalid schema {{subject={subject}, version=0, id=-1, schemaType=JSON, references=[], schema={text}}}, details: {details}");
        }
        // normalize=true: Confluent re-reads the canonical string with its keys sorted (objectMapperWithOrderedProps).
        var stored = normalize ? document.NormalizedString : document.CanonicalString;
        _parsedJson.TryAdd(stored, document);
        return new CandidateSchema("JSON", stored, null, document);
    }

    private static string Where(AvroSchemaException e)
    {
        var message = e.Message;
        if (e.Line is { } line && !message.Contains("line", StringComparison.OrdinalIgnoreCase))
        {
            message += string.Create(CultureInfo.InvariantCulture, $" (line {line}, column {e.Column ?? 0})");
        }
        else if (e.Path is { } path && !message.Contains(path, StringComparison.Ordinal))
        {
            message += $" (at {path})";
        }
        return message;
    }

    private void Remember(string text, AvroSchema schema)
    {
        if (_parsed.Count >= MaxCachedSchemas)
        {
            _parsed.Clear();
        }
        _parsed.TryAdd(text, schema);
    }

    private PreviousSchema ToPrevious(SchemaValue value)
    {
        if (value.SchemaType == "JSON")
        {
            return new PreviousSchema(value.Version, value.Schema, null, "JSON", ParseStoredJson(value.Schema));
        }
        if (value.SchemaType == "PROTOBUF")
        {
            return new PreviousSchema(value.Version, value.Schema, null, "PROTOBUF", null, ParseStoredProtobuf(value.Schema));
        }
        if (NonAvro(value.SchemaType) is { } type)
        {
            return new PreviousSchema(value.Version, value.Schema, null, type);
        }
        if (!_parsed.TryGetValue(value.Schema, out var schema))
        {
            try
            {
                schema = AvroSchema.Parse(value.Schema, LenientParsing);
                Remember(value.Schema, schema);
            }
            catch (AvroSchemaException)
            {
                schema = null;
            }
        }
        return new PreviousSchema(value.Version, value.Schema, schema);
    }

    private JsonSchemaDocument? ParseStoredJson(string text)
    {
        if (_parsedJson.TryGetValue(text, out var document))
        {
            return document;
        }
        try
        {
            document = JsonSchemaDocument.Parse(text);
        }
        catch (JsonSchemaException)
        {
            return null;
        }
        if (_parsedJson.Count >= MaxCachedSchemas)
        {
            _parsedJson.Clear();
        }
        _parsedJson.TryAdd(text, document);
        return document;
    }

    private static string? NonAvro(string? schemaType) => schemaType is null or "AVRO" ? null : schemaType;

    private static SubjectVersionSchema ToView(SchemaValue value) =>
        new(value.Subject, value.Version, value.Id, value.Schema, NonAvro(value.SchemaType), value.Deleted);

    private static RegistryConfig ToConfig(ConfigValue? value) => new(value?.CompatibilityLevel, value?.Normalize);

    private CompatibilityLevel GlobalLevel() =>
        RegistryNames.TryParseLevel(_state.GlobalConfig?.CompatibilityLevel, out var level) ? level : _options.DefaultCompatibility;

    private CompatibilityLevel LevelInScope(string subject) =>
        RegistryNames.TryParseLevel(_state.SubjectConfig(subject)?.CompatibilityLevel, out var level) ? level : GlobalLevel();

    private RegistryConfig ConfigInScope(string subject)
    {
        lock (_state.SyncRoot)
        {
            var own = _state.SubjectConfig(subject);
            return new RegistryConfig(LevelInScope(subject).Name(), own?.Normalize ?? _state.GlobalConfig?.Normalize);
        }
    }

    private RegistryMode GlobalMode() => RegistryNames.TryParseMode(_state.GlobalMode, out var mode) ? mode : RegistryMode.ReadWrite;

    private RegistryMode ModeInScope(string? subject)
    {
        var global = GlobalMode();
        if (subject is null || global == RegistryMode.ReadOnlyOverride)
        {
            return global;
        }
        return RegistryNames.TryParseMode(_state.SubjectMode(subject), out var mode) ? mode : global;
    }

    public async ValueTask DisposeAsync()
    {
        await _log.DisposeAsync();
        _writeLock.Dispose();
    }
}

/// <summary>A schema of a request, parsed and in the form the registry stores and compares (<see cref="Text"/>).</summary>
internal sealed record CandidateSchema(string? SchemaType, string Text, AvroSchema? Avro, JsonSchemaDocument? Json, ProtobufSchemaDocument? Protobuf = null);
