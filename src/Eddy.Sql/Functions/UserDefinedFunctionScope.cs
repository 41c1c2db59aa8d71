using Eddy.Sql.Catalog;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Functions;

/// <summary>
/// The user-defined functions one bind call sees: names resolve against its catalog as Flink's <c>FunctionCatalog</c>
/// resolves them (a one-part name: temporary system function, then built-in function, then the current database's
/// temporary or permanent catalog function; a qualified name: the catalog function), and each function is
/// instantiated once per bind.
/// </summary>
/// <remarks>
/// The scope is ambient (one per thread, entered by <c>SqlBinder</c> for the length of one statement) rather than a
/// parameter because expression binders are created in a dozen places across the query binder, and every one of them
/// must see the same functions as its statement.
/// </remarks>
internal sealed class UserDefinedFunctionScope
{
    [ThreadStatic]
    private static UserDefinedFunctionScope? t_current;

    private readonly ICatalogReader _catalog;
    private readonly Dictionary<string, UserDefinedFunction> _instances = new(StringComparer.Ordinal);

    private UserDefinedFunctionScope(ICatalogReader catalog) => _catalog = catalog;

    /// <summary>The scope of the statement being bound on this thread, or null outside one.</summary>
    public static UserDefinedFunctionScope? Current => t_current;

    /// <summary>Enters a scope over <paramref name="catalog"/> until the result is disposed (nested scopes restore the outer one).</summary>
    public static Entered Enter(ICatalogReader catalog)
    {
        var previous = t_current;
        t_current = new UserDefinedFunctionScope(catalog);
        return new Entered(previous);
    }

    /// <summary>Leaves a scope, restoring the one it was entered from.</summary>
    public readonly struct Entered(UserDefinedFunctionScope? previous) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => t_current = previous;
    }

    /// <summary>
    /// The user-defined function <paramref name="name"/> names, or null when it names a built-in function (which
    /// <paramref name="isBuiltIn"/> decides) or nothing in the catalog.
    /// </summary>
    /// <exception cref="SqlFunctionException">The function's class cannot be loaded (Flink's messages).</exception>
    public (string Name, UserDefinedFunction Function)? Find(IReadOnlyList<string> name, Func<string, bool> isBuiltIn)
    {
        if (name.Count == 1)
        {
            if (_catalog.FindSystemFunction(name[0]) is { } system)
                return Load(system);
            if (isBuiltIn(name[0].ToUpperInvariant()))
                return null;
        }
        ObjectIdentifier identifier;
        try
        {
            identifier = ObjectIdentifier.Of(name, _catalog.CurrentCatalog, _catalog.CurrentDatabase);
        }
        catch (CatalogException)
        {
            return null;
        }
        return _catalog.FindFunction(identifier) is { } entry ? Load(entry) : null;
    }

    private (string Name, UserDefinedFunction Function) Load(CatalogEntry entry)
    {
        var create = (CreateFunctionStatement)entry.Definition;
        var name = entry.Name.Name;
        var key = entry.Name + "\n" + create.ClassName;
        if (!_instances.TryGetValue(key, out var function))
        {
            function = UserDefinedFunctions.Instantiate(name, create.ClassName, create.Language);
            _instances[key] = function;
        }
        return (name, function);
    }

    /// <summary>
    /// A scalar function's call resolved for its argument types: the <c>Eval</c> overload, bound to the instance, with
    /// its parameter casts and its result type (nullable when a NULL argument skips the call).
    /// </summary>
    /// <exception cref="SqlFunctionException">No overload takes the arguments, or the result has no SQL type.</exception>
    public static ResolvedFunction ResolveScalar(string name, ScalarFunction function, IReadOnlyList<SqlType> argumentTypes)
    {
        var type = function.GetType();
        var match = UserDefinedSignatures.Match(type, "Eval", 0, argumentTypes)
            ?? throw UserDefinedSignatures.NoMatch(name, type, "Eval", 0, argumentTypes);
        var result = UserDefinedFunctions.SqlTypeOf(match.Method.ReturnType)
            ?? throw UserDefinedFunctions.Unmapped(match.Method.ReturnType, $"the result of {type.FullName}.Eval");
        if (match.Strict && argumentTypes.Any(t => t.IsNullable))
            result = result.WithNullability(true);
        return new ResolvedFunction(name, match.Method, match.ParameterTypes, result, match.Strict, function.IsDeterministic,
            needsContext: false, variadicStart: -1, constants: []) { Target = function };
    }
}
