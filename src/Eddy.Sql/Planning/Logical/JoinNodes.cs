using System.Collections.Immutable;
using System.Globalization;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Logical;

/// <summary>The kinds of join (SEMI and ANTI come from IN / EXISTS and NOT IN / NOT EXISTS subqueries).</summary>
internal enum JoinKind
{
    Inner,
    Left,
    Right,
    Full,
    Semi,
    Anti,
}

/// <summary>What the joins share: two inputs, equi-key pairs, an optional residual condition, and the output row.</summary>
internal abstract class JoinNodeBase : PlanNode
{
    protected JoinNodeBase(PlanNode left, PlanNode right, JoinKind kind, ImmutableArray<int> leftKeys, ImmutableArray<int> rightKeys, RexNode? residual)
        : base(OutputFields(left, right, kind), [left, right])
    {
        if (leftKeys.Length != rightKeys.Length)
            throw new ArgumentException("Every left key needs a right key.", nameof(rightKeys));
        for (var i = 0; i < leftKeys.Length; i++)
        {
            if (TypeRules.CommonType(left.FieldTypes[leftKeys[i]], right.FieldTypes[rightKeys[i]]) is null)
                throw new PlanningException(
                    $"Cannot apply '=' to arguments of type '<{left.FieldTypes[leftKeys[i]]}> = <{right.FieldTypes[rightKeys[i]]}>'. Supported form(s): '<EQUALITY_COMPARABLE_TYPE> = <EQUALITY_COMPARABLE_TYPE>'");
        }
        Kind = kind;
        LeftKeys = leftKeys;
        RightKeys = rightKeys;
        Residual = residual;
    }

    public PlanNode Left => Inputs[0];

    public PlanNode Right => Inputs[1];

    public JoinKind Kind { get; }

    public ImmutableArray<int> LeftKeys { get; }

    public ImmutableArray<int> RightKeys { get; }

    /// <summary>The non-equi part of the ON condition, over the left columns then the right ones; null when none.</summary>
    public RexNode? Residual { get; }

    /// <summary>The whole ON condition as Calcite prints it: <c>AND(=($0, $3), &gt;($1, $4))</c>.</summary>
    public string Condition
    {
        get
        {
            var parts = new List<string>();
            for (var i = 0; i < LeftKeys.Length; i++)
                parts.Add($"=(${LeftKeys[i].ToString(CultureInfo.InvariantCulture)}, ${(Left.Fields.Length + RightKeys[i]).ToString(CultureInfo.InvariantCulture)})");
            if (Residual is not null)
                parts.Add(Residual.ToString()!);
            return parts.Count switch
            {
                0 => "true",
                1 => parts[0],
                _ => "AND(" + string.Join(", ", parts) + ")",
            };
        }
    }

    protected string JoinTypeName => Kind switch
    {
        JoinKind.Inner => "InnerJoin",
        JoinKind.Left => "LeftOuterJoin",
        JoinKind.Right => "RightOuterJoin",
        JoinKind.Full => "FullOuterJoin",
        JoinKind.Semi => "LeftSemiJoin",
        _ => "LeftAntiJoin",
    };

    /// <summary>The condition with field names, as physical plans print it.</summary>
    protected string NamedCondition
    {
        get
        {
            var text = Condition;
            var names = Left.Fields.AddRange(Right.Fields);
            for (var i = names.Length - 1; i >= 0; i--)
                text = text.Replace("$" + i.ToString(CultureInfo.InvariantCulture), names[i].Name, StringComparison.Ordinal);
            return text;
        }
    }

    private static ImmutableArray<SqlField> OutputFields(PlanNode left, PlanNode right, JoinKind kind)
    {
        if (kind is JoinKind.Semi or JoinKind.Anti)
            return left.Fields;
        // The side an outer join pads with NULLs becomes nullable.
        var leftFields = kind is JoinKind.Right or JoinKind.Full ? Nullable(left.Fields) : left.Fields;
        var rightFields = kind is JoinKind.Left or JoinKind.Full ? Nullable(right.Fields) : right.Fields;
        return leftFields.AddRange(rightFields);
    }

    private static ImmutableArray<SqlField> Nullable(ImmutableArray<SqlField> fields) =>
        [.. fields.Select(f => f with { Type = f.Type.WithNullability(true) })];
}

/// <summary>A regular join: both sides kept in state without bound; outer joins retract their NULL-padded rows.</summary>
internal sealed class JoinNode(PlanNode left, PlanNode right, JoinKind kind, ImmutableArray<int> leftKeys, ImmutableArray<int> rightKeys, RexNode? residual = null)
    : JoinNodeBase(left, right, kind, leftKeys, rightKeys, residual)
{
    public override string LogicalName => "LogicalJoin";

    protected override IEnumerable<string> Attributes() => ["condition=[" + Condition + "]", "joinType=[" + Kind.ToString().ToLowerInvariant() + "]"];

    public override string PhysicalDescription => $"Join(joinType=[{JoinTypeName}], where=[{NamedCondition}], select=[{FieldNames()}])";
}

/// <summary>
/// An interval join: rows match when <c>right.time BETWEEN left.time + LowerBound AND left.time + UpperBound</c>,
/// so state expires with the watermark. Both inputs must be insert-only; the result is insert-only.
/// </summary>
internal sealed class IntervalJoinNode(PlanNode left, PlanNode right, JoinKind kind, ImmutableArray<int> leftKeys, ImmutableArray<int> rightKeys,
    int leftTimeColumn, int rightTimeColumn, TimeSpan lowerBound, TimeSpan upperBound, RexNode? residual = null)
    : JoinNodeBase(left, right, kind, leftKeys, rightKeys, residual)
{
    public int LeftTimeColumn { get; } = leftTimeColumn;

    public int RightTimeColumn { get; } = rightTimeColumn;

    public TimeSpan LowerBound { get; } = lowerBound;

    public TimeSpan UpperBound { get; } = upperBound;

    public override string LogicalName => "LogicalIntervalJoin";

    private string Bounds =>
        $"isRowTime=true, leftLowerBound={(long)LowerBound.TotalMilliseconds}, leftUpperBound={(long)UpperBound.TotalMilliseconds}, leftTimeIndex={LeftTimeColumn}, rightTimeIndex={RightTimeColumn}";

    protected override IEnumerable<string> Attributes() =>
        ["condition=[" + Condition + "]", "joinType=[" + Kind.ToString().ToLowerInvariant() + "]", "windowBounds=[" + Bounds + "]"];

    public override string PhysicalDescription =>
        $"IntervalJoin(joinType=[{JoinTypeName}], windowBounds=[{Bounds}], where=[{NamedCondition}], select=[{FieldNames()}])";
}

/// <summary>
/// An event-time temporal join (<c>FOR SYSTEM_TIME AS OF left.rowtime</c>): each left row meets the version of the right
/// (versioned) table's row valid at its time. The left input must be insert-only; the result is insert-only.
/// </summary>
internal sealed class TemporalJoinNode(PlanNode left, PlanNode right, JoinKind kind, ImmutableArray<int> leftKeys, ImmutableArray<int> rightKeys,
    int leftTimeColumn, RexNode? residual = null)
    : JoinNodeBase(left, right, CheckKind(kind), leftKeys, rightKeys, residual)
{
    public int LeftTimeColumn { get; } = leftTimeColumn;

    public override string LogicalName => "LogicalTemporalJoin";

    protected override IEnumerable<string> Attributes() =>
        ["condition=[" + Condition + "]", "joinType=[" + Kind.ToString().ToLowerInvariant() + "]", "asOf=[$" + LeftTimeColumn.ToString(CultureInfo.InvariantCulture) + "]"];

    public override string PhysicalDescription =>
        $"TemporalJoin(joinType=[{JoinTypeName}], where=[{NamedCondition}, __TEMPORAL_JOIN_CONDITION({Left.Fields[LeftTimeColumn].Name})], select=[{FieldNames()}])";

    private static JoinKind CheckKind(JoinKind kind) =>
        kind is JoinKind.Inner or JoinKind.Left
            ? kind
            : throw new PlanningException($"Temporal table join currently only supports INNER JOIN and LEFT JOIN, but was {kind.ToString().ToUpperInvariant()} JOIN.");
}
