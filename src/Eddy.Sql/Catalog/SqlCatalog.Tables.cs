using Eddy.Sql.Syntax;

namespace Eddy.Sql.Catalog;

// CREATE, DROP and ALTER of tables and views, with CatalogManager's rules and messages.
public sealed partial class SqlCatalog
{
    private async Task<StatementResult> CreateTableAsync(CreateTableStatement create, string text, CancellationToken cancellationToken)
    {
        var name = Resolve(create.Name);
        if (create.Like is not null)
        {
            // The merged table is what is stored (as Flink's catalog stores the resolved table): it no longer
            // depends on the LIKE source, which may be dropped or changed later.
            text = DdlPrinter.CreateTable(TableLikeMerger.Merge(create, LikeSource(create.Like)), name);
            create = (CreateTableStatement)SqlParser.ParseStatement(text);
        }
        return await CreateTableOrViewAsync(ObjectKind.Table, name, create, create.Temporary, create.IfNotExists, text, cancellationToken);
    }

    private Task<StatementResult> CreateViewAsync(CreateViewStatement create, string text, CancellationToken cancellationToken) =>
        CreateTableOrViewAsync(ObjectKind.View, Resolve(create.Name), create, create.Temporary, create.IfNotExists, text, cancellationToken);

    private async Task<StatementResult> CreateTableOrViewAsync(
        ObjectKind kind, ObjectIdentifier name, Statement definition, bool temporary, bool ifNotExists, string text, CancellationToken cancellationToken)
    {
        if (temporary)
        {
            // CatalogManager.createTemporaryTable (views too): a temporary object may shadow a permanent one.
            if (_temporaryTables.ContainsKey(name))
            {
                if (ifNotExists)
                    return StatementResult.Ok;
                throw new CatalogException($"Temporary table '{Quoted(name)}' already exists");
            }
            _temporaryTables[name] = new CatalogEntry(name, definition, text, Temporary: true);
            return StatementResult.Ok;
        }
        CheckDatabaseExists(name);
        await _store.CatchUpAsync(cancellationToken);
        if (_store.Find(CatalogKey.TableOrView(name)) is not null)
        {
            if (ifNotExists)
                return StatementResult.Ok;
            throw new CatalogException($"Table (or view) {PathOf(name)} already exists in Catalog {name.Catalog}.");
        }
        await _store.PutAsync(new StoredDefinition(kind, new CatalogEntry(name, definition, text, Temporary: false), 1, _time.GetUtcNow()), cancellationToken);
        return StatementResult.Ok;
    }

    private CreateTableStatement LikeSource(LikeClause like)
    {
        var source = Resolve(like.Source);
        return FindTableOrView(source) switch
        {
            null => throw new CatalogException($"Source table '{source}' of the LIKE clause not found in the catalog, at {like.Position}"),
            { Definition: CreateTableStatement table } => table,
            _ => throw new CatalogException($"Source table of a LIKE clause can not be a VIEW, at {like.Position}"),
        };
    }

    private async Task<StatementResult> DropTableOrViewAsync(DropStatement drop, CancellationToken cancellationToken)
    {
        var name = Resolve(drop.Name);
        var what = drop.Kind == ObjectKind.Table ? "table" : "view";
        var temporary = _temporaryTables.GetValueOrDefault(name);
        if (drop.Temporary)
        {
            // CatalogManager.dropTemporaryTable/View: only an object of the kind named is dropped.
            if (temporary is not null && KindOf(temporary) == drop.Kind)
            {
                _temporaryTables.Remove(name);
                return StatementResult.Ok;
            }
            if (drop.IfExists)
                return StatementResult.Ok;
            throw new CatalogException($"Temporary table or view with identifier '{name}' does not exist.");
        }
        // CatalogManager.dropTableInternal: a temporary object of the same kind must be dropped first, so that DROP
        // TABLE never removes the permanent table hidden behind the one a session sees.
        if (temporary is not null && KindOf(temporary) == drop.Kind)
            throw new CatalogException($"Temporary {what} with identifier '{Quoted(name)}' exists. Drop it first before removing the permanent {what}.");
        await _store.CatchUpAsync(cancellationToken);
        var permanent = _store.Find(CatalogKey.TableOrView(name));
        if (permanent is not null && permanent.Kind == drop.Kind)
        {
            await _store.RemoveAsync(permanent.Key, cancellationToken);
            return StatementResult.Ok;
        }
        if (drop.IfExists)
            return StatementResult.Ok;
        throw new CatalogException($"{(drop.Kind == ObjectKind.Table ? "Table" : "View")} with identifier '{name}' does not exist.");
    }

    private async Task<StatementResult> AlterAsync(AlterStatement alter, CancellationToken cancellationToken)
    {
        if (alter.Kind == ObjectKind.Function)
            throw new CatalogException("ALTER FUNCTION is not supported.");
        var name = Resolve(alter.Name);
        await _store.CatchUpAsync(cancellationToken);
        var permanent = _store.Find(CatalogKey.TableOrView(name));
        var what = alter.Kind == ObjectKind.Table ? "Table" : "View";
        // SqlAlterTableConverter: the table seen must be permanent (a temporary one is never altered in the store).
        if (permanent is null || _temporaryTables.ContainsKey(name))
        {
            if (alter.IfExists)
                return StatementResult.Ok;
            throw new CatalogException($"{what} {Quoted(name)} doesn't exist or is a temporary {what.ToLowerInvariant()}.");
        }
        if (permanent.Kind != alter.Kind)
        {
            throw new CatalogException(alter.Kind == ObjectKind.Table
                ? "ALTER TABLE for a view is not allowed"
                : "ALTER VIEW for a table is not allowed");
        }
        if (alter.RenameTo is not null)
            return await RenameAsync(permanent, Resolve(alter.RenameTo), cancellationToken);
        if (alter.Kind == ObjectKind.View)
            throw new CatalogException("ALTER VIEW supports only RENAME TO.");

        var table = (CreateTableStatement)permanent.Entry.Definition;
        var options = new List<SqlProperty>(table.Options);
        if (alter.ResetKeys.Count > 0)
        {
            foreach (var key in alter.ResetKeys)
            {
                if (key == "connector")
                    throw new CatalogException("ALTER TABLE RESET does not support changing 'connector'");
                options.RemoveAll(option => option.Key == key);
            }
        }
        else
        {
            foreach (var set in alter.SetOptions)
            {
                var at = options.FindIndex(option => option.Key == set.Key);
                if (at >= 0)
                    options[at] = set;
                else
                    options.Add(set);
            }
        }
        var altered = table with { Options = new SyntaxList<SqlProperty>(options) };
        await _store.PutAsync(Altered(permanent, name, altered), cancellationToken);
        return StatementResult.Ok;
    }

    // AlterTableRenameOperation: the object keeps its database and takes the new object name (Catalog.renameTable).
    private async Task<StatementResult> RenameAsync(StoredDefinition definition, ObjectIdentifier target, CancellationToken cancellationToken)
    {
        var name = definition.Entry.Name;
        var newName = name with { Name = target.Name };
        if (_store.Find(CatalogKey.TableOrView(newName)) is not null)
            throw new CatalogException($"Table (or view) {PathOf(newName)} already exists in Catalog {newName.Catalog}.");
        // Two records: the new name first, then the old one's tombstone, so a crash between them leaves both names
        // rather than neither.
        await _store.PutAsync(Altered(definition, newName, definition.Entry.Definition), cancellationToken);
        await _store.RemoveAsync(definition.Key, cancellationToken);
        return StatementResult.Ok;
    }

    private static StoredDefinition Altered(StoredDefinition definition, ObjectIdentifier name, Statement altered)
    {
        var text = altered switch
        {
            CreateTableStatement table => DdlPrinter.CreateTable(table, name),
            CreateViewStatement view => DdlPrinter.CreateView(view, name),
            _ => definition.Entry.Text,
        };
        // The definition is the text parsed back, so that it is exactly what every other session (and a restart) reads.
        return definition with { Entry = new CatalogEntry(name, SqlParser.ParseStatement(text), text, Temporary: false), Version = definition.Version + 1 };
    }
}
