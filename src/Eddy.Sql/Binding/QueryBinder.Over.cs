using System.Collections.Immutable;
using System.Globalization;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Binding;

/// <summary>
/// OVER aggregates: <c>agg(x) OVER (PARTITION BY k ORDER BY time [ROWS|RANGE BETWEEN ... PRECEDING AND CURRENT
/// ROW])</c>, inline or named in the WINDOW clause, are one <see cref="OverAggregateNode"/> (every aggregate over the
/// same window, as Flink requires) with the select list projected above it.
/// </summary>
internal sealed partial class QueryBinder
{
    private BoundRelation BindOver(SelectQuery select, BoundRelation from)
    {
        var overs = new List<Expression>();
        foreach (var item in select.Items)
            SyntaxWalker.Collect(item.Expression, e => e is FunctionCall { Over: not null }, overs);
        if (select.GroupBy.Count > 0 || select.Having is not null
            || select.Items.Any(i => SyntaxWalker.Any(i.Expression, e => e is FunctionCall f && ExpressionBinder.IsAggregate(f))))
            throw BindingErrors.NotSupported(overs[0], "An OVER aggregate in an aggregating SELECT (aggregate in a subquery below it)");

        WindowSpecification? shared = null;
        string? sharedText = null;
        var calls = new List<FunctionCall>();
        foreach (FunctionCall call in overs)
        {
            var window = ResolveWindow(select.Windows, call.Over!);
            if (ExpressionBinder.RankingNames.Contains(call.UpperName))
            {
                OrderColumn(from, window, call);
                throw BindingErrors.NotSupported(call,
                    $"{call.UpperName}() without a filter on its result (a Top-N: SELECT * FROM (SELECT ..., {call.UpperName}() OVER (...) AS rn FROM t) WHERE rn <= N)");
            }
            if (!ExpressionBinder.IsAggregateFunction(call))
                throw BindingErrors.At(call, $"OVER is not allowed with the non-aggregate function {call.UpperName}");
            if (call.Filter is not null)
                throw BindingErrors.NotSupported(call.Filter, "FILTER in an OVER aggregate");
            var text = window.ToSql();
            if (sharedText is null)
            {
                (shared, sharedText) = (window, text);
            }
            else if (text != sharedText)
            {
                throw BindingErrors.At(call.Over!, "All aggregates must be computed on the same window.");
            }
            if (!calls.Contains(call))
                calls.Add(call);
        }

        var spec = shared!;
        var partition = PartitionKeys(from, spec);
        var orderColumn = OrderColumn(from, spec, calls[0]);
        var (rows, range) = Frame(spec);

        // The aggregates' arguments: columns of the input, or expressions appended to it by a projection below.
        var width = from.Columns.Length;
        var extras = new List<RexNode>();
        var arguments = new int[calls.Count];
        var separators = new string[calls.Count];
        var userCalls = new Functions.UserDefinedAggregateCall?[calls.Count];
        var binder = new ExpressionBinder(from, "OVER");
        int Column(RexNode argument)
        {
            if (argument is RexInputRef column)
                return column.Index;
            extras.Add(argument);
            return width + extras.Count - 1;
        }
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            separators[i] = ",";
            if (ExpressionBinder.UserFunction(call) is { } udf)
            {
                var (function, bound) = AggregateBinder.BindUserArguments(call, udf.Name, udf.Function, binder);
                var userColumns = bound.Select(Column).ToImmutableArray();
                userCalls[i] = function.WithArguments(userColumns);
                arguments[i] = userColumns.IsEmpty ? -1 : userColumns[0];
                continue;
            }
            if (AggregateBinder.IsCountStar(call))
            {
                arguments[i] = -1;
                continue;
            }
            if (call.UpperName == "LISTAGG" && call.Arguments.Count == 2)
                separators[i] = AggregateBinder.Separator(call, binder.Bind(call.Arguments[1]));
            else if (call.Arguments.Count != 1)
                throw BindingErrors.NotSupported(call, $"{call.UpperName} with {call.Arguments.Count} arguments");
            arguments[i] = Column(binder.Bind(call.Arguments[0]));
        }
        var input = from.Node;
        if (extras.Count > 0)
        {
            var projections = new List<RexNode>();
            var names = new List<string>();
            for (var c = 0; c < width; c++)
            {
                projections.Add(Rex.Input(c, from.Node.FieldTypes[c]));
                names.Add(from.Node.Fields[c].Name);
            }
            for (var e = 0; e < extras.Count; e++)
            {
                projections.Add(extras[e]);
                names.Add("$" + (width + e).ToString(CultureInfo.InvariantCulture));
            }
            input = new ProjectNode(from.Node, [.. projections], [.. Uniquify(names)]);
        }

        var aggregates = ImmutableArray.CreateBuilder<AggregateCall>(calls.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            var name = "w0$o" + i.ToString(CultureInfo.InvariantCulture);
            var argument = arguments[i];
            var separator = separators[i];
            aggregates.Add(userCalls[i] is { } user
                ? BindingErrors.Positioned(call, () => AggregateCall.CreateUserDefined(user, input, name, call.Distinct, null))
                : BindingErrors.Positioned(call, () => AggregateCall.Create(AggregateBinder.Kind(call), input, argument, name, call.Distinct) with { Separator = separator }));
        }
        var node = BindingErrors.Positioned(calls[0], () => new OverAggregateNode(input, partition, orderColumn, aggregates.MoveToImmutable(), rows, range));

        // The input's columns keep their time attributes (an OVER aggregate emits each row once, in time order); the
        // appended arguments and the aggregates are hidden from SELECT *.
        var columns = from.Columns.AddRange(Enumerable.Range(width, node.Fields.Length - width)
            .Select(i => new BoundColumn(null, node.Fields[i].Name, Hidden: true)));
        var over = new BoundRelation(node, columns);
        var firstAggregate = width + extras.Count;
        var selectBinder = new ExpressionBinder(over, "SELECT", e =>
            e is FunctionCall { Over: not null } call && calls.IndexOf(call) is >= 0 and var k ? Rex.Input(firstAggregate + k, node.FieldTypes[firstAggregate + k]) : null);
        var result = Project(over, select.Items, selectBinder);
        return select.Distinct ? Distinct(result) : result;
    }

    /// <summary>The window's order column: one ascending time attribute, as Flink's streaming OVER requires.</summary>
    private static int OrderColumn(BoundRelation from, WindowSpecification window, FunctionCall call)
    {
        if (window.OrderBy.Count == 0 && ExpressionBinder.RankingNames.Contains(call.UpperName))
            throw BindingErrors.At(call, "Over Agg: The window rank function without order by. please re-check the over window statement.");
        if (window.OrderBy.Count != 1)
            throw BindingErrors.At(window.OrderBy.Count == 0 ? call : window.OrderBy[1], "The window can only be ordered by a single time column.");
        var key = window.OrderBy[0];
        if (new ExpressionBinder(from, "ORDER BY").Bind(key.Expression) is not RexInputRef column || from.Columns[column.Index].Time == TimeAttribute.None)
            throw BindingErrors.At(key.Expression, "OVER windows' ordering in stream mode must be defined on a time attribute.");
        if (key.Descending)
            throw BindingErrors.At(key, "The window can only be ordered in ASCENDING mode.");
        return column.Index;
    }

    /// <summary>
    /// The frame as the node's bound: ROWS n PRECEDING, RANGE interval PRECEDING, or neither (UNBOUNDED PRECEDING, the
    /// default with ORDER BY); it must end at the current row.
    /// </summary>
    private static (long? Rows, TimeSpan? Range) Frame(WindowSpecification window)
    {
        if (window.Frame is not { } frame)
            return (null, null);
        var kind = frame.IsRows ? "ROWS" : "RANGE";
        if (frame.End is { Kind: not FrameBoundKind.CurrentRow } end)
            throw BindingErrors.At(end, end.Kind is FrameBoundKind.Following or FrameBoundKind.UnboundedFollowing
                ? $"OVER {kind} FOLLOWING windows are not supported yet."
                : $"An OVER window must end at the CURRENT ROW in streaming, not at '{end.ToSql()}'");
        var start = frame.Start;
        switch (start.Kind)
        {
            case FrameBoundKind.UnboundedPreceding:
                return (null, null);
            case FrameBoundKind.CurrentRow:
                return frame.IsRows ? (0, null) : (null, TimeSpan.Zero);
            case FrameBoundKind.Preceding when frame.IsRows:
                if (start.Offset is NumericLiteral { IsApproximate: false } n && long.TryParse(n.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                    return (count, null);
                throw BindingErrors.At(start.Offset!, "ROWS value must be a non-negative integral constant");
            case FrameBoundKind.Preceding:
                if (start.Offset is IntervalLiteral)
                    return (null, Duration(start.Offset));
                throw BindingErrors.At(start.Offset!, "Data Type mismatch between ORDER BY and RANGE clause");
            default:
                throw BindingErrors.At(start, $"OVER {kind} FOLLOWING windows are not supported yet.");
        }
    }
}
