using System.Collections.Immutable;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;
using JoinKind = Eddy.Sql.Planning.Logical.JoinKind;

namespace Eddy.Sql.Binding;

/// <summary>
/// Joins: <c>JOIN ... ON</c> split into equi keys and a residual condition (<see cref="JoinNode"/>); an ON condition
/// bounding one side's rowtime by the other's is an interval join (<see cref="IntervalJoinNode"/>); a right table read
/// <c>FOR SYSTEM_TIME AS OF</c> the left rowtime a temporal join (<see cref="TemporalJoinNode"/>); and
/// <c>x [NOT] IN (subquery)</c> in WHERE a semi (anti) join.
/// </summary>
internal sealed partial class QueryBinder
{
    private BoundRelation BindJoin(JoinTable join)
    {
        if (join.Right is TableFunctionTable function && ExpressionBinder.UserFunction(function.Call) is { } udf)
            return BindCorrelate(join, function, udf.Name, udf.Function);
        if (join.Natural || join.Using.Count > 0)
            return BindUsing(join);
        if (join.Kind is Syntax.JoinKind.Cross or Syntax.JoinKind.Comma && join.On is null)
            return BindCross(join);
        if (join.On is null)
            throw BindingErrors.At(join, "INNER, LEFT, RIGHT or FULL join requires a condition (NATURAL keyword or ON or USING clause)");
        var kind = join.Kind switch
        {
            Syntax.JoinKind.Inner => JoinKind.Inner,
            Syntax.JoinKind.Left => JoinKind.Left,
            Syntax.JoinKind.Right => JoinKind.Right,
            _ => JoinKind.Full,
        };
        var left = BindFrom(join.Left);
        var temporal = join.Right as NamedTable;
        BoundRelation right;
        if (temporal?.SystemTimeAsOf is not null)
        {
            var bound = ResolveTable(temporal, temporal.Name);
            right = temporal.Alias is { } alias ? Aliased(temporal, bound, alias) : bound;
        }
        else
        {
            temporal = null;
            right = BindFrom(join.Right);
        }
        var both = new BoundRelation(new JoinNode(left.Node, right.Node, JoinKind.Inner, [], []), left.Columns.AddRange(right.Columns));
        var condition = new ExpressionBinder(both, "ON").Bind(join.On);
        RequireBoolean(join.On, condition, "ON");

        var conjuncts = new List<RexNode>();
        Conjuncts(condition, conjuncts);
        var width = left.Columns.Length;
        var leftKeys = ImmutableArray.CreateBuilder<int>();
        var rightKeys = ImmutableArray.CreateBuilder<int>();
        var rest = new List<RexNode>();
        foreach (var conjunct in conjuncts)
        {
            if (conjunct is RexCall { Operator: SqlOperator.Equals } equals
                && equals.Operands[0] is RexInputRef a && equals.Operands[1] is RexInputRef b
                && (a.Index < width) != (b.Index < width))
            {
                var (l, r) = a.Index < width ? (a.Index, b.Index) : (b.Index, a.Index);
                leftKeys.Add(l);
                rightKeys.Add(r - width);
            }
            else
            {
                rest.Add(conjunct);
            }
        }

        if (temporal is not null)
            return TemporalJoin(join, temporal, left, right, kind, leftKeys.ToImmutable(), rightKeys.ToImmutable(), Residual(rest));
        if (IntervalBounds(left, right, rest) is { } interval)
        {
            var node = new IntervalJoinNode(left.Node, right.Node, kind, leftKeys.ToImmutable(), rightKeys.ToImmutable(),
                interval.LeftTime, interval.RightTime, interval.Lower, interval.Upper, Residual(interval.Rest));
            // Both rowtimes stay time attributes after an interval join.
            return new BoundRelation(node, both.Columns);
        }
        if (WindowJoin(join, left, right, kind, leftKeys.ToImmutable(), rightKeys.ToImmutable(), rest, both) is { } windowJoin)
            return windowJoin;
        var joined = BindingErrors.Positioned(join, () => new JoinNode(left.Node, right.Node, kind, leftKeys.ToImmutable(), rightKeys.ToImmutable(), Residual(rest)));
        // A regular join keeps rows without bound in time: its rowtimes are no longer time attributes.
        return new BoundRelation(joined, [.. both.Columns.Select(c => c with { Time = TimeAttribute.None })]);
    }

    /// <summary>
    /// <c>a CROSS JOIN b</c> and <c>a, b</c>: every pair, an inner join on no key (Flink runs it on one task). A WHERE
    /// over it gives its equalities between the sides to the join as keys (<see cref="FilterIntoCrossJoin"/>), as
    /// Calcite's join condition push-down does.
    /// </summary>
    private BoundRelation BindCross(JoinTable join)
    {
        var left = BindFrom(join.Left);
        var right = BindFrom(join.Right);
        var node = new JoinNode(left.Node, right.Node, JoinKind.Inner, [], []);
        return new BoundRelation(node, [.. left.Columns.AddRange(right.Columns).Select(c => c with { Time = TimeAttribute.None })]);
    }

    /// <summary>
    /// A WHERE condition over a cross join (an inner join without keys or condition): its conjuncts equating a left
    /// column with a right one become the join's keys, the rest its residual condition; over anything else, a filter.
    /// </summary>
    internal static PlanNode FilterIntoCrossJoin(PlanNode input, RexNode condition)
    {
        if (input is not JoinNode { Kind: JoinKind.Inner, LeftKeys.IsEmpty: true, Residual: null } cross)
            return new FilterNode(input, condition);
        var conjuncts = new List<RexNode>();
        Conjuncts(condition, conjuncts);
        var width = cross.Left.Fields.Length;
        var leftKeys = ImmutableArray.CreateBuilder<int>();
        var rightKeys = ImmutableArray.CreateBuilder<int>();
        var rest = new List<RexNode>();
        foreach (var conjunct in conjuncts)
        {
            if (conjunct is RexCall { Operator: SqlOperator.Equals } equals
                && equals.Operands[0] is RexInputRef a && equals.Operands[1] is RexInputRef b
                && (a.Index < width) != (b.Index < width))
            {
                var (l, r) = a.Index < width ? (a.Index, b.Index) : (b.Index, a.Index);
                leftKeys.Add(l);
                rightKeys.Add(r - width);
            }
            else
            {
                rest.Add(conjunct);
            }
        }
        return new JoinNode(cross.Left, cross.Right, JoinKind.Inner, leftKeys.ToImmutable(), rightKeys.ToImmutable(), Residual(rest));
    }

    /// <summary>
    /// <c>JOIN ... USING (c, ...)</c> and <c>NATURAL JOIN</c> (USING the columns both sides name): an equi-join on those
    /// columns whose output has each of them once, first, then the left's other columns, then the right's, as Calcite
    /// expands <c>*</c>; a FULL join's shared column is the COALESCE of both sides.
    /// </summary>
    private BoundRelation BindUsing(JoinTable join)
    {
        if (join.On is not null)
            throw BindingErrors.At(join.On, "A NATURAL join or a USING clause cannot have an ON condition");
        var left = BindFrom(join.Left);
        var right = BindFrom(join.Right);
        var names = join.Natural
            ? [.. left.Columns.Where(c => !c.Hidden).Select(c => c.Name).Distinct().Where(n => right.Columns.Any(c => !c.Hidden && c.Name == n))]
            : join.Using.ToList();
        var leftKeys = ImmutableArray.CreateBuilder<int>(names.Count);
        var rightKeys = ImmutableArray.CreateBuilder<int>(names.Count);
        foreach (var name in names)
        {
            leftKeys.Add(UsingColumn(join, left, name, "left"));
            rightKeys.Add(UsingColumn(join, right, name, "right"));
        }
        var kind = join.Kind switch
        {
            Syntax.JoinKind.Left => JoinKind.Left,
            Syntax.JoinKind.Right => JoinKind.Right,
            Syntax.JoinKind.Full => JoinKind.Full,
            _ => JoinKind.Inner,
        };
        var width = left.Columns.Length;
        for (var i = 0; i < names.Count; i++)
        {
            var (l, r) = (left.Node.FieldTypes[leftKeys[i]], right.Node.FieldTypes[rightKeys[i]]);
            if (Functions.SqlTypeRules.ComparisonType(l, r) is null)
                throw BindingErrors.At(join, $"Cannot apply '=' to arguments of type '<{l}> = <{r}>' (column '{names[i]}' of the USING clause)");
        }
        var joined = BindingErrors.Positioned(join, () => new JoinNode(left.Node, right.Node, kind, leftKeys.ToImmutable(), rightKeys.ToImmutable()));
        var projections = new List<RexNode>();
        var columns = new List<BoundColumn>();
        for (var i = 0; i < names.Count; i++)
        {
            RexNode l = Rex.Input(leftKeys[i], joined.FieldTypes[leftKeys[i]]);
            RexNode r = Rex.Input(width + rightKeys[i], joined.FieldTypes[width + rightKeys[i]]);
            var (value, table) = kind switch
            {
                JoinKind.Right => (r, right.Columns[rightKeys[i]].Table),
                JoinKind.Full => (BindingErrors.Positioned(join, () => Rex.Coalesce(l, r)), null),
                _ => (l, left.Columns[leftKeys[i]].Table),
            };
            projections.Add(value);
            columns.Add(new BoundColumn(table, names[i]));
        }
        for (var c = 0; c < width; c++)
        {
            if (!leftKeys.Contains(c))
            {
                projections.Add(Rex.Input(c, joined.FieldTypes[c]));
                columns.Add(left.Columns[c] with { Time = TimeAttribute.None });
            }
        }
        for (var c = 0; c < right.Columns.Length; c++)
        {
            if (!rightKeys.Contains(c))
            {
                projections.Add(Rex.Input(width + c, joined.FieldTypes[width + c]));
                columns.Add(right.Columns[c] with { Time = TimeAttribute.None });
            }
        }
        var project = new ProjectNode(joined, [.. projections], [.. Uniquify(columns.Select(c => c.Name).ToList())]);
        return new BoundRelation(project, [.. columns]);
    }

    /// <summary>The one visible column of a side named <paramref name="name"/>, with Calcite's errors.</summary>
    private static int UsingColumn(JoinTable join, BoundRelation side, string name, string which)
    {
        var found = -1;
        for (var i = 0; i < side.Columns.Length; i++)
        {
            if (side.Columns[i].Hidden || side.Columns[i].Name != name)
                continue;
            if (found >= 0)
                throw BindingErrors.At(join, $"Column name '{name}' in NATURAL join or USING clause is not unique on one side of join");
            found = i;
        }
        return found >= 0 ? found : throw BindingErrors.At(join, $"Column '{name}' not found in {which} table");
    }

    /// <summary>
    /// <c>t, LATERAL TABLE(f(args)) [AS T(c1, ...)]</c>, <c>t CROSS JOIN LATERAL TABLE(...)</c>, <c>t [LEFT] JOIN LATERAL
    /// TABLE(...) ON TRUE</c>: a correlate of the left rows with the rows the table function collects for each.
    /// </summary>
    private BoundRelation BindCorrelate(JoinTable join, TableFunctionTable function, string name, Functions.UserDefinedFunction udf)
    {
        if (Functions.UserDefinedFunctions.TableBase(udf.GetType()) is null)
            throw BindingErrors.At(function.Call, $"Function '{name}' is not a table function: only a table function can be called in LATERAL TABLE(...)");
        if (join.Natural || join.Using.Count > 0 || join.Kind is Syntax.JoinKind.Right or Syntax.JoinKind.Full)
            throw BindingErrors.At(join, "A table function can only be joined with CROSS JOIN, a comma, or [LEFT] JOIN ... ON TRUE");
        if (join.On is not null && join.On is not BooleanLiteral { Value: true })
            throw BindingErrors.NotSupported(join.On, "A LATERAL TABLE join condition other than ON TRUE");
        var left = BindFrom(join.Left);
        var binder = new ExpressionBinder(left, "LATERAL TABLE");
        var arguments = function.Call.Arguments.Select(binder.Bind).ToList();
        Functions.UserDefinedTableCall call;
        try
        {
            call = Functions.UserDefinedTableCall.Resolve(name, udf, [.. arguments.Select(a => a.Type)]);
        }
        catch (Functions.SqlFunctionException e)
        {
            throw BindingErrors.At(function.Call, e.Message, e);
        }
        for (var i = 0; i < arguments.Count; i++)
        {
            var target = call.ParameterTypes[i];
            if (arguments[i].Type.Kind == Types.SqlTypeKind.Null)
                arguments[i] = Rex.Null(target);
            else if (arguments[i].Type != target)
                arguments[i] = new RexCast(arguments[i], target);
        }
        var names = call.Fields.Select(f => f.Name).ToImmutableArray();
        if (function.Alias is { Columns.Count: > 0 } alias)
        {
            if (alias.Columns.Count != names.Length)
                throw BindingErrors.At(function, $"List of column aliases must have same degree as table; table has {names.Length} columns ({string.Join(", ", names.Select(n => "'" + n + "'"))}), whereas alias list has {alias.Columns.Count} columns");
            names = [.. alias.Columns];
        }
        var node = new CorrelateNode(left.Node, call, [.. arguments], join.Kind == Syntax.JoinKind.Left, names);
        var qualifier = function.Alias?.Name;
        var columns = left.Columns.AddRange(names.Select(n => new BoundColumn(qualifier, n)));
        return new BoundRelation(node, columns);
    }

    private static void Conjuncts(RexNode node, List<RexNode> conjuncts)
    {
        if (node is RexCall { Operator: SqlOperator.And } and)
        {
            foreach (var operand in and.Operands)
                Conjuncts(operand, conjuncts);
        }
        else
        {
            conjuncts.Add(node);
        }
    }

    private static RexNode? Residual(List<RexNode> rest) => rest.Count switch
    {
        0 => null,
        1 => rest[0],
        _ => Rex.And([.. rest]),
    };

    private sealed record Interval(int LeftTime, int RightTime, TimeSpan Lower, TimeSpan Upper, List<RexNode> Rest);

    /// <summary>
    /// The bounds of <c>right.rowtime - left.rowtime</c> the conjuncts state (<c>l.ts BETWEEN r.ts - INTERVAL '1' HOUR AND
    /// r.ts</c>, <c>r.ts &gt;= l.ts</c>, ...), when they bound it from both sides; null otherwise. A strict bound is one
    /// millisecond tighter, as Flink's.
    /// </summary>
    private static Interval? IntervalBounds(BoundRelation left, BoundRelation right, List<RexNode> conjuncts)
    {
        var width = left.Columns.Length;
        TimeSpan? lower = null, upper = null;
        int leftTime = -1, rightTime = -1;
        var rest = new List<RexNode>();
        foreach (var conjunct in conjuncts)
        {
            if (conjunct is RexCall { Operator: SqlOperator.LessThan or SqlOperator.LessThanOrEqual or SqlOperator.GreaterThan or SqlOperator.GreaterThanOrEqual } compare
                && TimeTerm(compare.Operands[0]) is { } x && TimeTerm(compare.Operands[1]) is { } y
                && (x.Column < width) != (y.Column < width))
            {
                // Orient as left + a (op) right + b.
                var op = compare.Operator;
                if (x.Column >= width)
                {
                    (x, y) = (y, x);
                    op = op switch
                    {
                        SqlOperator.LessThan => SqlOperator.GreaterThan,
                        SqlOperator.LessThanOrEqual => SqlOperator.GreaterThanOrEqual,
                        SqlOperator.GreaterThan => SqlOperator.LessThan,
                        _ => SqlOperator.LessThanOrEqual,
                    };
                }
                var l = x.Column;
                var r = y.Column - width;
                if (left.Columns[l].Time != TimeAttribute.Rowtime || right.Columns[r].Time != TimeAttribute.Rowtime
                    || (leftTime >= 0 && (leftTime != l || rightTime != r)))
                {
                    rest.Add(conjunct);
                    continue;
                }
                (leftTime, rightTime) = (l, r);
                // left + a <= right + b  <=>  right - left >= a - b.
                var difference = x.Offset - y.Offset;
                var millisecond = TimeSpan.FromMilliseconds(1);
                switch (op)
                {
                    case SqlOperator.LessThanOrEqual: lower = Max(lower, difference); break;
                    case SqlOperator.LessThan: lower = Max(lower, difference + millisecond); break;
                    case SqlOperator.GreaterThanOrEqual: upper = Min(upper, difference); break;
                    default: upper = Min(upper, difference - millisecond); break;
                }
            }
            else
            {
                rest.Add(conjunct);
            }
        }
        return lower is { } lo && upper is { } hi ? new Interval(leftTime, rightTime, lo, hi, rest) : null;
    }

    private static TimeSpan Max(TimeSpan? a, TimeSpan b) => a is { } x && x > b ? x : b;

    private static TimeSpan Min(TimeSpan? a, TimeSpan b) => a is { } x && x < b ? x : b;

    /// <summary><c>$i</c>, <c>$i + interval</c> or <c>$i - interval</c>: the column and the offset.</summary>
    private static (int Column, TimeSpan Offset)? TimeTerm(RexNode node)
    {
        if (node is RexInputRef input)
            return (input.Index, TimeSpan.Zero);
        if (node is RexFunctionCall { Function.Name: "+" or "-" } call
            && call.Operands[0] is RexInputRef column && call.Operands[1] is RexLiteral { Value: TimeSpan span })
            return (column.Index, call.Function.Name == "+" ? span : -span);
        return null;
    }

    private static BoundRelation TemporalJoin(JoinTable join, NamedTable temporal, BoundRelation left, BoundRelation right, JoinKind kind,
        ImmutableArray<int> leftKeys, ImmutableArray<int> rightKeys, RexNode? residual)
    {
        var asOf = new ExpressionBinder(left, "FOR SYSTEM_TIME AS OF").Bind(temporal.SystemTimeAsOf!);
        if (asOf is not RexInputRef time || left.Columns[time.Index].Time == TimeAttribute.None)
            throw BindingErrors.At(temporal.SystemTimeAsOf!, "Temporal table join currently only supports 'FOR SYSTEM_TIME AS OF' left table's time attribute field");
        if (left.Columns[time.Index].Time == TimeAttribute.Proctime)
            throw BindingErrors.NotSupported(temporal.SystemTimeAsOf!, "A processing-time temporal join (a lookup join)");
        var table = ScannedTable(right.Node)
            ?? throw BindingErrors.NotSupported(temporal, "A temporal join against a view or subquery");
        if (table.PrimaryKey.IsEmpty || table.RowtimeColumn is null)
            throw BindingErrors.At(temporal,
                $"Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no {(table.PrimaryKey.IsEmpty ? "primary key" : "row time attribute")} can be found.");
        foreach (var key in table.PrimaryKey)
        {
            var index = right.Node.Fields.Select(f => f.Name).ToList().IndexOf(key);
            if (!rightKeys.Contains(index))
                throw BindingErrors.At(join.On!,
                    $"Temporal table's primary key [{string.Join(", ", table.PrimaryKey)}] must be included in the equivalence condition of temporal join, but current temporal join condition is [{join.On!.ToSql()}].");
        }
        var node = BindingErrors.Positioned(join, () => new TemporalJoinNode(left.Node, right.Node, kind, leftKeys, rightKeys, time.Index, residual));
        // The left rowtime stays the time attribute; the versioned table's does not.
        return new BoundRelation(node, left.Columns.AddRange(right.Columns.Select(c => c with { Time = TimeAttribute.None })));
    }

    /// <summary>The catalog table a relation scans, seen through the projection of its computed columns.</summary>
    private static CatalogTable? ScannedTable(PlanNode node) => node switch
    {
        TableScanNode scan => scan.Table,
        ProjectNode { Input: TableScanNode scan } => scan.Table,
        _ => null,
    };

    /// <summary>
    /// WHERE with <c>x [NOT] IN (subquery)</c> conjuncts: the other conjuncts filter first, then each IN is a semi join
    /// on x = the subquery's column and each NOT IN an anti join whose condition is NULL-aware, as Flink's.
    /// </summary>
    private BoundRelation BindSubqueryFilter(BoundRelation input, Expression where)
    {
        var conjuncts = new List<Expression>();
        void Split(Expression e)
        {
            if (e is BinaryExpression { Operator: BinaryOperator.And } and)
            {
                Split(and.Left);
                Split(and.Right);
            }
            else
            {
                conjuncts.Add(e);
            }
        }
        Split(where);
        var plain = conjuncts.Where(c => c is not InSubqueryExpression).ToList();
        foreach (var conjunct in plain)
        {
            if (SyntaxWalker.Any(conjunct, e => e is InSubqueryExpression or ExistsExpression))
                throw BindingErrors.NotSupported(conjunct, "A subquery other than a top-level [NOT] IN (uncorrelated) in WHERE");
        }
        var result = input with { Window = null };
        foreach (var conjunct in plain)
        {
            var condition = new ExpressionBinder(result, "WHERE").Bind(conjunct);
            RequireBoolean(conjunct, condition, "WHERE");
            result = result with { Node = new FilterNode(result.Node, condition) };
        }
        foreach (InSubqueryExpression inSubquery in conjuncts.Where(c => c is InSubqueryExpression))
        {
            var operand = new ExpressionBinder(result, "WHERE").Bind(inSubquery.Operand);
            if (operand is not RexInputRef column)
                throw BindingErrors.NotSupported(inSubquery.Operand, "IN with an expression that is not a column");
            var subquery = Bind(inSubquery.Query);
            if (subquery.Columns.Length != 1)
                throw BindingErrors.At(inSubquery.Query, "Values passed to IN operator must have compatible types");
            var node = result.Node;
            JoinNode join;
            if (!inSubquery.Negated)
            {
                join = BindingErrors.Positioned(inSubquery, () => new JoinNode(node, subquery.Node, JoinKind.Semi, [column.Index], [0]));
            }
            else
            {
                // NOT IN is false when the subquery has a NULL: the anti join's condition is x = y OR (x = y) IS NULL.
                var right = Rex.Input(node.Fields.Length, subquery.Node.FieldTypes[0]);
                var equal = BindingErrors.Positioned(inSubquery, () => Rex.Equal(column, right));
                join = new JoinNode(node, subquery.Node, JoinKind.Anti, [], [], Rex.Or(equal, Rex.IsNull(equal)));
            }
            result = result with { Node = join };
        }
        return result;
    }
}
