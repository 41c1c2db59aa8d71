using System.Collections.Immutable;
using Eddy.Sql.Catalog;
using Eddy.Sql.Functions;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Binding;

/// <summary>
/// Binds <c>INSERT INTO sink [(columns)] query</c> to a <see cref="SinkNode"/>: the query's columns matched to the
/// sink's physical columns by position (or to the listed target columns, the others written as NULL), each cast
/// implicitly to the sink's type where Flink casts it, and refused with Flink's message where it does not.
/// </summary>
internal sealed class SinkBinder(QueryBinder queries)
{
    public SinkNode Bind(InsertStatement insert)
    {
        if (insert.Overwrite)
            throw BindingErrors.NotSupported(insert, "INSERT OVERWRITE");
        if (insert.Partition.Count > 0)
            throw BindingErrors.NotSupported(insert.Partition[0], "INSERT with a static PARTITION");
        var table = SinkTable(insert);
        var query = queries.Bind(insert.Query);
        var schema = table.Schema;

        // Which query column feeds each sink column (-1: none, written as NULL).
        var sources = new int[schema.Length];
        if (insert.Columns.Count == 0)
        {
            if (query.Columns.Length != schema.Length)
                throw Mismatch(insert, table, query, "Different number of columns.");
            for (var i = 0; i < sources.Length; i++)
                sources[i] = i;
        }
        else
        {
            Array.Fill(sources, -1);
            for (var i = 0; i < insert.Columns.Count; i++)
            {
                var column = insert.Columns[i];
                var index = table.IndexOf(column);
                if (index < 0)
                    throw BindingErrors.At(insert, $"Unknown target column '{column}'" + BindingErrors.Suggestion(column, schema.Select(f => f.Name)));
                if (sources[index] >= 0)
                    throw BindingErrors.At(insert, $"Target column '{column}' is assigned more than once");
                sources[index] = i;
            }
            if (query.Columns.Length != insert.Columns.Count)
                throw Mismatch(insert, table, query, "Different number of columns.");
        }

        var projections = ImmutableArray.CreateBuilder<RexNode>(schema.Length);
        var identity = true;
        for (var i = 0; i < schema.Length; i++)
        {
            var target = schema[i].Type;
            if (sources[i] < 0)
            {
                if (!target.IsNullable)
                    throw BindingErrors.At(insert, $"Column '{schema[i].Name}' has no default value and does not allow NULLs");
                projections.Add(Rex.Null(target));
                identity = false;
                continue;
            }
            var from = query.Node.FieldTypes[sources[i]];
            RexNode column = Rex.Input(sources[i], from);
            if (from.WithNullability(true) != target.WithNullability(true))
            {
                if (from.Kind != SqlTypeKind.Null && !SqlTypeRules.CanImplicitlyCast(from.WithNullability(true), target.WithNullability(true)))
                    throw Mismatch(insert, table, query, $"Incompatible types for sink column '{schema[i].Name}' at position {i}.");
                column = from.Kind == SqlTypeKind.Null ? Rex.Null(target) : Rex.Cast(column, target.WithNullability(from.IsNullable));
            }
            identity &= column is RexInputRef r && r.Index == i && query.Node.Fields[i].Name == schema[i].Name;
            projections.Add(column);
        }
        var input = identity ? query.Node : new ProjectNode(query.Node, projections.MoveToImmutable(), [.. schema.Select(f => f.Name)]);
        return BindingErrors.Positioned(insert, () => new SinkNode(input, table));
    }

    private CatalogTable SinkTable(InsertStatement insert)
    {
        ObjectIdentifier name;
        try
        {
            name = ObjectIdentifier.Of(insert.Table, queries.Catalog.CurrentCatalog, queries.Catalog.CurrentDatabase);
        }
        catch (CatalogException e)
        {
            throw BindingErrors.At(insert, e.Message, e);
        }
        var entry = queries.Catalog.FindTableOrView(name);
        if (entry is null)
        {
            var candidates = queries.Catalog.TableAndViewNames(name.Catalog, name.Database).Select(n => n.Name);
            throw BindingErrors.AtName(TableNamePosition(insert), string.Join('.', insert.Table), $"Object '{insert.Table[^1]}' not found" + BindingErrors.Suggestion(insert.Table[^1], candidates));
        }
        if (entry.Definition is CreateViewStatement)
            throw BindingErrors.At(insert, $"The view '{name}' cannot be written: INSERT INTO needs a table.");
        return TableDefinitionBinder.Bind(entry);
    }

    /// <summary>Where the table name of <c>INSERT INTO name</c> starts (the statement keeps only its own start).</summary>
    private static SourcePosition TableNamePosition(InsertStatement insert) => insert.Position with { Column = insert.Position.Column + "INSERT INTO ".Length };

    private static SqlValidationException Mismatch(InsertStatement insert, CatalogTable table, BoundRelation query, string cause)
    {
        var querySchema = string.Join(", ", query.Node.Fields.Select(f => $"{f.Name}: {f.Type}"));
        var sinkSchema = string.Join(", ", table.Schema.Select(f => $"{f.Name}: {f.Type}"));
        return BindingErrors.At(insert.Query,
            $"Column types of query result and sink for '{table.Name}' do not match.\nCause: {cause}\n\nQuery schema: [{querySchema}]\nSink schema:  [{sinkSchema}]");
    }
}
