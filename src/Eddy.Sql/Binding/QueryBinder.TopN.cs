using System.Collections.Immutable;
using System.Globalization;
using SortKey = Eddy.Sql.Planning.Logical.SortKey;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Binding;

/// <summary>
/// Top-N and deduplication: <c>SELECT ... FROM (SELECT ..., ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) AS rn
/// FROM t) WHERE rn &lt;= N</c> is one <see cref="RankNode"/>, as Flink's rank rewrite makes it; and streaming
/// <c>ORDER BY ... LIMIT n</c>, a Top-N without partition.
/// </summary>
internal sealed partial class QueryBinder
{
    /// <summary>
    /// The Top-N shape, or null when <paramref name="select"/> is not one (then ROW_NUMBER, if any, is refused by the
    /// OVER binding). Flink recognizes the rank by the outer WHERE's conjuncts on the row number; the other conjuncts
    /// filter the Top-N's result.
    /// </summary>
    private BoundRelation? TryBindTopN(SelectQuery select)
    {
        if (select.From is not DerivedTable { Lateral: false, Query: SelectQuery inner } derived || select.Where is null)
            return null;
        var rankItem = -1;
        for (var i = 0; i < inner.Items.Count; i++)
        {
            if (!SyntaxWalker.Any(inner.Items[i].Expression, e => e is FunctionCall { Over: not null }))
                continue;
            if (rankItem >= 0 || inner.Items[i].Expression is not FunctionCall { Over: not null } ranking || !ExpressionBinder.RankingNames.Contains(ranking.UpperName))
                return null;
            rankItem = i;
        }
        if (rankItem < 0)
            return null;
        var call = (FunctionCall)inner.Items[rankItem].Expression;
        var alias = derived.Alias;
        var rankName = alias is { Columns.Count: > 0 } && rankItem < alias.Columns.Count
            ? alias.Columns[rankItem]
            : inner.Items[rankItem].Alias ?? DerivedName(call, rankItem);
        bool IsRank(Expression e) => e is ColumnReference c && c.Names[^1] == rankName
            && (c.Names.Count == 1 || (c.Names.Count == 2 && alias is not null && c.Names[0] == alias.Name));

        var conjuncts = new List<Expression>();
        SplitConjuncts(select.Where, conjuncts);
        long start = 1, end = long.MaxValue;
        var bounded = false;
        var rest = new List<Expression>();
        foreach (var conjunct in conjuncts)
        {
            if (RankBound(conjunct, IsRank, ref start, ref end))
                bounded = true;
            else
                rest.Add(conjunct);
        }
        if (!bounded)
            return null;
        var function = call.UpperName switch
        {
            "ROW_NUMBER" => RankFunction.RowNumber,
            "RANK" => RankFunction.Rank,
            "DENSE_RANK" => RankFunction.DenseRank,
            _ => throw BindingErrors.NotSupported(call, $"{call.UpperName}() Top-N (ROW_NUMBER(), RANK() and DENSE_RANK() are)"),
        };
        if (end == long.MaxValue)
            throw BindingErrors.At(select.Where, "Rank end is not specified. Currently rank only support TopN, which means the rank end must be specified.");
        if (call.Arguments.Count > 0)
            throw BindingErrors.At(call, $"Invalid number of arguments to function '{call.UpperName}'. Was expecting 0 arguments");
        if (inner.GroupBy.Count > 0 || inner.Having is not null || inner.Distinct
            || inner.Items.Any(i => SyntaxWalker.Any(i.Expression, e => e is FunctionCall f && ExpressionBinder.IsAggregate(f))))
            throw BindingErrors.NotSupported(call, $"{call.UpperName}() in an aggregating SELECT (aggregate in a subquery below it)");

        // The rank number is a column of the result only when something above reads it (SELECT *, SELECT rn, another
        // condition on it), as Flink's projection pruning decides; a Top-N without it emits fewer updates.
        bool ReadsRank(Expression e) => SyntaxWalker.Any(e, x => IsRank(x)
            || (x is StarExpression star && (star.Qualifier.Count == 0 || (alias is not null && star.Qualifier[^1] == alias.Name))));
        var outputRank = inner.Items.Count == 1 || select.Items.Any(i => ReadsRank(i.Expression)) || rest.Any(ReadsRank)
            || select.GroupBy.Any(ReadsRank) || (select.Having is not null && ReadsRank(select.Having));

        var from = inner.From is null ? SingleRow() : BindFrom(inner.From);
        if (inner.Where is { } where)
            from = BindWhere(from, where);
        var over = ResolveWindow(inner.Windows, call.Over!);
        if (over.Frame is not null)
            throw BindingErrors.At(over.Frame, "ROW/RANGE not allowed with RANK, DENSE_RANK or ROW_NUMBER functions");
        if (over.OrderBy.Count == 0)
            throw BindingErrors.At(call, "Over Agg: The window rank function without order by. please re-check the over window statement.");
        var partition = PartitionKeys(from, over);
        var order = SortKeys(from, over.OrderBy, ordinals: false);
        var timeOrdered = order.Length == 1 && from.Columns[order[0].Column].Time != TimeAttribute.None;
        // Partitioned by the window bounds of rows that carry them (a window TVF, a window aggregation): a window Top-N
        // or window deduplication, emitted once per window, as Flink's WindowRank and WindowDeduplicate.
        PlanNode rank;
        bool keepsTime;
        if (WindowColumns.Of(from.Node) is { } window && partition.Contains(window.Start) && partition.Contains(window.End))
        {
            if (function != RankFunction.RowNumber)
                throw BindingErrors.NotSupported(call, $"{call.UpperName}() window Top-N (ROW_NUMBER() is)");
            var others = partition.Where(k => k != window.Start && k != window.End).ToImmutableArray();
            rank = BindingErrors.Positioned(select.Where, () => new WindowRankNode(from.Node, window, others, order, start, end, outputRank, rankName, timeOrdered));
            keepsTime = true;
        }
        else
        {
            var plain = BindingErrors.Positioned(select.Where, () => new RankNode(from.Node, partition, order, start, end, outputRank, rankName, timeOrdered, function));
            // Deduplication keeping the first row is insert-only: it keeps its time attributes.
            rank = plain;
            keepsTime = plain.KeepsFirstRow;
        }
        var columns = from.Columns.Select(c => keepsTime ? c : c with { Time = TimeAttribute.None }).ToImmutableArray();
        if (outputRank)
            columns = columns.Add(new BoundColumn(null, rankName, Hidden: true)); // the inner SELECT * does not repeat it
        var ranked = new BoundRelation(rank, columns);
        var rankColumn = Rex.Input(from.Columns.Length, SqlType.BigInt.NotNull());
        var items = outputRank ? inner.Items : new SyntaxList<SelectItem>(inner.Items.Where((_, i) => i != rankItem));
        var binder = new ExpressionBinder(ranked, "SELECT", e => e == call ? rankColumn : null);
        var result = Project(ranked, items, binder);
        if (alias is not null)
        {
            if (!outputRank && alias.Columns.Count > rankItem)
                alias = alias with { Columns = new SyntaxList<string>(alias.Columns.Where((_, i) => i != rankItem)) };
            result = Aliased(derived, result, alias);
        }
        if (rest.Count > 0)
        {
            var condition = rest[0];
            for (var i = 1; i < rest.Count; i++)
                condition = new BinaryExpression(BinaryOperator.And, condition, rest[i]) { Position = condition.Position };
            result = BindWhere(result, condition);
        }
        return BindSelectList(select, result);
    }

    /// <summary>The conjuncts of an AND tree, in order.</summary>
    internal static void SplitConjuncts(Expression expression, List<Expression> conjuncts)
    {
        if (expression is BinaryExpression { Operator: BinaryOperator.And } and)
        {
            SplitConjuncts(and.Left, conjuncts);
            SplitConjuncts(and.Right, conjuncts);
        }
        else
        {
            conjuncts.Add(expression);
        }
    }

    /// <summary>
    /// Narrows [<paramref name="start"/>, <paramref name="end"/>] by a conjunct comparing the row number with an
    /// integer literal (<c>rn &lt;= 3</c>, <c>rn &lt; 3</c>, <c>rn = 1</c>, <c>2 &gt;= rn</c>, <c>rn BETWEEN 1 AND 3</c>);
    /// false when the conjunct is not one.
    /// </summary>
    private static bool RankBound(Expression conjunct, Func<Expression, bool> isRank, ref long start, ref long end)
    {
        if (conjunct is BetweenExpression { Negated: false } between && isRank(between.Operand))
        {
            var low = RankLiteral(between.Low);
            var high = RankLiteral(between.High);
            if (between.Symmetric && high < low)
                (low, high) = (high, low);
            start = Math.Max(start, low);
            end = Math.Min(end, high);
            return true;
        }
        if (conjunct is not BinaryExpression { Operator: BinaryOperator.LessThan or BinaryOperator.LessThanOrEqual or BinaryOperator.Equal
                or BinaryOperator.GreaterThan or BinaryOperator.GreaterThanOrEqual } compare)
            return false;
        var op = compare.Operator;
        Expression bound;
        if (isRank(compare.Left))
        {
            bound = compare.Right;
        }
        else if (isRank(compare.Right))
        {
            bound = compare.Left;
            op = op switch
            {
                BinaryOperator.LessThan => BinaryOperator.GreaterThan,
                BinaryOperator.LessThanOrEqual => BinaryOperator.GreaterThanOrEqual,
                BinaryOperator.GreaterThan => BinaryOperator.LessThan,
                BinaryOperator.GreaterThanOrEqual => BinaryOperator.LessThanOrEqual,
                _ => op,
            };
        }
        else
        {
            return false;
        }
        var n = RankLiteral(bound);
        switch (op)
        {
            case BinaryOperator.LessThan: end = Math.Min(end, n - 1); break;
            case BinaryOperator.LessThanOrEqual: end = Math.Min(end, n); break;
            case BinaryOperator.Equal: start = Math.Max(start, n); end = Math.Min(end, n); break;
            case BinaryOperator.GreaterThan: start = Math.Max(start, n + 1); break;
            default: start = Math.Max(start, n); break;
        }
        return true;
    }

    /// <summary>A rank bound: an integer literal (Flink also takes a column as a variable rank end; Eddy does not yet).</summary>
    private static long RankLiteral(Expression expression) => expression switch
    {
        NumericLiteral { IsApproximate: false } n when long.TryParse(n.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) => value,
        UnaryExpression { Operator: UnaryOperator.Minus, Operand: NumericLiteral { IsApproximate: false } n }
            when long.TryParse(n.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) => -value,
        _ => throw BindingErrors.NotSupported(expression, $"A rank bound that is not an integer literal ('{expression.ToSql()}')"),
    };

    /// <summary>
    /// A window of an OVER clause with its named base window (<c>OVER w</c>, <c>OVER (w ORDER BY ...)</c>) resolved
    /// against the WINDOW clause: the reference adds what the base lacks, as SQL's window refinement.
    /// </summary>
    internal static WindowSpecification ResolveWindow(SyntaxList<NamedWindow> windows, WindowSpecification window)
    {
        if (window.BaseWindow is not { } name)
            return window;
        NamedWindow? named = null;
        foreach (var candidate in windows)
        {
            if (candidate.Name == name)
                named = candidate;
        }
        if (named is null)
            throw BindingErrors.At(window, $"Window '{name}' not found" + BindingErrors.Suggestion(name, windows.Select(w => w.Name)));
        var baseWindow = ResolveWindow(windows, named.Window);
        if (window.IsReferenceOnly)
            return baseWindow;
        if (window.PartitionBy.Count > 0)
            throw BindingErrors.At(window, $"PARTITION BY not allowed with existing window reference");
        if (window.OrderBy.Count > 0 && baseWindow.OrderBy.Count > 0)
            throw BindingErrors.At(window, $"ORDER BY not allowed in both base and referenced windows");
        return new WindowSpecification(null, baseWindow.PartitionBy, window.OrderBy.Count > 0 ? window.OrderBy : baseWindow.OrderBy,
            window.Frame ?? baseWindow.Frame) { Position = window.Position };
    }

    /// <summary>The PARTITION BY keys: columns of <paramref name="from"/>.</summary>
    private static ImmutableArray<int> PartitionKeys(BoundRelation from, WindowSpecification window)
    {
        var keys = ImmutableArray.CreateBuilder<int>(window.PartitionBy.Count);
        var binder = new ExpressionBinder(from, "PARTITION BY");
        foreach (var expression in window.PartitionBy)
        {
            if (binder.Bind(expression) is not RexInputRef column)
                throw BindingErrors.NotSupported(expression, "A PARTITION BY key that is not a column");
            keys.Add(column.Index);
        }
        return keys.MoveToImmutable();
    }

    /// <summary>
    /// ORDER BY keys over columns of <paramref name="from"/>; NULLs sort as Flink's default (first ascending, last
    /// descending) unless NULLS FIRST/LAST is written.
    /// </summary>
    private static ImmutableArray<SortKey> SortKeys(BoundRelation from, SyntaxList<OrderItem> items, bool ordinals)
    {
        var keys = ImmutableArray.CreateBuilder<SortKey>(items.Count);
        var binder = new ExpressionBinder(from, "ORDER BY");
        foreach (var item in items)
        {
            int index;
            if (item.Expression is NumericLiteral { IsApproximate: false } ordinal && ordinals)
            {
                // ORDER BY 2: the query's second column, as Calcite's ordinal ORDER BY.
                if (!int.TryParse(ordinal.Text, NumberStyles.None, CultureInfo.InvariantCulture, out index) || index < 1 || index > from.Columns.Length)
                    throw BindingErrors.At(ordinal, $"Ordinal out of range");
                index--;
            }
            else if (binder.Bind(item.Expression) is RexInputRef column)
            {
                index = column.Index;
            }
            else
            {
                throw BindingErrors.NotSupported(item.Expression, "An ORDER BY key that is not a column");
            }
            var nullsFirst = item.Nulls is { } nulls ? nulls == NullOrdering.First : !item.Descending;
            keys.Add(new SortKey(index, item.Descending, nullsFirst));
        }
        return keys.MoveToImmutable();
    }

    /// <summary>
    /// <c>ORDER BY ... LIMIT n [OFFSET m]</c> over a stream: a Top-N without partition (rows m+1 to m+n), as Flink's
    /// SortLimit. Without LIMIT only a sort on an ascending time attribute is valid in Flink (a temporal sort, not
    /// planned yet); any other sort is refused with Flink's message.
    /// </summary>
    private BoundRelation BindOrdered(OrderedQuery ordered)
    {
        var body = Bind(ordered.Body);
        if (ordered.OrderBy.Count == 0)
            throw BindingErrors.NotSupported(ordered, "LIMIT without ORDER BY");
        var keys = SortKeys(body, ordered.OrderBy, ordinals: true);
        if (ordered.Limit is null)
        {
            var first = keys[0];
            if (body.Columns[first.Column].Time == TimeAttribute.None || first.Descending)
                throw BindingErrors.At(ordered.OrderBy[0], "Sort on a non-time-attribute field is not supported.");
            throw BindingErrors.NotSupported(ordered, "ORDER BY a time attribute without LIMIT (a temporal sort)");
        }
        var limit = RankLiteral(ordered.Limit);
        var offset = ordered.Offset is null ? 0 : RankLiteral(ordered.Offset);
        if (limit < 1 || offset < 0)
            throw BindingErrors.At(ordered.Limit, "LIMIT must be at least 1 and OFFSET at least 0 in a streaming Top-N");
        var rank = BindingErrors.Positioned(ordered, () => new RankNode(body.Node, [], keys, offset + 1, offset + limit, outputRankNumber: false));
        return new BoundRelation(rank, [.. body.Columns.Select(c => c with { Time = TimeAttribute.None })]);
    }
}
