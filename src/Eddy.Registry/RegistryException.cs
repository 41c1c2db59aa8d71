using System.Globalization;

namespace Eddy.Registry;

/// <summary>
/// A request the registry refuses, in Confluent's terms: the HTTP status, the <c>error_code</c> and the
/// <c>message</c> of the error body <c>{"error_code":N,"message":"..."}</c>.
/// </summary>
public sealed class RegistryException : Exception
{
    public RegistryException(int status, int errorCode, string message)
        : base(message)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    public RegistryException(int status, int errorCode, string message, Exception innerException)
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    public RegistryException()
        : this(500, 50001, "Error in the backend data store")
    {
    }

    public RegistryException(string message)
        : this(500, 50001, message)
    {
    }

    public RegistryException(string message, Exception innerException)
        : this(500, 50001, message, innerException)
    {
    }

    /// <summary>The HTTP status: 404, 409, 422, 500 ...</summary>
    public int Status { get; }

    /// <summary>Confluent's error code (40401, 42201, ...).</summary>
    public int ErrorCode { get; }
}

/// <summary>Confluent's error codes and messages (schema-registry's <c>Errors.java</c> and the Rest*Exception classes).</summary>
public static class RegistryErrors
{
    public const int SubjectNotFound = 40401;
    public const int VersionNotFound = 40402;
    public const int SchemaNotFound = 40403;
    public const int SubjectSoftDeleted = 40404;
    public const int SubjectNotSoftDeleted = 40405;
    public const int VersionSoftDeleted = 40406;
    public const int VersionNotSoftDeleted = 40407;
    public const int SubjectCompatibilityNotConfigured = 40408;
    public const int SubjectModeNotConfigured = 40409;
    public const int AssociationNotFound = 40410;

    /// <summary>
    /// The incompatible-schema code: Confluent answered <c>error_code</c> 409 (the HTTP status) until its master moved to
    /// 40901 in December 2025; released servers and Karapace answer 409, so do we. Clients look at the HTTP status.
    /// </summary>
    public const int IncompatibleSchema = 409;

    public const int InvalidSchema = 42201;
    public const int InvalidVersion = 42202;
    public const int InvalidCompatibilityLevel = 42203;
    public const int InvalidMode = 42204;
    public const int OperationNotPermitted = 42205;
    public const int ReferenceExists = 42206;
    public const int IdDoesNotMatch = 42207;
    public const int InvalidSubject = 42208;

    public const int StoreError = 50001;
    public const int OperationTimeout = 50002;

    public static RegistryException SubjectNotFoundError(string subject) =>
        new(404, SubjectNotFound, $"Subject '{subject}' not found.");

    public static RegistryException VersionNotFoundError(int version) =>
        new(404, VersionNotFound, string.Create(CultureInfo.InvariantCulture, $"Version {version} not found."));

    public static RegistryException SchemaNotFoundError() => new(404, SchemaNotFound, "Schema not found");

    public static RegistryException SchemaNotFoundError(int id) =>
        new(404, SchemaNotFound, string.Create(CultureInfo.InvariantCulture, $"Schema {id} not found"));

    public static RegistryException SubjectSoftDeletedError(string subject) =>
        new(404, SubjectSoftDeleted, $"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently");

    public static RegistryException SubjectNotSoftDeletedError(string subject) =>
        new(404, SubjectNotSoftDeleted, $"Subject '{subject}' was not deleted first before being permanently deleted");

    public static RegistryException VersionSoftDeletedError(string subject, string version) =>
        new(404, VersionSoftDeleted, $"Subject '{subject}' Version {version} was soft deleted.Set permanent=true to delete permanently");

    public static RegistryException VersionNotSoftDeletedError(string subject, string version) =>
        new(404, VersionNotSoftDeleted, $"Subject '{subject}' Version {version} was not deleted first before being permanently deleted");

    public static RegistryException SubjectCompatibilityNotConfiguredError(string subject) =>
        new(404, SubjectCompatibilityNotConfigured, $"Subject '{subject}' does not have subject-level compatibility configured");

    public static RegistryException SubjectModeNotConfiguredError(string subject) =>
        new(404, SubjectModeNotConfigured, $"Subject '{subject}' does not have subject-level mode configured");

    public static RegistryException IncompatibleSchemaError(string subject, IReadOnlyList<string> details) =>
        new(409, IncompatibleSchema,
            $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{string.Join(", ", details)}]");

    public static RegistryException InvalidSchemaError(string message) => new(422, InvalidSchema, message);

    public static RegistryException InvalidVersionError(string version) =>
        new(422, InvalidVersion,
            $"The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");

    public static RegistryException InvalidCompatibilityLevelError() =>
        new(422, InvalidCompatibilityLevel,
            "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive");

    public static RegistryException InvalidModeError() =>
        new(422, InvalidMode, "Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE, and IMPORT.");

    public static RegistryException OperationNotPermittedError(string message) => new(422, OperationNotPermitted, message);

    public static RegistryException ReadOnlyError(string? subject) =>
        OperationNotPermittedError($"Subject {subject ?? "null"} is in read-only mode");

    public static RegistryException StoreErrorOf(string message, Exception? inner = null) =>
        inner is null ? new(500, StoreError, message) : new(500, StoreError, message, inner);

    public static RegistryException TimeoutError(string message, Exception? inner = null) =>
        inner is null ? new(500, OperationTimeout, message) : new(500, OperationTimeout, message, inner);
}
