using Eddy.Sql.Syntax;

namespace Eddy.Sql.Catalog;

/// <summary>
/// The full name of a catalog object (table, view, function) as Flink resolves it: catalog, database and object name.
/// A name written with one or two parts takes the session's current catalog and database for the missing parts.
/// </summary>
/// <param name="Catalog">The catalog (<c>default_catalog</c> unless USE CATALOG changed it).</param>
/// <param name="Database">The database (<c>default_database</c> unless USE changed it).</param>
/// <param name="Name">The object's name, case-sensitive as Flink's.</param>
internal readonly record struct ObjectIdentifier(string Catalog, string Database, string Name)
{
    /// <summary>Flink's default catalog name.</summary>
    public const string DefaultCatalog = "default_catalog";

    /// <summary>Flink's default database name.</summary>
    public const string DefaultDatabase = "default_database";

    /// <summary>The full name of a name written with one, two or three parts.</summary>
    /// <exception cref="CatalogException">More than three parts, or none.</exception>
    public static ObjectIdentifier Of(IReadOnlyList<string> parts, string currentCatalog = DefaultCatalog, string currentDatabase = DefaultDatabase) => parts.Count switch
    {
        1 => new(currentCatalog, currentDatabase, parts[0]),
        2 => new(currentCatalog, parts[0], parts[1]),
        3 => new(parts[0], parts[1], parts[2]),
        _ => throw new CatalogException($"Object identifier '{string.Join('.', parts)}' is not valid: it has {parts.Count} parts, at most 3 are allowed."),
    };

    /// <summary>The name as Flink prints it in messages: <c>default_catalog.default_database.orders</c>.</summary>
    public override string ToString() => $"{Catalog}.{Database}.{Name}";

    /// <summary>The name quoted as Flink's DDL writes it: <c>`default_catalog`.`default_database`.`orders`</c>.</summary>
    public string ToQuotedString() => $"`{Catalog.Replace("`", "``", StringComparison.Ordinal)}`.`{Database.Replace("`", "``", StringComparison.Ordinal)}`.`{Name.Replace("`", "``", StringComparison.Ordinal)}`";
}

/// <summary>
/// A definition the catalog holds: the DDL statement that created it (a <see cref="CreateTableStatement"/>,
/// <see cref="CreateViewStatement"/> or <see cref="CreateFunctionStatement"/>), parsed, with its text.
/// </summary>
/// <param name="Name">The object's full name.</param>
/// <param name="Definition">The parsed DDL statement.</param>
/// <param name="Text">The DDL text as it was written (what the catalog persists).</param>
/// <param name="Temporary">Whether the object is temporary (this session only, never persisted).</param>
internal sealed record CatalogEntry(ObjectIdentifier Name, Statement Definition, string Text, bool Temporary);

/// <summary>
/// What the binder reads from the catalog: definitions by name, the names it may suggest, and the session's current
/// catalog and database. The catalog keeps DDL statements, not planner objects: the binder binds a table's columns,
/// computed columns and watermark into a <see cref="Planning.Logical.CatalogTable"/> when a query uses it.
/// </summary>
internal interface ICatalogReader
{
    /// <summary>The session's current catalog.</summary>
    string CurrentCatalog { get; }

    /// <summary>The session's current database.</summary>
    string CurrentDatabase { get; }

    /// <summary>The table or view of that name (a temporary object shadows a permanent one), or null.</summary>
    CatalogEntry? FindTableOrView(ObjectIdentifier name);

    /// <summary>The user-defined function of that name (CREATE FUNCTION), or null.</summary>
    CatalogEntry? FindFunction(ObjectIdentifier name);

    /// <summary>The temporary system function of that name (<c>CREATE TEMPORARY SYSTEM FUNCTION</c>), or null.</summary>
    CatalogEntry? FindSystemFunction(string name) => null;

    /// <summary>Every table and view name of a database, to suggest the closest name for a misspelt one.</summary>
    IEnumerable<ObjectIdentifier> TableAndViewNames(string catalog, string database);
}

/// <summary>A catalog operation failed: an object exists or is missing, a name is malformed, the store is unavailable.</summary>
public sealed class CatalogException : Exception
{
    public CatalogException()
    {
    }

    public CatalogException(string message)
        : base(message)
    {
    }

    public CatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
