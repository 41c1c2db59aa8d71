using System.Collections.Immutable;
using System.Globalization;
using Eddy.Sql.Catalog;
using Eddy.Sql.Functions;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Binding;

/// <summary>
/// Binds queries to logical plans: FROM (catalog tables, views, CTEs, derived tables, window TVFs), WHERE, the select
/// list (stars, aliases, expressions), GROUP BY and HAVING (through <see cref="AggregateBinder"/>), SELECT DISTINCT,
/// UNION ALL and VALUES. Names resolve as Flink's: a table name with one or two parts takes the session's current
/// catalog and database; a CTE shadows a table of the same name.
/// </summary>
internal sealed partial class QueryBinder(ICatalogReader catalog)
{
    /// <summary>The CTEs in scope, innermost last (a WITH inside a subquery sees the outer ones).</summary>
    private readonly List<Dictionary<string, BoundRelation>> _ctes = [];

    public ICatalogReader Catalog { get; } = catalog;

    /// <summary>Binds a query: its plan and its columns (unqualified).</summary>
    public BoundRelation Bind(Query query) => query switch
    {
        SelectQuery select => BindSelect(select),
        SetOperationQuery set => BindSetOperation(set),
        ValuesQuery values => BindValues(values),
        WithQuery with => BindWith(with),
        OrderedQuery ordered => BindOrdered(ordered),
        _ => throw BindingErrors.NotSupported(query, $"Query '{query.ToSql()}'"),
    };

    private BoundRelation BindWith(WithQuery with)
    {
        var scope = new Dictionary<string, BoundRelation>(StringComparer.Ordinal);
        _ctes.Add(scope);
        try
        {
            foreach (var cte in with.Ctes)
            {
                var bound = Bind(cte.Query);
                if (cte.Columns.Count > 0)
                    bound = Rename(cte, bound, cte.Columns);
                scope[cte.Name] = bound.As(cte.Name);
            }
            return Bind(with.Body);
        }
        finally
        {
            _ctes.RemoveAt(_ctes.Count - 1);
        }
    }

    private static BoundRelation Rename(SqlNode node, BoundRelation relation, SyntaxList<string> names)
    {
        if (names.Count != relation.Columns.Length)
            throw BindingErrors.At(node, $"List of column aliases must have same degree as table; table has {relation.Columns.Length} columns ({string.Join(", ", relation.Columns.Select(c => "'" + c.Name + "'"))}), whereas alias list has {names.Count} columns");
        var projections = ImmutableArray.CreateBuilder<RexNode>(names.Count);
        for (var i = 0; i < names.Count; i++)
            projections.Add(Rex.Input(i, relation.Node.FieldTypes[i]));
        var project = new ProjectNode(relation.Node, projections.MoveToImmutable(), [.. names]);
        var columns = ImmutableArray.CreateBuilder<BoundColumn>(names.Count);
        for (var i = 0; i < names.Count; i++)
            columns.Add(relation.Columns[i] with { Name = names[i] });
        return new BoundRelation(project, columns.MoveToImmutable());
    }

    // ---- FROM

    private BoundRelation BindFrom(TableReference from) => from switch
    {
        NamedTable table => BindNamedTable(table),
        DerivedTable derived => BindDerived(derived),
        TableFunctionTable function => BindTableFunction(function),
        JoinTable join => BindJoin(join),
        UnnestTable unnest => throw BindingErrors.NotSupported(unnest, "UNNEST"),
        _ => throw BindingErrors.NotSupported(from, $"FROM item '{from.ToSql()}'"),
    };

    private BoundRelation BindDerived(DerivedTable derived)
    {
        if (derived.Lateral)
            throw BindingErrors.NotSupported(derived, "LATERAL");
        var bound = Bind(derived.Query);
        return derived.Alias is { } alias ? Aliased(derived, bound, alias) : bound;
    }

    private static BoundRelation Aliased(SqlNode node, BoundRelation bound, TableAlias alias)
    {
        if (alias.Columns.Count > 0)
            bound = Rename(node, bound, alias.Columns);
        return bound.As(alias.Name);
    }

    private BoundRelation BindNamedTable(NamedTable table)
    {
        if (table.SystemTimeAsOf is not null)
            throw BindingErrors.NotSupported(table, "FOR SYSTEM_TIME AS OF outside a join");
        var bound = ResolveTable(table, table.Name);
        return table.Alias is { } alias ? Aliased(table, bound, alias) : bound;
    }

    /// <summary>A table, view or CTE by name, qualified by its last name part.</summary>
    internal BoundRelation ResolveTable(SqlNode node, SyntaxList<string> name)
    {
        if (name.Count == 1)
        {
            for (var i = _ctes.Count - 1; i >= 0; i--)
            {
                if (_ctes[i].TryGetValue(name[0], out var cte))
                    return cte;
            }
        }
        ObjectIdentifier identifier;
        try
        {
            identifier = ObjectIdentifier.Of(name, Catalog.CurrentCatalog, Catalog.CurrentDatabase);
        }
        catch (CatalogException e)
        {
            throw BindingErrors.At(node, e.Message, e);
        }
        var entry = Catalog.FindTableOrView(identifier);
        if (entry is null)
        {
            var candidates = Catalog.TableAndViewNames(identifier.Catalog, identifier.Database).Select(n => n.Name)
                .Concat(_ctes.SelectMany(c => c.Keys));
            throw BindingErrors.AtName(node.Position, string.Join('.', name), $"Object '{name[^1]}' not found" + BindingErrors.Suggestion(name[^1], candidates));
        }
        return entry.Definition switch
        {
            CreateTableStatement create => TableRelation(entry, create),
            CreateViewStatement view => ViewRelation(entry, view),
            _ => throw BindingErrors.At(node, $"'{identifier}' is not a table or view"),
        };
    }

    private static BoundRelation TableRelation(CatalogEntry entry, CreateTableStatement create)
    {
        var table = TableDefinitionBinder.Bind(entry);
        var plan = TableDefinitionBinder.TableRowPlan(table);
        var proctime = TableDefinitionBinder.ProctimeColumn(create);
        var times = new TimeAttribute[plan.Fields.Length];
        for (var i = 0; i < times.Length; i++)
        {
            var column = plan.Fields[i].Name;
            times[i] = column == table.RowtimeColumn ? TimeAttribute.Rowtime : column == proctime ? TimeAttribute.Proctime : TimeAttribute.None;
        }
        return BoundRelation.Of(plan, entry.Name.Name, times);
    }

    private BoundRelation ViewRelation(CatalogEntry entry, CreateViewStatement view)
    {
        // A view's query is bound in its own scope: the query's CTEs do not leak into it.
        var saved = _ctes.ToArray();
        _ctes.Clear();
        try
        {
            var bound = Bind(view.Query);
            if (view.Columns.Count > 0)
                bound = Rename(view, bound, view.Columns);
            return bound.As(entry.Name.Name);
        }
        finally
        {
            _ctes.AddRange(saved);
        }
    }

    // ---- SELECT

    private BoundRelation BindSelect(SelectQuery select)
    {
        if (TryBindTopN(select) is { } topN)
            return topN;
        var from = select.From is null ? SingleRow() : BindFrom(select.From);
        if (select.Where is { } where)
            from = BindWhere(from, where);
        return BindSelectList(select, from);
    }

    /// <summary>The select list, GROUP BY, HAVING and DISTINCT of <paramref name="select"/> over its filtered FROM.</summary>
    private BoundRelation BindSelectList(SelectQuery select, BoundRelation from)
    {
        var hasOver = select.Items.Any(i => SyntaxWalker.Any(i.Expression, e => e is FunctionCall { Over: not null }));
        if (hasOver)
            return BindOver(select, from);

        var aggregates = new List<Expression>();
        foreach (var item in select.Items)
            SyntaxWalker.Collect(item.Expression, e => e is FunctionCall call && ExpressionBinder.IsAggregate(call), aggregates);
        if (select.Having is not null)
            SyntaxWalker.Collect(select.Having, e => e is FunctionCall call && ExpressionBinder.IsAggregate(call), aggregates);

        BoundRelation result;
        if (select.GroupBy.Count > 0 || aggregates.Count > 0)
        {
            result = new AggregateBinder(select, from).Bind();
        }
        else
        {
            if (select.Having is not null)
                throw BindingErrors.At(select.Having, "HAVING clause requires a GROUP BY clause or an aggregate function");
            result = Project(from, select.Items, new ExpressionBinder(from, "SELECT"));
        }
        return select.Distinct ? Distinct(result) : result;
    }

    private static BoundRelation SingleRow() =>
        BoundRelation.Of(new ValuesNode([new SqlField("ZERO", SqlType.Int.NotNull())], [[Rex.Int(0)]]), null);

    private BoundRelation BindWhere(BoundRelation input, Expression where)
    {
        if (SyntaxWalker.Any(where, e => e is InSubqueryExpression or ExistsExpression))
            return BindSubqueryFilter(input, where);
        var condition = new ExpressionBinder(input, "WHERE").Bind(where);
        RequireBoolean(where, condition, "WHERE");
        // A filter over a window TVF's input columns goes below the window, so GROUP BY window_start, window_end still
        // sees the window TVF (Flink pushes it down the same way).
        if (input.Window is { } window && References(condition).All(i => i < window.Input.Columns.Length))
        {
            var filtered = window.Input with { Node = new FilterNode(window.Input.Node, condition), Window = null };
            return WindowRelation(filtered, window.Spec);
        }
        return input with { Node = FilterIntoCrossJoin(input.Node, condition), Window = null };
    }

    internal static void RequireBoolean(Expression node, RexNode condition, string clause)
    {
        if (condition.Type.Kind is not (SqlTypeKind.Boolean or SqlTypeKind.Null))
            throw BindingErrors.At(node, $"{clause} clause must be a condition");
    }

    /// <summary>The input columns an expression reads.</summary>
    internal static HashSet<int> References(RexNode node)
    {
        var found = new HashSet<int>();
        void Visit(RexNode n)
        {
            if (n is RexInputRef input)
                found.Add(input.Index);
            foreach (var operand in n.Operands)
                Visit(operand);
        }
        Visit(node);
        return found;
    }

    /// <summary>The select list over <paramref name="input"/>: stars expanded, names derived as Calcite's, time attributes kept.</summary>
    internal static BoundRelation Project(BoundRelation input, SyntaxList<SelectItem> items, ExpressionBinder binder)
    {
        var projections = new List<RexNode>();
        var names = new List<string>();
        var times = new List<TimeAttribute>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Expression is StarExpression star)
            {
                var any = false;
                for (var c = 0; c < input.Columns.Length; c++)
                {
                    if (input.Columns[c].Hidden || (star.Qualifier.Count > 0 && input.Columns[c].Table != star.Qualifier[^1]))
                        continue;
                    any = true;
                    projections.Add(Rex.Input(c, input.Node.FieldTypes[c]));
                    names.Add(input.Columns[c].Name);
                    times.Add(input.Columns[c].Time);
                }
                if (!any)
                    throw BindingErrors.At(star, star.Qualifier.Count > 0 ? $"Unknown identifier '{string.Join('.', star.Qualifier)}'" : "SELECT * requires a FROM clause");
                continue;
            }
            var bound = binder.Bind(item.Expression);
            projections.Add(bound);
            names.Add(item.Alias ?? DerivedName(item.Expression, i));
            times.Add(bound is RexInputRef r && binder.Scope.Node == input.Node ? input.Columns[r.Index].Time : TimeOf(bound, binder.Scope));
        }
        return ProjectRelation(input, projections, Uniquify(names), times);
    }

    private static TimeAttribute TimeOf(RexNode bound, BoundRelation scope) =>
        bound is RexInputRef r && r.Index < scope.Columns.Length ? scope.Columns[r.Index].Time : TimeAttribute.None;

    /// <summary>A projection, or the input itself when the projection is its identity with the same names.</summary>
    internal static BoundRelation ProjectRelation(BoundRelation input, IReadOnlyList<RexNode> projections, IReadOnlyList<string> names, IReadOnlyList<TimeAttribute> times)
    {
        var identity = projections.Count == input.Node.Fields.Length;
        for (var i = 0; identity && i < projections.Count; i++)
            identity = projections[i] is RexInputRef r && r.Index == i && input.Node.Fields[i].Name == names[i];
        var node = identity ? input.Node : new ProjectNode(input.Node, [.. projections], [.. names]);
        return BoundRelation.Of(node, null, times);
    }

    /// <summary>The name Calcite gives an unaliased select item: a column's name, else <c>EXPR$i</c>.</summary>
    internal static string DerivedName(Expression expression, int index) => expression switch
    {
        ColumnReference column => column.Names[^1],
        FieldAccessExpression field => field.Field,
        _ => "EXPR$" + index.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Distinct names: a repeated name gets a number (<c>a</c>, <c>a0</c>, <c>a1</c>), as Calcite's uniquify.</summary>
    internal static List<string> Uniquify(List<string> names)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>(names.Count);
        foreach (var name in names)
        {
            var unique = name;
            for (var n = 0; !used.Add(unique); n++)
                unique = name + n.ToString(CultureInfo.InvariantCulture);
            result.Add(unique);
        }
        return result;
    }

    /// <summary>SELECT DISTINCT and UNION: a grouping on every column, without aggregates.</summary>
    private static BoundRelation Distinct(BoundRelation input)
    {
        var keys = ImmutableArray.CreateRange(Enumerable.Range(0, input.Columns.Length));
        return BoundRelation.Of(new AggregateNode(input.Node, keys, []), null);
    }

    // ---- set operations and VALUES

    private BoundRelation BindSetOperation(SetOperationQuery set)
    {
        if (set.Operator != SetOperator.Union)
            throw BindingErrors.NotSupported(set, set.Operator.ToString().ToUpperInvariant());
        var left = Bind(set.Left);
        var right = Bind(set.Right);
        if (left.Columns.Length != right.Columns.Length)
            throw BindingErrors.At(set, $"Column count mismatch in UNION{(set.All ? " ALL" : "")}");
        var types = new SqlType[left.Columns.Length];
        for (var i = 0; i < types.Length; i++)
        {
            types[i] = TypeRules.CommonType(left.Node.FieldTypes[i], right.Node.FieldTypes[i])
                ?? throw BindingErrors.At(set, $"Type mismatch in column {i + 1} of UNION{(set.All ? " ALL" : "")}: {left.Node.FieldTypes[i]} and {right.Node.FieldTypes[i]}");
        }
        var union = new UnionNode([Coerce(left, types).Node, Coerce(right, types).Node]);
        var result = BoundRelation.Of(union, null);
        return set.All ? result : Distinct(result);
    }

    /// <summary>The relation with each column cast to <paramref name="types"/> where it differs (nullability aside).</summary>
    private static BoundRelation Coerce(BoundRelation relation, SqlType[] types)
    {
        var projections = new List<RexNode>();
        var changed = false;
        for (var i = 0; i < types.Length; i++)
        {
            var type = relation.Node.FieldTypes[i];
            RexNode column = Rex.Input(i, type);
            if (type.WithNullability(true) != types[i].WithNullability(true))
            {
                column = Rex.Cast(column, types[i].WithNullability(type.IsNullable));
                changed = true;
            }
            projections.Add(column);
        }
        if (!changed)
            return relation;
        var names = relation.Node.Fields.Select(f => f.Name).ToList();
        return ProjectRelation(relation, projections, names, [.. relation.Columns.Select(c => c.Time)]);
    }

    private static BoundRelation BindValues(ValuesQuery values)
    {
        var width = values.Rows[0].Elements.Count;
        var rows = new List<RexLiteral[]>();
        foreach (var row in values.Rows)
        {
            if (row.Elements.Count != width)
                throw BindingErrors.At(row, "Values passed to VALUES operator must have compatible types");
            var literals = new RexLiteral[width];
            for (var i = 0; i < width; i++)
            {
                var bound = new ExpressionBinder(SingleRow(), "VALUES").Bind(row.Elements[i]);
                literals[i] = bound as RexLiteral ?? throw BindingErrors.NotSupported(row.Elements[i], "A VALUES item that is not a literal");
            }
            rows.Add(literals);
        }
        var fields = ImmutableArray.CreateBuilder<SqlField>(width);
        for (var i = 0; i < width; i++)
        {
            var type = rows[0][i].Type;
            foreach (var row in rows)
            {
                type = TypeRules.CommonType(type, row[i].Type)
                    ?? throw BindingErrors.At(values, "Values passed to VALUES operator must have compatible types");
            }
            if (type.Kind == SqlTypeKind.Null)
                throw BindingErrors.At(values, "Illegal use of 'NULL'");
            fields.Add(new SqlField("EXPR$" + i.ToString(CultureInfo.InvariantCulture), type));
        }
        var context = new FunctionContext();
        var typed = ImmutableArray.CreateBuilder<ImmutableArray<RexLiteral>>(rows.Count);
        foreach (var row in rows)
        {
            var cells = ImmutableArray.CreateBuilder<RexLiteral>(width);
            for (var i = 0; i < width; i++)
            {
                var literal = row[i];
                var to = fields[i].Type;
                var value = literal.Type == to || literal.Value is null ? literal.Value : SqlCasts.Cast(literal.Value, literal.Type, to, context);
                cells.Add(Rex.Literal(value, to));
            }
            typed.Add(cells.MoveToImmutable());
        }
        return BoundRelation.Of(new ValuesNode(fields.MoveToImmutable(), typed.MoveToImmutable()), null);
    }
}
