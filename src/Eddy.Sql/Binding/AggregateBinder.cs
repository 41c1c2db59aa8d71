using System.Collections.Immutable;
using System.Globalization;
using Eddy.Sql.Functions;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Binding;

/// <summary>
/// Binds an aggregating SELECT (GROUP BY, HAVING, aggregate calls) as Calcite does: a projection of the group keys
/// and the aggregates' arguments and FILTER conditions, the aggregation, HAVING as a filter over it, and the select
/// list as a projection over that, in which a column must be a group key (or inside an aggregate). Over a window TVF
/// grouped by <c>window_start, window_end</c>, or grouped by a legacy <c>TUMBLE(ts, ...)</c>, the aggregation is a
/// <see cref="WindowAggregateNode"/>.
/// </summary>
internal sealed class AggregateBinder(SelectQuery select, BoundRelation from)
{
    private readonly BoundRelation _from = from;
    private readonly List<Expression> _keyExpressions = [];
    private readonly List<RexNode> _keys = [];
    private readonly List<FunctionCall> _calls = [];
    private WindowSpec? _window;
    private FunctionCall? _legacyWindow;
    /// <summary>The relation the keys and arguments are bound over: the FROM, or a window TVF's input.</summary>
    private BoundRelation _base = null!;
    private int _outputWindowColumn = -1;
    /// <summary>The aggregation, once built: the select list and HAVING read its output types.</summary>
    private PlanNode _aggregate = null!;

    public BoundRelation Bind()
    {
        _base = _from;
        BindGroupBy();
        foreach (var item in select.Items)
            CollectCalls(item.Expression);
        if (select.Having is not null)
            CollectCalls(select.Having);

        // The projection below the aggregation: keys, then arguments and filters, then (windows) the time column.
        var below = new List<RexNode>(_keys);
        var belowNames = new List<string>();
        for (var i = 0; i < _keys.Count; i++)
            belowNames.Add(_keys[i] is RexInputRef r ? _base.Node.Fields[r.Index].Name : "$f" + i.ToString(CultureInfo.InvariantCulture));
        var argumentIndex = new List<(int Argument, int? Filter)>();
        var userCalls = new List<(UserDefinedAggregateCall Function, List<int> Arguments)?>();
        var separators = new List<string>();
        var baseBinder = new ExpressionBinder(_base, "aggregate", NoNestedAggregates);
        foreach (var call in _calls)
        {
            var argument = -1;
            var separator = ",";
            (UserDefinedAggregateCall, List<int>)? user = null;
            if (ExpressionBinder.UserFunction(call) is { } udf)
            {
                var (function, arguments) = BindUserArguments(call, udf.Name, udf.Function, baseBinder);
                var indices = arguments.Select(a => IndexOf(below, belowNames, a)).ToList();
                user = (function, indices);
                argument = indices.Count > 0 ? indices[0] : -1;
            }
            else if (!IsCountStar(call))
            {
                if (call.UpperName == "LISTAGG" && call.Arguments.Count == 2)
                    separator = Separator(call, baseBinder.Bind(call.Arguments[1]));
                else if (call.Arguments.Count != 1)
                    throw BindingErrors.NotSupported(call, $"{call.UpperName} with {call.Arguments.Count} arguments");
                argument = IndexOf(below, belowNames, baseBinder.Bind(call.Arguments[0]));
            }
            int? filter = null;
            if (call.Filter is { } condition)
            {
                var bound = baseBinder.Bind(condition);
                if (bound.Type.Kind != SqlTypeKind.Boolean)
                    throw BindingErrors.At(condition, $"FILTER expression is not of type boolean: {bound.Type}");
                filter = IndexOf(below, belowNames, bound);
            }
            argumentIndex.Add((argument, filter));
            userCalls.Add(user);
            separators.Add(separator);
        }
        var timeColumn = -1;
        if (_window is { } window)
            timeColumn = IndexOf(below, belowNames, Rex.Input(window.TimeColumn, _base.Node.FieldTypes[window.TimeColumn]));

        var identity = below.Count == _base.Node.Fields.Length;
        for (var i = 0; identity && i < below.Count; i++)
            identity = below[i] is RexInputRef r && r.Index == i;
        var allColumns = below.All(b => b is RexInputRef);
        PlanNode input;
        ImmutableArray<int> keyIndices;
        if (identity || allColumns)
        {
            // The keys and arguments are columns: aggregate the input directly, over its own indices.
            input = _base.Node;
            keyIndices = [.. _keys.Select(k => ((RexInputRef)k).Index)];
            for (var i = 0; i < argumentIndex.Count; i++)
            {
                var (a, f) = argumentIndex[i];
                argumentIndex[i] = (a < 0 ? -1 : ((RexInputRef)below[a]).Index, f is { } fi ? ((RexInputRef)below[fi]).Index : null);
                if (userCalls[i] is { } user)
                    userCalls[i] = (user.Function, user.Arguments.Select(u => ((RexInputRef)below[u]).Index).ToList());
            }
            if (timeColumn >= 0)
                timeColumn = ((RexInputRef)below[timeColumn]).Index;
        }
        else
        {
            input = new ProjectNode(_base.Node, [.. below], [.. QueryBinder.Uniquify(belowNames)]);
            keyIndices = [.. Enumerable.Range(0, _keys.Count)];
        }

        var calls = ImmutableArray.CreateBuilder<AggregateCall>(_calls.Count);
        var names = new HashSet<string>(input.Fields.Select(f => f.Name), StringComparer.Ordinal);
        for (var i = 0; i < _calls.Count; i++)
        {
            var call = _calls[i];
            var (argument, filter) = argumentIndex[i];
            var name = CallName(call, _keys.Count + i, names);
            if (userCalls[i] is { } user)
            {
                var function = user.Function.WithArguments([.. user.Arguments]);
                calls.Add(BindingErrors.Positioned(call, () => AggregateCall.CreateUserDefined(function, input, name, call.Distinct, filter)));
                continue;
            }
            var kind = Kind(call);
            var separator = separators[i];
            calls.Add(BindingErrors.Positioned(call, () => AggregateCall.Create(kind, input, argument, name, call.Distinct, filter) with { Separator = separator }));
        }

        PlanNode aggregate;
        var times = new List<TimeAttribute>();
        if (_window is { } spec)
        {
            var windowed = new WindowAggregateNode(input, spec with { TimeColumn = timeColumn }, keyIndices, calls.ToImmutable());
            aggregate = windowed;
            _outputWindowColumn = keyIndices.Length + calls.Count;
            for (var i = 0; i < windowed.Fields.Length; i++)
                times.Add(i == _outputWindowColumn + 2 ? TimeAttribute.Rowtime : TimeAttribute.None);
        }
        else
        {
            aggregate = QueryBinder.GroupAggregate(input, keyIndices, calls.ToImmutable());
            for (var i = 0; i < aggregate.Fields.Length; i++)
                times.Add(TimeAttribute.None);
        }

        _aggregate = aggregate;
        var output = BoundRelation.Of(aggregate, null, times);
        var grouped = new ExpressionBinder(output, "SELECT", Grouped);
        if (select.Having is { } having)
        {
            var condition = new ExpressionBinder(output, "HAVING", Grouped).Bind(having);
            QueryBinder.RequireBoolean(having, condition, "HAVING");
            output = output with { Node = new FilterNode(output.Node, condition) };
            grouped = new ExpressionBinder(output, "SELECT", Grouped);
        }
        foreach (var item in select.Items)
        {
            if (item.Expression is StarExpression star)
                throw BindingErrors.At(star, "Expression '*' is not being grouped");
        }
        return QueryBinder.Project(output, select.Items, grouped);
    }

    internal static bool IsCountStar(FunctionCall call) =>
        call.UpperName == "COUNT" && (call.Arguments.Count == 0 || call.Arguments is [StarExpression { Qualifier.Count: 0 }]);

    internal static AggregateKind Kind(FunctionCall call) => call.UpperName switch
    {
        "COUNT" => IsCountStar(call) ? AggregateKind.CountStar : AggregateKind.Count,
        "SUM" => AggregateKind.Sum,
        "MIN" => AggregateKind.Min,
        "MAX" => AggregateKind.Max,
        "AVG" => AggregateKind.Avg,
        "VAR_POP" => AggregateKind.VarPop,
        "VAR_SAMP" or "VARIANCE" => AggregateKind.VarSamp,
        "STDDEV_POP" => AggregateKind.StddevPop,
        "STDDEV_SAMP" or "STDDEV" => AggregateKind.StddevSamp,
        "FIRST_VALUE" => AggregateKind.FirstValue,
        "LAST_VALUE" => AggregateKind.LastValue,
        "LISTAGG" => AggregateKind.ListAgg,
        _ => throw BindingErrors.NotSupported(call, $"Aggregate function {call.UpperName}"),
    };

    /// <summary>LISTAGG's separator: a character string literal, as Calcite requires.</summary>
    internal static string Separator(FunctionCall call, RexNode separator) => separator is RexLiteral { Value: string text }
        ? text
        : throw BindingErrors.At(call.Arguments[1], "Cannot apply 'LISTAGG' to arguments: the separator must be a character string literal. Supported form(s): 'LISTAGG(<CHARACTER>)', 'LISTAGG(<CHARACTER>, <CHARACTER>)'");

    /// <summary>
    /// A user-defined aggregate's call: its <c>Accumulate</c> overload for the arguments' types, and the arguments
    /// bound and cast to the overload's parameter types (so the runtime reads them without converting).
    /// </summary>
    internal static (UserDefinedAggregateCall Function, List<RexNode> Arguments) BindUserArguments(
        FunctionCall call, string name, UserDefinedFunction function, ExpressionBinder binder)
    {
        if (UserDefinedFunctions.AggregateBase(function.GetType()) is null)
            throw BindingErrors.At(call, $"Function '{name}' is not an aggregate function");
        var arguments = call.Arguments.Select(binder.Bind).ToList();
        UserDefinedAggregateCall resolved;
        try
        {
            resolved = UserDefinedAggregateCall.Resolve(name, function, [.. arguments.Select(a => a.Type)]);
        }
        catch (SqlFunctionException e)
        {
            throw BindingErrors.At(call, e.Message, e);
        }
        for (var i = 0; i < arguments.Count; i++)
        {
            var target = resolved.ParameterTypes[i];
            if (arguments[i].Type.Kind == SqlTypeKind.Null)
                arguments[i] = Rex.Null(target);
            else if (arguments[i].Type != target)
                arguments[i] = new RexCast(arguments[i], target);
        }
        return (resolved, arguments);
    }

    /// <summary>An aggregate's output name: its alias when it is a whole select item, else Calcite's <c>EXPR$i</c> or <c>$fi</c>.</summary>
    private string CallName(FunctionCall call, int field, HashSet<string> used)
    {
        string? name = null;
        for (var i = 0; i < select.Items.Count && name is null; i++)
        {
            if (select.Items[i].Expression == call)
                name = select.Items[i].Alias ?? "EXPR$" + i.ToString(CultureInfo.InvariantCulture);
        }
        name ??= "$f" + field.ToString(CultureInfo.InvariantCulture);
        var unique = name;
        for (var n = 0; !used.Add(unique); n++)
            unique = name + n.ToString(CultureInfo.InvariantCulture);
        return unique;
    }

    private static int IndexOf(List<RexNode> below, List<string> names, RexNode expression)
    {
        var text = expression.ToString();
        for (var i = 0; i < below.Count; i++)
        {
            if (below[i].ToString() == text && below[i].Type == expression.Type)
                return i;
        }
        below.Add(expression);
        names.Add("$f" + (below.Count - 1).ToString(CultureInfo.InvariantCulture));
        return below.Count - 1;
    }

    private void CollectCalls(Expression expression)
    {
        var found = new List<Expression>();
        SyntaxWalker.Collect(expression, e => e is FunctionCall call && ExpressionBinder.IsAggregate(call), found);
        foreach (FunctionCall call in found)
        {
            if (!_calls.Contains(call))
                _calls.Add(call);
        }
    }

    private static RexNode? NoNestedAggregates(Expression expression) =>
        expression is FunctionCall call && ExpressionBinder.IsAggregate(call)
            ? throw BindingErrors.At(call, "Aggregate expressions cannot be nested")
            : null;

    // ---- GROUP BY

    private void BindGroupBy()
    {
        var tvf = _from.Window;
        var windowStart = false;
        var windowEnd = false;
        var keys = new List<Expression>();
        foreach (var key in select.GroupBy)
        {
            if (key is GroupingExpression grouping)
                throw BindingErrors.NotSupported(grouping, grouping.Kind == GroupingKind.Set ? "Grouping sets" : grouping.Kind.ToString().ToUpperInvariant());
            if (key is FunctionCall { Name.Count: 1 } call && call.UpperName is "TUMBLE" or "HOP" or "SESSION")
            {
                if (_legacyWindow is not null || tvf is not null)
                    throw BindingErrors.NotSupported(call, "Several windows in one GROUP BY");
                _legacyWindow = call;
                _window = QueryBinder.LegacyWindow(_from, call);
                continue;
            }
            if (tvf is not null && key is ColumnReference column)
            {
                var (index, used) = ColumnResolver.Resolve(_from, column);
                if (used == column.Names.Count && index >= tvf.Input.Columns.Length)
                {
                    var name = _from.Columns[index].Name;
                    windowStart |= name == "window_start";
                    windowEnd |= name == "window_end";
                    if (name == "window_time")
                        throw BindingErrors.NotSupported(column, "GROUP BY window_time");
                    continue;
                }
            }
            keys.Add(key);
        }
        if (tvf is not null)
        {
            if (!(windowStart && windowEnd))
                throw BindingErrors.NotSupported(select, "An aggregation over a window TVF not grouped by both window_start and window_end");
            _window = tvf.Spec;
            _base = tvf.Input;
        }
        var binder = new ExpressionBinder(_base, "GROUP BY");
        foreach (var key in keys)
        {
            _keyExpressions.Add(key);
            _keys.Add(binder.Bind(key));
        }
    }

    // ---- the select list and HAVING over the aggregation

    /// <summary>
    /// Binds aggregate calls, window properties and group keys to the aggregation's output columns; a column that is
    /// none of them is refused as Calcite refuses it.
    /// </summary>
    private RexInputRef? Grouped(Expression expression)
    {
        var types = _aggregate.FieldTypes;
        if (expression is FunctionCall call && ExpressionBinder.IsAggregate(call))
        {
            var index = _keys.Count + _calls.IndexOf(call);
            return Rex.Input(index, types[index]);
        }
        if (_window is not null && WindowProperty(expression) is { } property)
            return Rex.Input(_outputWindowColumn + property, types[_outputWindowColumn + property]);
        for (var i = 0; i < _keyExpressions.Count; i++)
        {
            if (_keyExpressions[i] == expression)
                return Rex.Input(i, types[i]);
        }
        if (expression is ColumnReference column)
        {
            var bound = new ExpressionBinder(_base, "SELECT").Bind(column);
            for (var i = 0; i < _keys.Count; i++)
            {
                if (_keys[i].ToString() == bound.ToString())
                    return Rex.Input(i, types[i]);
            }
            throw BindingErrors.At(column, $"Expression '{column.ToSql()}' is not being grouped");
        }
        return null;
    }

    /// <summary>0, 1, 2 for window_start, window_end, window_time (or TUMBLE_START, TUMBLE_END, TUMBLE_ROWTIME); else null.</summary>
    private int? WindowProperty(Expression expression)
    {
        if (_from.Window is { } tvf && expression is ColumnReference column)
        {
            try
            {
                var (index, used) = ColumnResolver.Resolve(_from, column);
                if (used == column.Names.Count && index >= tvf.Input.Columns.Length)
                    return index - tvf.Input.Columns.Length;
            }
            catch (SqlValidationException)
            {
                return null;
            }
        }
        if (_legacyWindow is { } window && expression is FunctionCall { Name.Count: 1 } call)
        {
            var prefix = window.UpperName + "_";
            if (call.UpperName.StartsWith(prefix, StringComparison.Ordinal))
            {
                return call.UpperName[prefix.Length..] switch
                {
                    "START" => 0,
                    "END" => 1,
                    "ROWTIME" => 2,
                    _ => throw BindingErrors.NotSupported(call, call.UpperName),
                };
            }
        }
        return null;
    }
}
