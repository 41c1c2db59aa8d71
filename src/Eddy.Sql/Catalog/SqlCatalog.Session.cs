using System.Globalization;
using Eddy.Sql.Functions;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Catalog;

// SHOW, SET, RESET and USE: what the session lists and its own state, with Flink's column names and messages.
public sealed partial class SqlCatalog
{
    private async Task<StatementResult> ShowAsync(ShowStatement show, CancellationToken cancellationToken)
    {
        // A SHOW lists what every session stored up to now, not only what this one has already seen.
        await _store.CatchUpAsync(cancellationToken);
        return show.Kind switch
        {
            ShowKind.Catalogs => StatementResult.OfColumn("catalog name", [ObjectIdentifier.DefaultCatalog]),
            ShowKind.Databases => StatementResult.OfColumn("database name", CurrentCatalog == ObjectIdentifier.DefaultCatalog ? [ObjectIdentifier.DefaultDatabase] : []),
            ShowKind.CurrentCatalog => StatementResult.OfColumn("current catalog name", [CurrentCatalog]),
            ShowKind.CurrentDatabase => StatementResult.OfColumn("current database name", [CurrentDatabase]),
            ShowKind.Tables => StatementResult.OfColumn("table name", Sorted(TableNames(view: null))),
            ShowKind.Views => StatementResult.OfColumn("view name", Sorted(TableNames(view: true))),
            ShowKind.UserFunctions => StatementResult.OfColumn("function name", Sorted(UserFunctionNames())),
            ShowKind.Functions => StatementResult.OfColumn("function name", Sorted(AllFunctionNames())),
            ShowKind.CreateTable => ShowCreate(show, ObjectKind.Table),
            ShowKind.CreateView => ShowCreate(show, ObjectKind.View),
            _ => throw new CatalogException($"The catalog does not run {show.ToSql()}."),
        };
    }

    // SHOW TABLES lists tables and views, temporary and permanent, of the current database (CatalogManager.listTables);
    // SHOW VIEWS only views.
    private HashSet<string> TableNames(bool? view)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, entry) in _temporaryTables)
        {
            if (InCurrentDatabase(name) && (view is null || (KindOf(entry) == ObjectKind.View) == view))
                names.Add(name.Name);
        }
        foreach (var definition in _store.Definitions())
        {
            if (definition.Kind != ObjectKind.Function && InCurrentDatabase(definition.Entry.Name) && (view is null || (definition.Kind == ObjectKind.View) == view))
                names.Add(definition.Entry.Name.Name);
        }
        return names;
    }

    // FunctionCatalog.getUserDefinedFunctions: temporary system functions, and the temporary and permanent catalog
    // functions of the current database, by their normalized (lower-case) names.
    private HashSet<string> UserFunctionNames()
    {
        var names = new HashSet<string>(_temporarySystemFunctions.Keys, StringComparer.Ordinal);
        foreach (var name in _temporaryFunctions.Keys)
        {
            if (InCurrentDatabase(name))
                names.Add(name.Name);
        }
        foreach (var definition in _store.Definitions())
        {
            if (definition.Kind == ObjectKind.Function && InCurrentDatabase(definition.Key.Name))
                names.Add(definition.Key.Name.Name);
        }
        return names;
    }

    private HashSet<string> AllFunctionNames()
    {
        var names = UserFunctionNames();
        foreach (var builtIn in BuiltInFunctions.Names)
            names.Add(builtIn.ToLower(CultureInfo.InvariantCulture));
        return names;
    }

    private bool InCurrentDatabase(ObjectIdentifier name) => name.Catalog == CurrentCatalog && name.Database == CurrentDatabase;

    private static List<string> Sorted(HashSet<string> names)
    {
        var sorted = new List<string>(names);
        sorted.Sort(StringComparer.Ordinal);
        return sorted;
    }

    // SHOW CREATE TABLE / VIEW: the stored DDL text (temporary objects print their own CREATE TEMPORARY text).
    private StatementResult ShowCreate(ShowStatement show, ObjectKind kind)
    {
        var name = Resolve(show.Name ?? throw new CatalogException($"{show.ToSql()} names no object."));
        var entry = FindTableOrView(name);
        if (entry is null)
        {
            throw new CatalogException(kind == ObjectKind.Table
                ? $"Could not execute SHOW CREATE TABLE. Table with identifier {Quoted(name)} does not exist."
                : $"Could not execute SHOW CREATE VIEW. View with identifier {Quoted(name)} does not exist.");
        }
        var actual = KindOf(entry);
        if (actual != kind)
        {
            throw new CatalogException(kind == ObjectKind.Table
                ? $"SHOW CREATE TABLE is only supported for tables, but {Quoted(name)} is a view. Please use SHOW CREATE VIEW instead."
                : $"SHOW CREATE VIEW is only supported for views, but {Quoted(name)} is a table. Please use SHOW CREATE TABLE instead.");
        }
        return StatementResult.OfColumn("result", [entry.Text]);
    }

    // SET lists the session's options as Flink's SQL client does (key, value, by key); SET 'k' = 'v' sets one.
    private StatementResult Set(SetStatement set)
    {
        if (set.Property is null)
        {
            var rows = new List<IReadOnlyList<string>>(_options.Count);
            foreach (var (key, value) in _options)
                rows.Add([key, value]);
            return new StatementResult(["key", "value"], rows);
        }
        _options[set.Property.Key] = set.Property.Value;
        return StatementResult.Ok;
    }

    private StatementResult Reset(ResetStatement reset)
    {
        if (reset.Key is null)
            _options.Clear();
        else
            _options.Remove(reset.Key);
        return StatementResult.Ok;
    }

    // CatalogManager.setCurrentCatalog / setCurrentDatabase; USE catalog.database sets both.
    private StatementResult Use(UseStatement use)
    {
        if (use.Catalog)
        {
            var catalog = use.Name.Count == 1 ? use.Name[0] : throw new CatalogException($"USE CATALOG takes one name, not '{string.Join('.', use.Name)}'.");
            if (catalog != ObjectIdentifier.DefaultCatalog)
                throw new CatalogException($"A catalog with name [{catalog}] does not exist.");
            if (catalog != CurrentCatalog)
            {
                CurrentCatalog = catalog;
                CurrentDatabase = ObjectIdentifier.DefaultDatabase;
            }
            return StatementResult.Ok;
        }
        var (targetCatalog, database) = use.Name.Count switch
        {
            1 => (CurrentCatalog, use.Name[0]),
            2 => (use.Name[0], use.Name[1]),
            _ => throw new CatalogException($"USE takes a database or catalog.database, not '{string.Join('.', use.Name)}'."),
        };
        if (targetCatalog != ObjectIdentifier.DefaultCatalog)
            throw new CatalogException($"A catalog with name [{targetCatalog}] does not exist.");
        if (database != ObjectIdentifier.DefaultDatabase)
            throw new CatalogException($"A database with name [{database}] does not exist in the catalog: [{targetCatalog}].");
        CurrentCatalog = targetCatalog;
        CurrentDatabase = database;
        return StatementResult.Ok;
    }
}
