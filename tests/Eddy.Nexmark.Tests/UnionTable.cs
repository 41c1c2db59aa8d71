using Eddy.Nexmark;
using Eddy.Sql.Binding;
using Eddy.Sql.Catalog;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;

namespace Eddy.Nexmark.Tests;

/// <summary>The union table of <c>ddl_gen.sql</c> as Eddy's catalog binds it.</summary>
internal static class UnionTable
{
    public static CatalogTable Bind(long events = 1000, IReadOnlyDictionary<string, string>? options = null)
    {
        var statement = SqlParser.ParseStatement(NexmarkQueries.GeneratorTable(10_000, events, extraOptions: options));
        var name = ObjectIdentifier.Of(((CreateTableStatement)statement).Name, ObjectIdentifier.DefaultCatalog, ObjectIdentifier.DefaultDatabase);
        return SqlBinder.BindTable(new CatalogEntry(name, statement, "", Temporary: false));
    }
}
