namespace Eddy.Registry;

/// <summary>Which versions a listing includes: live ones (default), soft-deleted ones too, or only soft-deleted ones.</summary>
public enum LookupFilter
{
    Default,
    IncludeDeleted,
    DeletedOnly,
}

/// <summary>A schema as a request carries it (register, lookup, compatibility check).</summary>
public sealed record SchemaRequest
{
    public string? Schema { get; init; }

    /// <summary>AVRO when absent.</summary>
    public string? SchemaType { get; init; }

    /// <summary>How many schema references the request names (Eddy accepts none).</summary>
    public int ReferenceCount { get; init; }

    /// <summary>An explicit id (honoured in IMPORT mode only).</summary>
    public int? Id { get; init; }

    /// <summary>An explicit version (honoured in IMPORT mode; otherwise it must be the next version).</summary>
    public int? Version { get; init; }
}

/// <summary>One version of a subject as the API returns it.</summary>
public sealed record SubjectVersionSchema(string Subject, int Version, int Id, string Schema, string? SchemaType, bool Deleted);

/// <summary>The answer to a registration: the global id and the subject's version.</summary>
public sealed record RegisteredSchema(int Id, int Version, string Schema);

/// <summary>A schema looked up by id.</summary>
public sealed record SchemaById(int Id, string Schema, string? SchemaType);

/// <summary>A subject and version (GET /schemas/ids/{id}/versions).</summary>
public sealed record SubjectAndVersion(string Subject, int Version);

/// <summary>A compatibility config: the level and whether schemas are normalized.</summary>
public sealed record RegistryConfig(string? CompatibilityLevel, bool? Normalize);

/// <summary>The result of a compatibility check.</summary>
public sealed record CompatibilityResult(bool IsCompatible, IReadOnlyList<string> Messages);
