using System.Collections.Immutable;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Binding;

/// <summary>Window TVFs in FROM: <c>TABLE(TUMBLE|HOP|CUMULATE|SESSION(TABLE t, DESCRIPTOR(ts), ...))</c>.</summary>
internal sealed partial class QueryBinder
{
    private static readonly string[] TumbleParameters = ["DATA", "TIMECOL", "SIZE", "OFFSET"];
    private static readonly string[] HopParameters = ["DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"];
    private static readonly string[] CumulateParameters = ["DATA", "TIMECOL", "STEP", "SIZE", "OFFSET"];
    private static readonly string[] SessionParameters = ["DATA", "TIMECOL", "GAP"];

    private BoundRelation BindTableFunction(TableFunctionTable function)
    {
        var call = function.Call;
        var name = call.UpperName;
        var parameters = name switch
        {
            "TUMBLE" => TumbleParameters,
            "HOP" => HopParameters,
            "CUMULATE" => CumulateParameters,
            "SESSION" => SessionParameters,
            _ => throw BindingErrors.NotSupported(call, $"Table function '{string.Join('.', call.Name)}'"),
        };
        if (function.Lateral)
            throw BindingErrors.NotSupported(function, "LATERAL TABLE");
        var arguments = WindowArguments(call, parameters);
        if (arguments["DATA"] is not TableArgument data)
            throw BindingErrors.At(arguments["DATA"], $"The first argument of {name} must be a table: TABLE t");
        if (arguments.TryGetValue("OFFSET", out var offset))
            throw BindingErrors.NotSupported(offset, $"The OFFSET of a {name} window");
        var input = ResolveTable(data, data.Table);
        string? partitionBy = null;
        if (data.PartitionBy.Count > 0)
        {
            if (name != "SESSION")
                throw BindingErrors.At(data, $"PARTITION BY is only supported by the SESSION window table function, not {name}");
            partitionBy = string.Join(", ", data.PartitionBy.Select(key => key is ColumnReference { Names.Count: 1 } column
                ? input.Node.Fields[ColumnResolver.Resolve(input, column).Index].Name
                : throw BindingErrors.NotSupported(key, "A PARTITION BY key that is not a column")));
        }
        if (arguments["TIMECOL"] is not DescriptorExpression { Columns.Count: 1 } descriptor)
            throw BindingErrors.At(arguments["TIMECOL"], $"The second argument of {name} must be a DESCRIPTOR of one time attribute column");
        var timeColumn = TimeAttributeColumn(input, descriptor, descriptor.Columns[0]);
        var spec = name switch
        {
            "TUMBLE" => WindowSpec.Tumble(timeColumn, Duration(arguments["SIZE"])),
            "HOP" => WindowSpec.Hop(timeColumn, Duration(arguments["SLIDE"]), Duration(arguments["SIZE"])),
            "CUMULATE" => WindowSpec.Cumulate(timeColumn, Duration(arguments["STEP"]), Duration(arguments["SIZE"])),
            _ => WindowSpec.Session(timeColumn, Duration(arguments["GAP"])) with { PartitionBy = partitionBy },
        };
        var relation = WindowRelation(input, spec);
        return function.Alias is { } alias ? Aliased(function, relation, alias) with { Window = relation.Window } : relation;
    }

    /// <summary>The window TVF over <paramref name="input"/>: its columns, then window_start, window_end and window_time (a rowtime).</summary>
    internal static BoundRelation WindowRelation(BoundRelation input, WindowSpec spec)
    {
        var node = new WindowTableFunctionNode(input.Node, spec);
        var columns = input.Columns
            .Add(new BoundColumn(null, "window_start"))
            .Add(new BoundColumn(null, "window_end"))
            .Add(new BoundColumn(null, "window_time", TimeAttribute.Rowtime));
        return new BoundRelation(node, columns) { Window = new WindowedInput(input, spec) };
    }

    /// <summary>The arguments by parameter name, positional or named (<c>SIZE =&gt; INTERVAL '1' MINUTE</c>).</summary>
    private static Dictionary<string, Expression> WindowArguments(FunctionCall call, string[] parameters)
    {
        var arguments = new Dictionary<string, Expression>(StringComparer.Ordinal);
        for (var i = 0; i < call.Arguments.Count; i++)
        {
            var argument = call.Arguments[i];
            if (argument is NamedArgument named)
            {
                var key = named.Name.ToUpperInvariant();
                if (Array.IndexOf(parameters, key) < 0)
                    throw BindingErrors.At(named, $"No match found for parameter '{named.Name}' of {call.UpperName}");
                arguments[key] = named.Value;
            }
            else if (i < parameters.Length)
            {
                arguments[parameters[i]] = argument;
            }
            else
            {
                throw BindingErrors.At(argument, $"Too many arguments for {call.UpperName}: it takes {string.Join(", ", parameters)}");
            }
        }
        foreach (var parameter in parameters)
        {
            if (parameter != "OFFSET" && !arguments.ContainsKey(parameter))
                throw BindingErrors.At(call, $"Invalid number of arguments to function '{call.UpperName}'. Was expecting {parameters.Length - (parameters[^1] == "OFFSET" ? 1 : 0)} arguments");
        }
        return arguments;
    }

    /// <summary>The index of a time attribute column, refusing another column with Flink's message.</summary>
    internal static int TimeAttributeColumn(BoundRelation input, SqlNode node, string column)
    {
        var index = -1;
        for (var i = 0; i < input.Columns.Length && index < 0; i++)
        {
            if (input.Columns[i].Name == column)
                index = i;
        }
        if (index < 0)
            throw BindingErrors.At(node, $"Column '{column}' not found in any table" + BindingErrors.Suggestion(column, input.Columns.Select(c => c.Name)));
        var type = input.Node.FieldTypes[index];
        if (input.Columns[index].Time == TimeAttribute.None)
            throw BindingErrors.At(node, $"The window function requires the timecol is a time attribute type, but is {type}.");
        if (input.Columns[index].Time == TimeAttribute.Proctime)
            throw BindingErrors.NotSupported(node, "A processing-time window");
        return index;
    }

    /// <summary>A window's size, slide, step or gap: a positive day-time interval literal.</summary>
    internal static TimeSpan Duration(Expression expression)
    {
        if (expression is IntervalLiteral interval && LiteralBinder.TryBind(interval) is { Value: TimeSpan span } && span > TimeSpan.Zero)
            return span;
        if (expression is IntervalLiteral)
            throw BindingErrors.At(expression, "A window's size, slide, step and gap must be positive day-time intervals (SECOND, MINUTE, HOUR, DAY)");
        throw BindingErrors.At(expression, $"A window's size, slide, step and gap must be interval literals, not '{expression.ToSql()}'");
    }

    /// <summary>Whether a type is a time attribute's type.</summary>
    internal static bool IsTimestamp(SqlType type) => type.Kind is SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz;

    /// <summary>A window function of the legacy GROUP BY (<c>TUMBLE(ts, INTERVAL '1' MINUTE)</c>) as a window spec over <paramref name="input"/>.</summary>
    internal static WindowSpec LegacyWindow(BoundRelation input, FunctionCall call)
    {
        var expected = call.UpperName == "HOP" ? 3 : 2;
        if (call.Arguments.Count != expected)
            throw BindingErrors.At(call, $"Invalid number of arguments to function '{call.UpperName}'. Was expecting {expected} arguments");
        if (call.Arguments[0] is not ColumnReference time)
            throw BindingErrors.At(call.Arguments[0], $"The first argument of {call.UpperName} must be a time attribute column");
        // A qualified column (B.dateTime, as Nexmark q11 writes it) resolves as any column reference.
        var column = time.Names.Count == 1
            ? TimeAttributeColumn(input, time, time.Names[0])
            : TimeAttributeColumn(input, time, input.Columns[ColumnResolver.Resolve(input, time).Index].Name);
        return call.UpperName switch
        {
            "TUMBLE" => WindowSpec.Tumble(column, Duration(call.Arguments[1])),
            // HOP(ts, slide, size), as Flink's legacy group window.
            "HOP" => WindowSpec.Hop(column, Duration(call.Arguments[1]), Duration(call.Arguments[2])),
            _ => WindowSpec.Session(column, Duration(call.Arguments[1])),
        };
    }

    /// <summary>
    /// A join of two inputs whose rows carry their windows, on both window_start and window_end (and maybe other keys
    /// and conditions), as Flink's window join: null when the join is not one (then it stays a regular join, as in
    /// Flink). Both sides must be windowed alike, with Flink's refusal otherwise.
    /// </summary>
    private static BoundRelation? WindowJoin(JoinTable join, BoundRelation left, BoundRelation right, Planning.Logical.JoinKind kind,
        ImmutableArray<int> leftKeys, ImmutableArray<int> rightKeys, List<RexNode> rest, BoundRelation both)
    {
        if (WindowColumns.Of(left.Node) is not { } leftWindow || WindowColumns.Of(right.Node) is not { } rightWindow)
            return null;
        bool starts = false, ends = false;
        for (var i = 0; i < leftKeys.Length; i++)
        {
            starts |= leftKeys[i] == leftWindow.Start && rightKeys[i] == rightWindow.Start;
            ends |= leftKeys[i] == leftWindow.End && rightKeys[i] == rightWindow.End;
        }
        if (!(starts && ends))
            return null;
        if (!leftWindow.SameWindow(rightWindow))
            throw BindingErrors.At(join,
                "Currently, window join doesn't support different window table function of left and right inputs.\n" +
                $"The left window table function is {leftWindow.FunctionDisplay}.\nThe right window table function is {rightWindow.FunctionDisplay}.");
        RexNode? residual = rest.Count switch
        {
            0 => null,
            1 => rest[0],
            _ => Rex.And([.. rest]),
        };
        var node = BindingErrors.Positioned(join, () => new WindowJoinNode(left.Node, right.Node, kind, leftKeys, rightKeys, leftWindow, rightWindow, residual));
        // Rows leave at their window's end, later than their own rowtimes: those are no longer time attributes.
        return new BoundRelation(node, [.. both.Columns.Select(c => c with { Time = TimeAttribute.None })]);
    }

    /// <summary>
    /// GROUP BY over rows that carry their window, grouped by both window_start and window_end (a window aggregation's
    /// result grouped again per window, as Nexmark q5): a window aggregation on the attached window, emitted once per
    /// window, as Flink plans it; any other GROUP BY a regular, updating aggregation.
    /// </summary>
    internal static PlanNode GroupAggregate(PlanNode input, ImmutableArray<int> groupKeys, ImmutableArray<AggregateCall> calls) =>
        WindowColumns.Of(input) is { } window && groupKeys.Contains(window.Start) && groupKeys.Contains(window.End)
            ? new WindowAttachedAggregateNode(input, window, groupKeys, calls)
            : new AggregateNode(input, groupKeys, calls);
}
