using Eddy.Sql.Syntax;

namespace Eddy.Sql.Catalog;

// CREATE and DROP FUNCTION, with FunctionCatalog's rules and messages: temporary system functions (one-part names),
// temporary catalog functions and permanent catalog functions; names are case-insensitive.
public sealed partial class SqlCatalog
{
    private async Task<StatementResult> CreateFunctionAsync(CreateFunctionStatement create, string text, CancellationToken cancellationToken)
    {
        if (create.System)
        {
            var systemName = SystemFunctionName(create.Name);
            var normalized = CatalogKey.NormalizeFunctionName(systemName);
            if (_temporarySystemFunctions.ContainsKey(normalized))
            {
                if (create.IfNotExists)
                    return StatementResult.Ok;
                throw new CatalogException($"Could not register temporary system function. A function named '{systemName}' does already exist.");
            }
            var systemEntry = new CatalogEntry(new ObjectIdentifier(CurrentCatalog, CurrentDatabase, systemName), create, text, Temporary: true);
            _temporarySystemFunctions[normalized] = systemEntry;
            return StatementResult.Ok;
        }
        var name = Resolve(create.Name);
        var key = CatalogKey.Function(name);
        if (create.Temporary)
        {
            if (_temporaryFunctions.ContainsKey(key.Name))
            {
                if (create.IfNotExists)
                    return StatementResult.Ok;
                throw new CatalogException($"Could not register temporary catalog function. A function '{name}' does already exist.");
            }
            _temporaryFunctions[key.Name] = new CatalogEntry(name, create, text, Temporary: true);
            return StatementResult.Ok;
        }
        if (name.Catalog != ObjectIdentifier.DefaultCatalog)
            throw new CatalogException($"Catalog {name.Catalog} not exists.");
        // FunctionCatalog forces users to deal with a temporary function of the same name first.
        if (_temporaryFunctions.ContainsKey(key.Name))
        {
            if (create.IfNotExists)
                return StatementResult.Ok;
            throw new CatalogException(
                $"Could not register catalog function. A temporary function '{name}' does already exist. Please drop the temporary function first.");
        }
        if (name.Database != ObjectIdentifier.DefaultDatabase)
            throw new CatalogException($"Could not register catalog function '{name}'. Database {name.Database} does not exist in Catalog {name.Catalog}.");
        await _store.CatchUpAsync(cancellationToken);
        if (_store.Find(key) is not null)
        {
            if (create.IfNotExists)
                return StatementResult.Ok;
            throw new CatalogException($"Could not register catalog function. A function '{name}' does already exist.");
        }
        await _store.PutAsync(new StoredDefinition(ObjectKind.Function, new CatalogEntry(name, create, text, Temporary: false), 1, _time.GetUtcNow()), cancellationToken);
        return StatementResult.Ok;
    }

    private async Task<StatementResult> DropFunctionAsync(DropStatement drop, CancellationToken cancellationToken)
    {
        if (drop.System)
        {
            var systemName = SystemFunctionName(drop.Name);
            if (_temporarySystemFunctions.Remove(CatalogKey.NormalizeFunctionName(systemName)) || drop.IfExists)
                return StatementResult.Ok;
            throw new CatalogException($"Could not drop temporary system function. A function named '{systemName}' doesn't exist.");
        }
        var name = Resolve(drop.Name);
        var key = CatalogKey.Function(name);
        if (drop.Temporary)
        {
            if (_temporaryFunctions.Remove(key.Name) || drop.IfExists)
                return StatementResult.Ok;
            throw new CatalogException($"Temporary catalog function {Quoted(name)} doesn't exist");
        }
        if (_temporaryFunctions.ContainsKey(key.Name))
        {
            throw new CatalogException(
                $"Could not drop catalog function. A temporary function '{name}' does already exist. Please drop the temporary function first.");
        }
        await _store.CatchUpAsync(cancellationToken);
        if (_store.Find(key) is null)
        {
            if (drop.IfExists)
                return StatementResult.Ok;
            throw new CatalogException($"Could not drop catalog function. A function '{name}' doesn't exist.");
        }
        await _store.RemoveAsync(key, cancellationToken);
        return StatementResult.Ok;
    }

    CatalogEntry? ICatalogReader.FindSystemFunction(string name) => FindTemporarySystemFunction(name);

    // A temporary system function has no catalog or database (it lives beside the built-in functions).
    private static string SystemFunctionName(SyntaxList<string> parts) => parts.Count == 1
        ? parts[0]
        : throw new CatalogException($"Temporary system function '{string.Join('.', parts)}' can not have a catalog or database name: write it with one part.");
}
