using System.Collections.Immutable;
using System.Globalization;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Logical;

/// <summary>The aggregate functions the planner runs itself.</summary>
internal enum AggregateKind
{
    /// <summary>COUNT(*): every row.</summary>
    CountStar,
    /// <summary>COUNT(x): the rows where x is not NULL.</summary>
    Count,
    /// <summary>SUM(x).</summary>
    Sum,
    /// <summary>MIN(x).</summary>
    Min,
    /// <summary>MAX(x).</summary>
    Max,
    /// <summary>AVG(x).</summary>
    Avg,
    /// <summary>VAR_POP(x): the population variance.</summary>
    VarPop,
    /// <summary>VAR_SAMP(x) / VARIANCE(x): the sample variance.</summary>
    VarSamp,
    /// <summary>STDDEV_POP(x): the population standard deviation.</summary>
    StddevPop,
    /// <summary>STDDEV_SAMP(x) / STDDEV(x): the sample standard deviation.</summary>
    StddevSamp,
    /// <summary>FIRST_VALUE(x): the first non-NULL value added (and not retracted).</summary>
    FirstValue,
    /// <summary>LAST_VALUE(x): the last non-NULL value added (and not retracted).</summary>
    LastValue,
    /// <summary>LISTAGG(x [, separator]): the non-NULL values joined, in arrival order.</summary>
    ListAgg,
    /// <summary>A user-defined aggregate function (<see cref="AggregateCall.UserFunction"/>).</summary>
    UserDefined,
}

/// <summary>
/// One aggregate of a GROUP BY, a window aggregation or an OVER window: the function, its argument column, DISTINCT,
/// the BOOLEAN column of its <c>FILTER (WHERE ...)</c>, its output name and its result type, derived as Flink's.
/// </summary>
internal sealed record AggregateCall(AggregateKind Kind, int Argument, bool Distinct, int? FilterArgument, string Name, SqlType Type)
{
    /// <summary>
    /// An aggregate call over <paramref name="input"/> typed as Flink types it: COUNT BIGINT NOT NULL; SUM, MIN, MAX the
    /// argument's type (SUM of DECIMAL(p, s) is DECIMAL(38, s)); AVG the argument's type (integer AVG truncates, as
    /// Flink's), of DECIMAL(p, s) DECIMAL(38, max(6, s)); all but COUNT nullable (NULL over no non-NULL values).
    /// </summary>
    public static AggregateCall Create(AggregateKind kind, PlanNode input, int argument, string name, bool distinct = false, int? filterArgument = null)
    {
        if (filterArgument is { } filter && input.FieldTypes[filter].Kind != SqlTypeKind.Boolean)
            throw new PlanningException($"FILTER expression is not of type boolean: {input.FieldTypes[filter]}");
        if (kind == AggregateKind.CountStar)
            return new AggregateCall(kind, -1, distinct, filterArgument, name, SqlType.BigInt.NotNull());
        if (kind == AggregateKind.UserDefined)
            throw new PlanningException("A user-defined aggregate call is created with CreateUserDefined.");
        var type = input.FieldTypes[argument];
        var upper = FunctionName(kind);
        var result = kind switch
        {
            AggregateKind.Count => SqlType.BigInt.NotNull(),
            AggregateKind.Min or AggregateKind.Max or AggregateKind.FirstValue or AggregateKind.LastValue => type.WithNullability(true),
            AggregateKind.Sum when type.IsNumeric => type.Kind == SqlTypeKind.Decimal ? SqlType.Decimal(38, type.Scale) : type.WithNullability(true),
            AggregateKind.Avg when type.IsNumeric => type.Kind == SqlTypeKind.Decimal
                ? SqlType.Decimal(38, Math.Max(6, type.Scale))
                : type.WithNullability(true),
            AggregateKind.VarPop or AggregateKind.VarSamp or AggregateKind.StddevPop or AggregateKind.StddevSamp when type.IsNumeric =>
                Functions.SqlAggregates.ResultType(upper, type)!,
            AggregateKind.ListAgg when type.IsCharacterString => SqlType.String,
            AggregateKind.ListAgg => throw new PlanningException(
                $"Cannot apply 'LISTAGG' to arguments of type 'LISTAGG(<{type}>)'. Supported form(s): 'LISTAGG(<CHARACTER>)', 'LISTAGG(<CHARACTER>, <CHARACTER>)'"),
            _ => throw new PlanningException(
                $"Cannot apply '{upper}' to arguments of type '{upper}(<{type}>)'. Supported form(s): '{upper}(<NUMERIC>)'"),
        };
        if (kind is AggregateKind.Min or AggregateKind.Max && !TypeRules.IsOrderable(type))
            throw new PlanningException($"Cannot apply '{upper}' to arguments of type '{upper}(<{type}>)'. Supported form(s): '{upper}(<COMPARABLE_TYPE>)'");
        return new AggregateCall(kind, argument, distinct, filterArgument, name, result);
    }

    /// <summary>A user-defined aggregate's call: its result type is the function's, its arguments the function's columns.</summary>
    public static AggregateCall CreateUserDefined(Functions.UserDefinedAggregateCall function, PlanNode input, string name, bool distinct, int? filterArgument)
    {
        if (filterArgument is { } filter && input.FieldTypes[filter].Kind != SqlTypeKind.Boolean)
            throw new PlanningException($"FILTER expression is not of type boolean: {input.FieldTypes[filter]}");
        var first = function.Arguments.IsEmpty ? -1 : function.Arguments[0];
        return new AggregateCall(AggregateKind.UserDefined, first, distinct, filterArgument, name, function.ResultType) { UserFunction = function };
    }

    /// <summary>LISTAGG's separator (',' when not given).</summary>
    public string Separator { get; init; } = ",";

    /// <summary>The user-defined aggregate of an <see cref="AggregateKind.UserDefined"/> call; null otherwise.</summary>
    public Functions.UserDefinedAggregateCall? UserFunction { get; init; }

    /// <summary>The function's SQL name (<c>COUNT</c>, <c>STDDEV_POP</c>, a user-defined function's name).</summary>
    public string FunctionName() => Kind == AggregateKind.UserDefined ? UserFunction!.Name : FunctionName(Kind);

    /// <summary>The SQL name of a built-in aggregate kind.</summary>
    public static string FunctionName(AggregateKind kind) => kind switch
    {
        AggregateKind.CountStar or AggregateKind.Count => "COUNT",
        AggregateKind.VarPop => "VAR_POP",
        AggregateKind.VarSamp => "VAR_SAMP",
        AggregateKind.StddevPop => "STDDEV_POP",
        AggregateKind.StddevSamp => "STDDEV_SAMP",
        AggregateKind.FirstValue => "FIRST_VALUE",
        AggregateKind.LastValue => "LAST_VALUE",
        _ => kind.ToString().ToUpperInvariant(),
    };

    /// <summary>As Calcite prints it: <c>COUNT()</c>, <c>SUM($1)</c>, <c>COUNT(DISTINCT $1) FILTER $2</c>.</summary>
    public override string ToString() => Print(i => "$" + i.ToString(CultureInfo.InvariantCulture), logical: true);

    /// <summary>As Flink's physical plans print it, with the input's field names: <c>COUNT(*)</c>, <c>SUM(b)</c>.</summary>
    public string Display(PlanNode input) => Print(i => input.Fields[i].Name, logical: false);

    private string Print(Func<int, string> column, bool logical)
    {
        var function = FunctionName();
        var columns = UserFunction is { } user ? string.Join(", ", user.Arguments.Select(column)) : Argument < 0 ? "" : column(Argument);
        if (Kind == AggregateKind.ListAgg && Separator != ",")
            columns += ", '" + Separator + "'";
        var argument = Kind == AggregateKind.CountStar ? (logical ? "" : "*") : (Distinct ? "DISTINCT " : "") + columns;
        var text = $"{function}({argument})";
        return FilterArgument is { } filter ? $"{text} FILTER {column(filter)}" : text;
    }
}

/// <summary>GROUP BY: one row per group, the group keys then the aggregates; an updating result.</summary>
internal sealed class AggregateNode : PlanNode
{
    public AggregateNode(PlanNode input, ImmutableArray<int> groupKeys, ImmutableArray<AggregateCall> calls)
        : base(OutputFields(input, groupKeys, calls), [input])
    {
        GroupKeys = groupKeys;
        Calls = calls;
    }

    public PlanNode Input => Inputs[0];

    public ImmutableArray<int> GroupKeys { get; }

    public ImmutableArray<AggregateCall> Calls { get; }

    public override string LogicalName => "LogicalAggregate";

    protected override IEnumerable<string> Attributes()
    {
        yield return "group=[{" + string.Join(", ", GroupKeys) + "}]";
        foreach (var call in Calls)
            yield return call.Name + "=[" + call + "]";
    }

    public override string PhysicalDescription
    {
        get
        {
            var select = GroupKeys.Select(k => Input.Fields[k].Name).Concat(Calls.Select(c => c.Display(Input) + " AS " + c.Name));
            var groupBy = GroupKeys.IsEmpty ? "" : $"groupBy=[{Input.FieldNames(GroupKeys)}], ";
            return $"GroupAggregate({groupBy}select=[{string.Join(", ", select)}])";
        }
    }

    internal static ImmutableArray<SqlField> OutputFields(PlanNode input, ImmutableArray<int> groupKeys, ImmutableArray<AggregateCall> calls)
    {
        var fields = ImmutableArray.CreateBuilder<SqlField>();
        foreach (var key in groupKeys)
            fields.Add(input.Fields[key]);
        foreach (var call in calls)
            fields.Add(new SqlField(call.Name, call.Type));
        return fields.ToImmutable();
    }
}

/// <summary>The windowing table functions of Flink's window TVFs.</summary>
internal enum WindowKind
{
    /// <summary>TUMBLE(TABLE t, DESCRIPTOR(ts), size).</summary>
    Tumble,
    /// <summary>HOP(TABLE t, DESCRIPTOR(ts), slide, size).</summary>
    Hop,
    /// <summary>CUMULATE(TABLE t, DESCRIPTOR(ts), step, size).</summary>
    Cumulate,
    /// <summary>SESSION(TABLE t [PARTITION BY k], DESCRIPTOR(ts), gap).</summary>
    Session,
}

/// <summary>
/// A window TVF's arguments: the kind, the time attribute column, and the size (TUMBLE, HOP, CUMULATE's max size),
/// slide (HOP), step (CUMULATE) or gap (SESSION).
/// </summary>
internal sealed record WindowSpec(WindowKind Kind, int TimeColumn, TimeSpan Size, TimeSpan Slide = default)
{
    public static WindowSpec Tumble(int timeColumn, TimeSpan size) => new(WindowKind.Tumble, timeColumn, size);

    public static WindowSpec Hop(int timeColumn, TimeSpan slide, TimeSpan size) => new(WindowKind.Hop, timeColumn, size, slide);

    public static WindowSpec Cumulate(int timeColumn, TimeSpan step, TimeSpan size) => new(WindowKind.Cumulate, timeColumn, size, step);

    public static WindowSpec Session(int timeColumn, TimeSpan gap) => new(WindowKind.Session, timeColumn, gap);

    /// <summary>A SESSION's <c>PARTITION BY</c> columns, by name (sessions are per partition); null when none.</summary>
    public string? PartitionBy { get; init; }

    /// <summary>As Flink prints it: <c>TUMBLE(time_col=[ts], size=[10 s])</c>.</summary>
    public string Display(PlanNode input)
    {
        var time = input.Fields[TimeColumn].Name;
        return Kind switch
        {
            WindowKind.Tumble => $"TUMBLE(time_col=[{time}], size=[{Duration(Size)}])",
            WindowKind.Hop => $"HOP(time_col=[{time}], size=[{Duration(Size)}], slide=[{Duration(Slide)}])",
            WindowKind.Cumulate => $"CUMULATE(time_col=[{time}], max_size=[{Duration(Size)}], step=[{Duration(Slide)}])",
            _ => PartitionBy is null
                ? $"SESSION(time_col=[{time}], gap=[{Duration(Size)}])"
                : $"SESSION(time_col=[{time}], gap=[{Duration(Size)}], partition keys=[{PartitionBy}])",
        };
    }

    /// <summary>A duration in the largest unit that divides it, as Flink prints window sizes (<c>10 min</c>, <c>1500 ms</c>).</summary>
    internal static string Duration(TimeSpan span)
    {
        var ms = (long)span.TotalMilliseconds;
        var c = CultureInfo.InvariantCulture;
        if (ms % 3_600_000 == 0 && ms != 0)
            return (ms / 3_600_000).ToString(c) + " h";
        if (ms % 60_000 == 0 && ms != 0)
            return (ms / 60_000).ToString(c) + " min";
        if (ms % 1000 == 0 && ms != 0)
            return (ms / 1000).ToString(c) + " s";
        return ms.ToString(c) + " ms";
    }

    /// <summary>window_start, window_end (TIMESTAMP(3) NOT NULL) and window_time (the time attribute's type, precision 3).</summary>
    internal static ImmutableArray<SqlField> WindowFields(SqlType timeType) =>
    [
        new SqlField("window_start", SqlType.Timestamp(3).NotNull()),
        new SqlField("window_end", SqlType.Timestamp(3).NotNull()),
        new SqlField("window_time", (timeType.Kind == SqlTypeKind.TimestampLtz ? SqlType.TimestampLtz(3) : SqlType.Timestamp(3)).NotNull()),
    ];
}

/// <summary>A window TVF (<c>TABLE(TUMBLE(...))</c>): the input's columns plus window_start, window_end and window_time.</summary>
internal sealed class WindowTableFunctionNode : PlanNode
{
    public WindowTableFunctionNode(PlanNode input, WindowSpec window)
        : base(Concat(input.Fields, WindowSpec.WindowFields(CheckTime(input, window))), [input])
    {
        Window = window;
    }

    public PlanNode Input => Inputs[0];

    public WindowSpec Window { get; }

    public override string LogicalName => "LogicalWindowTableFunction";

    protected override IEnumerable<string> Attributes() => ["window=[" + Window.Display(Input) + "]"];

    public override string PhysicalDescription => $"WindowTableFunction(window=[{Window.Display(Input)}])";

    internal static SqlType CheckTime(PlanNode input, WindowSpec window)
    {
        var type = input.FieldTypes[window.TimeColumn];
        if (type.Kind is not (SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz))
            throw new PlanningException(
                $"The window function requires the timecol is a time attribute type, but is {type}.");
        return type;
    }
}

/// <summary>
/// An aggregation per window (a window TVF then GROUP BY window_start, window_end, keys, as Flink merges them):
/// the group keys, the aggregates, then window_start, window_end and window_time. Emits each window once, when the
/// watermark passes its end: an insert-only result.
/// </summary>
internal sealed class WindowAggregateNode : PlanNode
{
    public WindowAggregateNode(PlanNode input, WindowSpec window, ImmutableArray<int> groupKeys, ImmutableArray<AggregateCall> calls)
        : base(Concat(AggregateNode.OutputFields(input, groupKeys, calls), WindowSpec.WindowFields(WindowTableFunctionNode.CheckTime(input, window))), [input])
    {
        Window = window;
        GroupKeys = groupKeys;
        Calls = calls;
    }

    public PlanNode Input => Inputs[0];

    public WindowSpec Window { get; }

    public ImmutableArray<int> GroupKeys { get; }

    public ImmutableArray<AggregateCall> Calls { get; }

    public override string LogicalName => "LogicalWindowAggregate";

    protected override IEnumerable<string> Attributes()
    {
        yield return "group=[{" + string.Join(", ", GroupKeys) + "}]";
        foreach (var call in Calls)
            yield return call.Name + "=[" + call + "]";
        yield return "window=[" + Window.Display(Input) + "]";
    }

    public override string PhysicalDescription
    {
        get
        {
            var select = GroupKeys.Select(k => Input.Fields[k].Name)
                .Concat(Calls.Select(c => c.Display(Input) + " AS " + c.Name))
                .Concat(["start('w$) AS window_start", "end('w$) AS window_end", "rowtime('w$) AS window_time"]);
            var groupBy = GroupKeys.IsEmpty ? "" : $"groupBy=[{Input.FieldNames(GroupKeys)}], ";
            return $"WindowAggregate({groupBy}window=[{Window.Display(Input)}], select=[{string.Join(", ", select)}])";
        }
    }
}

/// <summary>
/// OVER aggregates (<c>agg OVER (PARTITION BY k ORDER BY rowtime ROWS|RANGE BETWEEN ... PRECEDING AND CURRENT ROW)</c>):
/// the input's columns plus one column per aggregate. <see cref="RowsPreceding"/> or <see cref="RangePreceding"/>
/// bounds the frame; neither means UNBOUNDED PRECEDING.
/// </summary>
internal sealed class OverAggregateNode : PlanNode
{
    public OverAggregateNode(PlanNode input, ImmutableArray<int> partitionKeys, int orderColumn, ImmutableArray<AggregateCall> calls,
        long? rowsPreceding = null, TimeSpan? rangePreceding = null)
        : base(Concat(input.Fields, [.. calls.Select(c => new SqlField(c.Name, c.Type))]), [input])
    {
        PartitionKeys = partitionKeys;
        OrderColumn = orderColumn;
        Calls = calls;
        RowsPreceding = rowsPreceding;
        RangePreceding = rangePreceding;
    }

    public PlanNode Input => Inputs[0];

    public ImmutableArray<int> PartitionKeys { get; }

    public int OrderColumn { get; }

    public ImmutableArray<AggregateCall> Calls { get; }

    public long? RowsPreceding { get; }

    public TimeSpan? RangePreceding { get; }

    private string Frame => RowsPreceding is { } rows
        ? $"ROWS BETWEEN {rows.ToString(CultureInfo.InvariantCulture)} PRECEDING AND CURRENT ROW"
        : RangePreceding is { } range
            ? $"RANGE BETWEEN {WindowSpec.Duration(range)} PRECEDING AND CURRENT ROW"
            : "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW";

    public override string LogicalName => "LogicalOverAggregate";

    protected override IEnumerable<string> Attributes()
    {
        yield return "partition=[{" + string.Join(", ", PartitionKeys) + "}]";
        yield return "order=[$" + OrderColumn.ToString(CultureInfo.InvariantCulture) + "]";
        yield return "frame=[" + Frame + "]";
        foreach (var call in Calls)
            yield return call.Name + "=[" + call + "]";
    }

    public override string PhysicalDescription =>
        $"OverAggregate(partitionBy=[{Input.FieldNames(PartitionKeys)}], orderBy=[{Input.Fields[OrderColumn].Name} ASC], window=[{Frame}], select=[{FieldNames()}])";
}
