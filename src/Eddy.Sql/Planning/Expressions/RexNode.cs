using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Eddy.Sql.Functions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Expressions;

/// <summary>
/// A typed scalar expression over the columns of one input row (Calcite's RexNode): what the binder produces from the
/// AST and the compiler turns into delegates. Every node carries its <see cref="SqlType"/>, nullability included.
/// Nodes are immutable; <c>ToString</c> prints them as Flink's EXPLAIN does (<c>$0</c>, <c>+($0, 1)</c>).
/// Build them with <see cref="Rex"/>, which derives the result types and refuses operands of the wrong types.
/// </summary>
internal abstract class RexNode
{
    protected RexNode(SqlType type) => Type = type ?? throw new ArgumentNullException(nameof(type));

    /// <summary>The expression's type, nullability included.</summary>
    public SqlType Type { get; }

    /// <summary>The node's operands (empty for leaves).</summary>
    public virtual ImmutableArray<RexNode> Operands => [];

    /// <summary>Whether evaluating the node twice on the same row gives the same value (no non-deterministic function inside).</summary>
    public virtual bool IsDeterministic
    {
        get
        {
            foreach (var operand in Operands)
            {
                if (!operand.IsDeterministic)
                    return false;
            }
            return true;
        }
    }
}

/// <summary>Column <see cref="Index"/> of the input row (Calcite's <c>$n</c>).</summary>
internal sealed class RexInputRef(int index, SqlType type) : RexNode(type)
{
    public int Index { get; } = index >= 0 ? index : throw new ArgumentOutOfRangeException(nameof(index));

    public override string ToString() => "$" + Index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A constant, held in the CLR representation of its type (see <see cref="SqlType"/>'s remarks); <see langword="null"/>
/// is SQL NULL of <see cref="RexNode.Type"/>.
/// </summary>
internal sealed class RexLiteral : RexNode
{
    public RexLiteral(object? value, SqlType type)
        : base(type)
    {
        if (value is not null && type.Kind != SqlTypeKind.Null && !type.ClrType.IsInstanceOfType(value))
            throw new ArgumentException($"A {type} literal holds {type.ClrType.Name} values, not {value.GetType().Name}.", nameof(value));
        if (value is null && !type.IsNullable)
            throw new ArgumentException($"A NULL literal cannot be of type {type}.", nameof(value));
        Value = value;
    }

    public object? Value { get; }

    /// <summary>
    /// Calcite's spelling: INT and BOOLEAN literals bare, other types suffixed with their type (<c>10:BIGINT</c>),
    /// strings quoted, NULL with its type (<c>null:INT</c>).
    /// </summary>
    public override string ToString()
    {
        var bare = Type.ToNullableString();
        return Value switch
        {
            null => "null:" + bare,
            bool b => b ? "true" : "false",
            int i when Type.Kind == SqlTypeKind.Int => i.ToString(CultureInfo.InvariantCulture),
            string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
            byte[] bytes => "X'" + Convert.ToHexString(bytes) + "'",
            DateOnly date => Functions.DateTimeText.FormatDate(date) + ":" + bare,
            TimeOnly time => Functions.DateTimeText.FormatTime(time, Type.Precision) + ":" + bare,
            DateTime timestamp => Functions.DateTimeText.FormatTimestamp(timestamp, Type.Precision) + ":" + bare,
            DateTimeOffset instant => Functions.DateTimeText.FormatTimestamp(instant.UtcDateTime, Type.Precision) + ":" + bare,
            // Calcite prints a day-time interval literal as its milliseconds.
            TimeSpan span => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + ":" + bare,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture) + ":" + bare,
            _ => Value + ":" + bare,
        };
    }
}

/// <summary>Field <see cref="FieldIndex"/> of a ROW-typed expression (<c>$0.name</c>); NULL when the row is NULL.</summary>
internal sealed class RexFieldAccess : RexNode
{
    public RexFieldAccess(RexNode target, int fieldIndex)
        : base(FieldType(target, fieldIndex))
    {
        Target = target;
        FieldIndex = fieldIndex;
    }

    public RexNode Target { get; }

    public int FieldIndex { get; }

    public string FieldName => Target.Type.Fields[FieldIndex].Name;

    public override ImmutableArray<RexNode> Operands => [Target];

    public override string ToString() => Target + "." + FieldName;

    private static SqlType FieldType(RexNode target, int fieldIndex)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Type.Kind != SqlTypeKind.Row)
            throw new PlanningException($"Cannot access a field of an expression of type {target.Type}: only ROW has fields.");
        if ((uint)fieldIndex >= (uint)target.Type.Fields.Length)
            throw new ArgumentOutOfRangeException(nameof(fieldIndex), fieldIndex, $"{target.Type} has {target.Type.Fields.Length} fields.");
        var type = target.Type.Fields[fieldIndex].Type;
        // A field of a NULL row is NULL, whatever the field's own nullability.
        return target.Type.IsNullable ? type.WithNullability(true) : type;
    }
}

/// <summary>
/// A call of one of the operators the compiler owns (<see cref="SqlOperator"/>): logic with three-valued semantics,
/// NULL tests, comparisons, arithmetic, CASE and COALESCE. Printed as Calcite prints calls: <c>OP(operands)</c>.
/// </summary>
internal sealed class RexCall : RexNode
{
    public RexCall(SqlOperator op, ImmutableArray<RexNode> operands, SqlType type)
        : base(type)
    {
        Operator = op;
        _operands = operands;
    }

    private readonly ImmutableArray<RexNode> _operands;

    public SqlOperator Operator { get; }

    public override ImmutableArray<RexNode> Operands => _operands;

    public override string ToString() => PrintCall(Operator.Symbol(), _operands);

    internal static string PrintCall(string name, ImmutableArray<RexNode> operands)
    {
        var text = new StringBuilder(name).Append('(');
        for (var i = 0; i < operands.Length; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(operands[i]);
        }
        return text.Append(')').ToString();
    }
}

/// <summary>
/// A call of a built-in function, resolved by the functions layer (<see cref="BuiltInFunctions.Resolve"/>) for its
/// arguments' types (<c>UPPER($1)</c>); the expression compiler calls it through
/// <see cref="ResolvedFunction.BuildCall"/>.
/// </summary>
internal sealed class RexFunctionCall : RexNode
{
    private readonly ImmutableArray<RexNode> _arguments;

    public RexFunctionCall(ResolvedFunction function, ImmutableArray<RexNode> arguments)
        : base(function.ReturnType)
    {
        // The resolution took the arguments' types, so only a call built against another argument list can disagree.
        if (function.ParameterTypes.Count != arguments.Length)
            throw new ArgumentException($"Function {function.Name} was resolved for {function.ParameterTypes.Count} arguments, not {arguments.Length}.", nameof(arguments));
        Function = function;
        _arguments = arguments;
    }

    public ResolvedFunction Function { get; }

    public override ImmutableArray<RexNode> Operands => _arguments;

    public override bool IsDeterministic => Function.IsDeterministic && base.IsDeterministic;

    public override string ToString() => RexCall.PrintCall(Function.Name, _arguments);
}

/// <summary>
/// <c>CAST(operand AS type)</c> with Flink's cast matrix (<see cref="SqlTypeRules.CanCast(SqlType, SqlType)"/>),
/// compiled through <see cref="SqlCasts.Build"/>.
/// </summary>
internal sealed class RexCast : RexNode
{
    public RexCast(RexNode operand, SqlType type, bool isTry = false)
        : base(isTry ? type.WithNullability(true) : type)
    {
        Operand = operand;
        IsTry = isTry;
        if (!SqlTypeRules.CanCast(operand.Type.WithNullability(true), type.WithNullability(true)))
            throw new PlanningException($"Cast function cannot convert value of type {operand.Type} to type {type}");
    }

    public RexNode Operand { get; }

    /// <summary>TRY_CAST: a value that does not convert gives NULL instead of an error (so the type is nullable).</summary>
    public bool IsTry { get; }

    public override ImmutableArray<RexNode> Operands => [Operand];

    /// <summary>Calcite's spelling: <c>CAST($0):BIGINT</c>, <c>TRY_CAST($0):INT</c>.</summary>
    public override string ToString() => (IsTry ? "TRY_CAST(" : "CAST(") + Operand + "):" + Type;
}
