using System.Collections.Immutable;
using Eddy.Sql.Catalog;
using Eddy.Sql.Functions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Binding;

/// <summary>
/// The binder: parsed Flink SQL (the AST) to the planner's logical plans, resolving names against the catalog and
/// typing every expression as Flink does. Queries become plans (<see cref="BindQuery"/>), INSERTs and statement sets
/// sink nodes for <c>JobTranslator.Translate</c>, and the catalog's <c>CREATE TABLE</c> statements
/// <see cref="CatalogTable"/>s. Every error is a <see cref="SqlValidationException"/> with Flink's message, line and column.
/// </summary>
internal sealed class SqlBinder(ICatalogReader catalog)
{
    private readonly ICatalogReader _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));

    /// <summary>A query's logical plan (its output fields are the query's columns).</summary>
    /// <exception cref="SqlValidationException">The query does not validate.</exception>
    public PlanNode BindQuery(Query query)
    {
        using var functions = UserDefinedFunctionScope.Enter(_catalog);
        return new QueryBinder(_catalog).Bind(query).Node;
    }

    /// <summary>An INSERT's plan: the sink node over the query.</summary>
    /// <exception cref="SqlValidationException">The statement does not validate.</exception>
    public SinkNode BindInsert(InsertStatement insert)
    {
        using var functions = UserDefinedFunctionScope.Enter(_catalog);
        return new SinkBinder(new QueryBinder(_catalog)).Bind(insert);
    }

    /// <summary>A statement set's sinks, one per INSERT, run as one job.</summary>
    /// <exception cref="SqlValidationException">A statement does not validate.</exception>
    public ImmutableArray<SinkNode> BindStatementSet(StatementSetStatement set) => [.. set.Inserts.Select(BindInsert)];

    /// <summary>The planner's view of a catalog table: types, metadata, computed columns, watermark, primary key.</summary>
    /// <exception cref="SqlValidationException">The definition does not validate.</exception>
    public static CatalogTable BindTable(CatalogEntry entry) => TableDefinitionBinder.Bind(entry);
}
