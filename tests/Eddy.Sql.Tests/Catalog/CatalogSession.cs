using Eddy.Sql.Catalog;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Tests.Catalog;

/// <summary>A catalog session driven by SQL text, as the SQL client drives it: parse a statement, run it, read the rows.</summary>
internal sealed class CatalogSession(SqlCatalog catalog)
{
    public SqlCatalog Catalog { get; } = catalog;

    /// <summary>A new session on <paramref name="store"/> (sessions given the same store share its permanent definitions).</summary>
    public static CatalogSession On(ICatalogStore store, TimeProvider? time = null) => new(new SqlCatalog(store, ownsStore: false, time));

    public async Task<StatementResult> Run(string sql)
    {
        var statement = SqlParser.ParseStatement(sql);
        Assert.True(SqlCatalog.Handles(statement), $"the catalog should run: {sql}");
        return await Catalog.ExecuteAsync(statement, sql);
    }

    /// <summary>Runs a statement that must fail, and returns Flink's message.</summary>
    public async Task<string> Fails(string sql) => (await Assert.ThrowsAsync<CatalogException>(() => Run(sql))).Message;

    /// <summary>The single column of a SHOW.</summary>
    public async Task<IReadOnlyList<string>> Show(string sql)
    {
        var result = await Run(sql);
        Assert.Single(result.Columns);
        return result.Column(0);
    }

    public async Task<string> ShowCreate(string sql) => Assert.Single(await Show(sql));

    public CatalogEntry? Table(string name) => ((ICatalogReader)Catalog).FindTableOrView(ObjectIdentifier.Of([name], Catalog.CurrentCatalog, Catalog.CurrentDatabase));

    public CatalogEntry? Function(string name) => ((ICatalogReader)Catalog).FindFunction(ObjectIdentifier.Of([name], Catalog.CurrentCatalog, Catalog.CurrentDatabase));
}
