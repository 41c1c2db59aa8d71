using Eddy.Sql.Binding;
using Eddy.Sql.Catalog;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Tests.Binding;

/// <summary>An in-memory catalog of DDL statements (the real one is the catalog's), for the binder's tests.</summary>
internal sealed class TestCatalog : ICatalogReader
{
    private readonly Dictionary<ObjectIdentifier, CatalogEntry> _entries = [];

    public TestCatalog(params string[] ddl)
    {
        foreach (var text in ddl)
            Add(text);
    }

    public string CurrentCatalog => ObjectIdentifier.DefaultCatalog;

    public string CurrentDatabase => ObjectIdentifier.DefaultDatabase;

    public TestCatalog Add(string ddl)
    {
        var statement = SqlParser.ParseStatement(ddl);
        var name = statement switch
        {
            CreateTableStatement table => table.Name,
            CreateViewStatement view => view.Name,
            _ => throw new ArgumentException("Not a CREATE TABLE or CREATE VIEW: " + ddl, nameof(ddl)),
        };
        var identifier = ObjectIdentifier.Of(name, CurrentCatalog, CurrentDatabase);
        _entries[identifier] = new CatalogEntry(identifier, statement, ddl, Temporary: false);
        return this;
    }

    public CatalogEntry Entry(string name) => _entries[ObjectIdentifier.Of([name])];

    public CatalogTable Table(string name) => SqlBinder.BindTable(Entry(name));

    public CatalogEntry? FindTableOrView(ObjectIdentifier name) => _entries.GetValueOrDefault(name);

    public CatalogEntry? FindFunction(ObjectIdentifier name) => null;

    public IEnumerable<ObjectIdentifier> TableAndViewNames(string catalog, string database) =>
        _entries.Keys.Where(k => k.Catalog == catalog && k.Database == database);

    /// <summary>The plan of a query.</summary>
    public PlanNode Plan(string query) => new SqlBinder(this).BindQuery(SqlParser.ParseQuery(query));

    /// <summary>The sink of an INSERT.</summary>
    public SinkNode Insert(string insert) => new SqlBinder(this).BindInsert((InsertStatement)SqlParser.ParseStatement(insert));

    /// <summary>The validation error a query raises.</summary>
    public SqlValidationException QueryError(string query) => Assert.Throws<SqlValidationException>(() => Plan(query));
}
