using Eddy.Sql.Syntax;
using Microsoft.Extensions.Logging;

namespace Eddy.Sql.Catalog;

/// <summary>
/// One SQL session's catalog, in Flink's semantics: permanent tables, views and functions live in a store shared by
/// every session on it (a compacted Kafka topic, or memory); temporary ones live in this session only, never
/// persisted, and shadow permanent ones of the same name; the session also holds its current catalog and database
/// and its <c>SET</c> options. <see cref="ExecuteAsync"/> runs the DDL, SHOW, SET, RESET and USE statements; the
/// binder reads definitions through <see cref="ICatalogReader"/>. Only <c>default_catalog</c> and its
/// <c>default_database</c> exist. A session is used by one thread at a time, as a SQL client session is.
/// </summary>
public sealed partial class SqlCatalog : ICatalogReader, IAsyncDisposable
{
    private readonly ICatalogStore _store;
    private readonly bool _ownsStore;
    private readonly TimeProvider _time;
    private readonly Dictionary<ObjectIdentifier, CatalogEntry> _temporaryTables = [];

    // Keyed by the normalized (lower-case) name, as Flink's FunctionCatalog keys them.
    private readonly Dictionary<ObjectIdentifier, CatalogEntry> _temporaryFunctions = [];
    private readonly Dictionary<string, CatalogEntry> _temporarySystemFunctions = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _options = new(StringComparer.Ordinal);

    internal SqlCatalog(ICatalogStore store, bool ownsStore, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _ownsStore = ownsStore;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A session whose permanent definitions live in this process's memory only.</summary>
    public static SqlCatalog CreateInMemory() => new(new InMemoryCatalogStore(), ownsStore: true);

    /// <summary>
    /// A session on the catalog topic (<see cref="KafkaCatalogStoreOptions.Topic"/>, created compacted if missing),
    /// read to its end before this returns.
    /// </summary>
    /// <exception cref="CatalogException">Kafka cannot be reached, or the topic is not a compacted topic of one partition.</exception>
    public static async Task<SqlCatalog> OpenAsync(KafkaCatalogStoreOptions options, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        new(await KafkaCatalogStore.OpenAsync(options, logger, cancellationToken), ownsStore: true);

    /// <summary>
    /// A session on the catalog topic, opened when the session first needs its definitions (a DDL, a SHOW,
    /// <see cref="SyncAsync"/>): SET, RESET and USE work before that without Kafka. <paramref name="options"/> is asked
    /// then, so a client can start its cluster only at that moment; a failed opening fails that statement and the
    /// next one tries again. Call <see cref="SyncAsync"/> before binding a query, so its tables are known.
    /// </summary>
    public static SqlCatalog OpenOnFirstUse(Func<CancellationToken, Task<KafkaCatalogStoreOptions>> options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(new DeferredCatalogStore(async cancellationToken =>
            await KafkaCatalogStore.OpenAsync(await options(cancellationToken), logger, cancellationToken)), ownsStore: true);
    }

    /// <inheritdoc/>
    public string CurrentCatalog { get; private set; } = ObjectIdentifier.DefaultCatalog;

    /// <inheritdoc/>
    public string CurrentDatabase { get; private set; } = ObjectIdentifier.DefaultDatabase;

    /// <summary>The options this session SET, by key.</summary>
    public IReadOnlyDictionary<string, string> SessionOptions => _options;

    /// <summary>Whether <see cref="ExecuteAsync"/> runs this statement (the rest are queries, INSERTs and statements the planner runs).</summary>
    public static bool Handles(Statement statement) => statement switch
    {
        CreateTableStatement { AsQuery: null } or CreateViewStatement or CreateFunctionStatement or DropStatement or AlterStatement => true,
        ShowStatement { Kind: not (ShowKind.Columns or ShowKind.Modules or ShowKind.Jobs) } => true,
        SetStatement or ResetStatement or UseStatement => true,
        _ => false,
    };

    /// <summary>
    /// Waits until this session sees every definition stored so far by any session. Another session's writes also
    /// arrive on their own (the store follows its topic); a client calls this before planning a statement when it
    /// must not miss a definition written a moment ago elsewhere.
    /// </summary>
    public Task SyncAsync(CancellationToken cancellationToken = default) => _store.CatchUpAsync(cancellationToken);

    /// <summary>Runs a DDL, SHOW, SET, RESET or USE statement (see <see cref="Handles"/>).</summary>
    /// <param name="statement">The parsed statement.</param>
    /// <param name="text">The statement's text as written (stored as the definition's DDL); its printed form when null.</param>
    /// <param name="cancellationToken">Cancels waiting for the store.</param>
    /// <returns>Flink's result: <c>OK</c> for DDL, SET and USE, the listed rows for SHOW and a bare SET.</returns>
    /// <exception cref="CatalogException">The statement fails, with Flink's message.</exception>
    public async Task<StatementResult> ExecuteAsync(Statement statement, string? text = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        text = string.IsNullOrWhiteSpace(text) ? statement.ToSql() : text.Trim().TrimEnd(';').TrimEnd();
        // Awaited here so that every failure, SET's and USE's included, arrives through the returned task.
        return await (statement switch
        {
            CreateTableStatement { AsQuery: not null } =>
                throw new CatalogException("CREATE TABLE ... AS SELECT runs as a query: the planner derives the table from it."),
            CreateTableStatement create => CreateTableAsync(create, text, cancellationToken),
            CreateViewStatement create => CreateViewAsync(create, text, cancellationToken),
            CreateFunctionStatement create => CreateFunctionAsync(create, text, cancellationToken),
            DropStatement { Kind: ObjectKind.Function } drop => DropFunctionAsync(drop, cancellationToken),
            DropStatement drop => DropTableOrViewAsync(drop, cancellationToken),
            AlterStatement alter => AlterAsync(alter, cancellationToken),
            ShowStatement show => ShowAsync(show, cancellationToken),
            SetStatement set => Task.FromResult(Set(set)),
            ResetStatement reset => Task.FromResult(Reset(reset)),
            UseStatement use => Task.FromResult(Use(use)),
            _ => throw new CatalogException($"The catalog does not run this statement: {statement.ToSql()}"),
        });
    }

    /// <summary>The full name of a name written in this session.</summary>
    internal ObjectIdentifier Resolve(IReadOnlyList<string> parts) => ObjectIdentifier.Of(parts, CurrentCatalog, CurrentDatabase);

    /// <summary>The table or view of that name: a temporary one shadows a permanent one.</summary>
    internal CatalogEntry? FindTableOrView(ObjectIdentifier name) =>
        _temporaryTables.GetValueOrDefault(name) ?? _store.Find(CatalogKey.TableOrView(name))?.Entry;

    /// <summary>The function of that name: a temporary catalog function shadows a permanent one (names are case-insensitive).</summary>
    internal CatalogEntry? FindFunction(ObjectIdentifier name)
    {
        var key = CatalogKey.Function(name);
        return _temporaryFunctions.GetValueOrDefault(key.Name) ?? _store.Find(key)?.Entry;
    }

    /// <summary>The temporary system function of that name (<c>CREATE TEMPORARY SYSTEM FUNCTION</c>), which Flink resolves before built-in functions.</summary>
    internal CatalogEntry? FindTemporarySystemFunction(string name) =>
        _temporarySystemFunctions.GetValueOrDefault(CatalogKey.NormalizeFunctionName(name));

    /// <summary>Every table and view name of a database, temporary and permanent.</summary>
    internal IEnumerable<ObjectIdentifier> TableAndViewNames(string catalog, string database)
    {
        var names = new HashSet<ObjectIdentifier>();
        foreach (var name in _temporaryTables.Keys)
        {
            if (name.Catalog == catalog && name.Database == database)
                names.Add(name);
        }
        foreach (var definition in _store.Definitions())
        {
            var name = definition.Entry.Name;
            if (definition.Kind != ObjectKind.Function && name.Catalog == catalog && name.Database == database)
                names.Add(name);
        }
        return names;
    }

    CatalogEntry? ICatalogReader.FindTableOrView(ObjectIdentifier name) => FindTableOrView(name);

    CatalogEntry? ICatalogReader.FindFunction(ObjectIdentifier name) => FindFunction(name);

    IEnumerable<ObjectIdentifier> ICatalogReader.TableAndViewNames(string catalog, string database) => TableAndViewNames(catalog, database);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_ownsStore)
            await _store.DisposeAsync();
    }

    private static ObjectKind KindOf(CatalogEntry entry) => entry.Definition switch
    {
        CreateViewStatement => ObjectKind.View,
        CreateFunctionStatement => ObjectKind.Function,
        _ => ObjectKind.Table,
    };

    // Flink's ObjectIdentifier.asSerializableString: `catalog`.`database`.`name`.
    private static string Quoted(ObjectIdentifier name) => name.ToQuotedString();

    // Flink's ObjectPath.getFullName: database.name (its catalog exceptions name the catalog apart).
    private static string PathOf(ObjectIdentifier name) => $"{name.Database}.{name.Name}";

    // Only default_catalog exists (Flink's "Catalog %s does not exist."), and in it only default_database (Flink's
    // DatabaseNotExistException), until CREATE CATALOG / CREATE DATABASE are supported.
    private static void CheckDatabaseExists(ObjectIdentifier name)
    {
        if (name.Catalog != ObjectIdentifier.DefaultCatalog)
            throw new CatalogException($"Catalog {name.Catalog} does not exist.");
        if (name.Database != ObjectIdentifier.DefaultDatabase)
            throw new CatalogException($"Database {name.Database} does not exist in Catalog {name.Catalog}.");
    }
}
