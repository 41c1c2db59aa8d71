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
        if (join.Natural || join.Using.Count > 0)
            throw BindingErrors.NotSupported(join, join.Natural ? "NATURAL JOIN" : "JOIN ... USING");
        if (join.Kind is Syntax.JoinKind.Cross or Syntax.JoinKind.Comma || join.On is null)
            throw BindingErrors.NotSupported(join, "A join without an ON condition (CROSS JOIN, a comma in FROM)");
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
