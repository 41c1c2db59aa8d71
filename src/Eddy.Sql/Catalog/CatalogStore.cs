using System.Globalization;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Catalog;

/// <summary>
/// The namespaces a catalog keeps names in. Tables and views share one, as in Flink (a view cannot take a table's
/// name: "Table (or view) ... already exists"); functions have their own, with case-insensitive names.
/// </summary>
internal enum CatalogNamespace
{
    /// <summary>Tables and views.</summary>
    TableOrView,

    /// <summary>User-defined functions.</summary>
    Function,
}

/// <summary>
/// The identity of a stored definition: its namespace and full name (a function's name lower-cased, as Flink's
/// <c>FunctionIdentifier.normalizeName</c> does, so <c>MyFn</c> and <c>myfn</c> are the same function).
/// </summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The full name, normalized for functions.</param>
internal readonly record struct CatalogKey(CatalogNamespace Namespace, ObjectIdentifier Name)
{
    /// <summary>The key of a table or view.</summary>
    public static CatalogKey TableOrView(ObjectIdentifier name) => new(CatalogNamespace.TableOrView, name);

    /// <summary>The key of a function: its name lower-cased.</summary>
    public static CatalogKey Function(ObjectIdentifier name) =>
        new(CatalogNamespace.Function, name with { Name = NormalizeFunctionName(name.Name) });

    /// <summary>The key of an object of that kind.</summary>
    public static CatalogKey Of(ObjectKind kind, ObjectIdentifier name) => kind == ObjectKind.Function ? Function(name) : TableOrView(name);

    /// <summary>Flink's function-name normalization (lower case, culture-invariant).</summary>
    public static string NormalizeFunctionName(string name) => name.ToLower(CultureInfo.InvariantCulture);
}

/// <summary>
/// A permanent definition as the store keeps it: the catalog entry (parsed DDL and its text), its kind, and the
/// bookkeeping persisted with it.
/// </summary>
/// <param name="Kind">TABLE, VIEW or FUNCTION.</param>
/// <param name="Entry">The entry (never temporary).</param>
/// <param name="Version">1 when created, one more at each ALTER.</param>
/// <param name="CreatedAt">When the object was first created (kept across ALTERs).</param>
internal sealed record StoredDefinition(ObjectKind Kind, CatalogEntry Entry, long Version, DateTimeOffset CreatedAt)
{
    /// <summary>The definition's key.</summary>
    public CatalogKey Key => CatalogKey.Of(Kind, Entry.Name);
}

/// <summary>
/// Where permanent definitions live, shared by every session on it. Reads answer from what the store has applied so
/// far; a write returns once the store has applied it, so a session always reads its own writes.
/// </summary>
internal interface ICatalogStore : IAsyncDisposable
{
    /// <summary>The definition under that key, or null.</summary>
    StoredDefinition? Find(CatalogKey key);

    /// <summary>Every definition, in no particular order (a snapshot: later writes do not change it).</summary>
    IReadOnlyList<StoredDefinition> Definitions();

    /// <summary>Waits until the store has applied everything written so far, by any session (a DDL calls this before it checks names).</summary>
    Task CatchUpAsync(CancellationToken cancellationToken);

    /// <summary>Stores a definition (replacing the one under its key) and returns once it is applied.</summary>
    /// <exception cref="CatalogException">The store could not write it.</exception>
    Task PutAsync(StoredDefinition definition, CancellationToken cancellationToken);

    /// <summary>Removes the definition under that key and returns once the removal is applied.</summary>
    /// <exception cref="CatalogException">The store could not write the removal.</exception>
    Task RemoveAsync(CatalogKey key, CancellationToken cancellationToken);
}

/// <summary>The definitions a store has applied, safe to read while a reader thread applies more.</summary>
internal sealed class CatalogDefinitions
{
    private readonly Lock _lock = new();
    private readonly Dictionary<CatalogKey, StoredDefinition> _definitions = [];

    public StoredDefinition? Find(CatalogKey key)
    {
        lock (_lock)
        {
            return _definitions.GetValueOrDefault(key);
        }
    }

    public IReadOnlyList<StoredDefinition> Snapshot()
    {
        lock (_lock)
        {
            return [.. _definitions.Values];
        }
    }

    public void Put(StoredDefinition definition)
    {
        lock (_lock)
        {
            _definitions[definition.Key] = definition;
        }
    }

    public void Remove(CatalogKey key)
    {
        lock (_lock)
        {
            _definitions.Remove(key);
        }
    }
}

/// <summary>
/// A store in this process's memory: what tests use, and a catalog that needs no broker. Definitions do not outlive
/// the process, but every session given the same instance shares them.
/// </summary>
internal sealed class InMemoryCatalogStore : ICatalogStore
{
    private readonly CatalogDefinitions _definitions = new();

    public StoredDefinition? Find(CatalogKey key) => _definitions.Find(key);

    public IReadOnlyList<StoredDefinition> Definitions() => _definitions.Snapshot();

    public Task CatchUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PutAsync(StoredDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definitions.Put(definition);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(CatalogKey key, CancellationToken cancellationToken)
    {
        _definitions.Remove(key);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
