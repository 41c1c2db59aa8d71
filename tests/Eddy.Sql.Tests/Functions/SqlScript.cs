using Eddy.Engine.Testing;
using Eddy.Sql.Binding;
using Eddy.Sql.Catalog;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Functions;

/// <summary>
/// SQL text run as the client runs it: DDL into a real (in-memory) catalog, then an INSERT bound, translated and run
/// on the engine's test driver with rows piped into its source topics; the sink's changes materialized.
/// </summary>
internal sealed class SqlScript
{
    private SqlScript(SqlCatalog catalog) => Catalog = catalog;

    public SqlCatalog Catalog { get; }

    /// <summary>A catalog after running <paramref name="statements"/> (CREATE TABLE, CREATE FUNCTION, ...).</summary>
    public static async Task<SqlScript> Of(params string[] statements)
    {
        var script = new SqlScript(SqlCatalog.CreateInMemory());
        foreach (var statement in statements)
            await script.Catalog.ExecuteAsync(SqlParser.ParseStatement(statement), statement);
        return script;
    }

    /// <summary>The plan of an INSERT.</summary>
    public SinkNode Insert(string insert) => new SqlBinder(Catalog).BindInsert((InsertStatement)SqlParser.ParseStatement(insert));

    /// <summary>The plan of a query.</summary>
    public PlanNode Plan(string query) => new SqlBinder(Catalog).BindQuery(SqlParser.ParseQuery(query));

    /// <summary>The validation error an INSERT or query raises.</summary>
    public SqlValidationException Error(string sql) => Assert.Throws<SqlValidationException>(() =>
    {
        var statement = SqlParser.ParseStatement(sql);
        if (statement is InsertStatement insert)
            new SqlBinder(Catalog).BindInsert(insert);
        else
            new SqlBinder(Catalog).BindQuery(((QueryStatement)statement).Query);
    });

    /// <summary>
    /// Runs the INSERT over <paramref name="rows"/> (topic, values, partition) and returns the sink's rows: inserts and
    /// update-afters add a row, update-befores and deletes take one back; rendered as DuckDB's oracle renders, sorted.
    /// </summary>
    public static List<string> Run(SinkNode sink, IEnumerable<(string Topic, IReadOnlyList<SqlType> Types, object?[] Values, int Partition)> rows, int partitions = 3)
    {
        using var driver = new JobTestDriver(JobTranslator.Translate("script", sink), new JobTestDriverOptions { Partitions = partitions });
        var time = 0L;
        foreach (var (topic, types, values, partition) in rows)
            driver.Input<Row, Row>(topic).Pipe(null!, Row.Of(types, values), ++time, partition);
        return Translation.Harness.Materialize(driver, sink);
    }
}
