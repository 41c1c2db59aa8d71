using Eddy.Sql.Functions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Expressions;

/// <summary>
/// Builds <see cref="RexNode"/>s with their result types derived as Flink derives them, refusing operands of the wrong
/// types with Calcite's message (<c>Cannot apply '+' to arguments of type '&lt;STRING&gt; + &lt;INT&gt;'</c>), which the
/// binder decorates with the position of the offending expression.
/// </summary>
internal static class Rex
{
    public static RexInputRef Input(int index, SqlType type) => new(index, type);

    public static RexLiteral Literal(object? value, SqlType type) => new(value, type);

    public static RexLiteral Int(int value) => new(value, SqlType.Int.NotNull());

    public static RexLiteral BigInt(long value) => new(value, SqlType.BigInt.NotNull());

    public static RexLiteral Boolean(bool value) => new(value, SqlType.Boolean.NotNull());

    public static RexLiteral String(string value) => new(value, SqlType.Char(Math.Max(1, value.Length)).NotNull());

    public static RexLiteral Null(SqlType type) => new(null, type.WithNullability(true));

    public static RexNode Field(RexNode target, string name)
    {
        for (var i = 0; i < target.Type.Fields.Length; i++)
        {
            if (target.Type.Fields[i].Name == name)
                return new RexFieldAccess(target, i);
        }
        throw new PlanningException($"Unknown field '{name}' in {target.Type}.");
    }

    public static RexNode Call(ResolvedFunction function, params RexNode[] arguments) => new RexFunctionCall(function, [.. arguments]);

    public static RexNode Cast(RexNode operand, SqlType type) => new RexCast(operand, type);

    public static RexNode And(params RexNode[] operands) => Logical(SqlOperator.And, operands);

    public static RexNode Or(params RexNode[] operands) => Logical(SqlOperator.Or, operands);

    public static RexNode Not(RexNode operand)
    {
        RequireBoolean(SqlOperator.Not, operand);
        return new RexCall(SqlOperator.Not, [operand], SqlType.Boolean.WithNullability(operand.Type.IsNullable));
    }

    /// <summary>IS [NOT] NULL, IS [NOT] TRUE, IS [NOT] FALSE: never NULL themselves.</summary>
    public static RexNode Test(SqlOperator op, RexNode operand)
    {
        if (op is not (SqlOperator.IsNull or SqlOperator.IsNotNull or SqlOperator.IsTrue or SqlOperator.IsNotTrue
            or SqlOperator.IsFalse or SqlOperator.IsNotFalse))
            throw new ArgumentOutOfRangeException(nameof(op), op, "not a postfix test");
        if (op is not (SqlOperator.IsNull or SqlOperator.IsNotNull))
            RequireBoolean(op, operand);
        return new RexCall(op, [operand], SqlType.Boolean.NotNull());
    }

    public static RexNode IsNull(RexNode operand) => Test(SqlOperator.IsNull, operand);

    public static RexNode IsNotNull(RexNode operand) => Test(SqlOperator.IsNotNull, operand);

    /// <summary>A comparison (=, &lt;&gt;, &lt;, &lt;=, &gt;, &gt;=) or IS [NOT] DISTINCT FROM, over operands widened to their common type.</summary>
    public static RexNode Compare(SqlOperator op, RexNode left, RexNode right)
    {
        var distinct = op is SqlOperator.IsDistinctFrom or SqlOperator.IsNotDistinctFrom;
        if (!op.IsComparison() && !distinct)
            throw new ArgumentOutOfRangeException(nameof(op), op, "not a comparison");
        var common = TypeRules.CommonType(left.Type, right.Type);
        var ordered = op is not (SqlOperator.Equals or SqlOperator.NotEquals) && !distinct;
        if (common is null || (ordered ? !TypeRules.IsOrderable(common) : !TypeRules.IsEquatable(common)))
            throw CannotApply(op, [left, ordered ? "<COMPARABLE_TYPE>" : "<EQUALITY_COMPARABLE_TYPE>"], left, right);
        var nullable = !distinct && (left.Type.IsNullable || right.Type.IsNullable);
        return new RexCall(op, [left, right], SqlType.Boolean.WithNullability(nullable));
    }

    public static RexNode Equal(RexNode left, RexNode right) => Compare(SqlOperator.Equals, left, right);

    /// <summary>+ − * / % over numbers, typed by <see cref="TypeRules.ArithmeticType"/>.</summary>
    public static RexNode Arithmetic(SqlOperator op, RexNode left, RexNode right)
    {
        if (!op.IsArithmetic())
            throw new ArgumentOutOfRangeException(nameof(op), op, "not an arithmetic operator");
        var type = TypeRules.ArithmeticType(op, left.Type, right.Type)
            ?? throw CannotApply(op, [op == SqlOperator.Mod ? "<EXACT_NUMERIC>" : "<NUMERIC>"], left, right);
        return new RexCall(op, [left, right], type);
    }

    public static RexNode Plus(RexNode left, RexNode right) => Arithmetic(SqlOperator.Plus, left, right);

    public static RexNode Negate(RexNode operand)
    {
        if (!operand.Type.IsNumeric)
            throw new PlanningException($"Cannot apply '-' to arguments of type '-<{operand.Type}>'. Supported form(s): '-<NUMERIC>'");
        return new RexCall(SqlOperator.Negate, [operand], operand.Type);
    }

    /// <summary>
    /// CASE WHEN c1 THEN v1 [WHEN c2 THEN v2 ...] ELSE e END: <paramref name="operands"/> are c1, v1, c2, v2, ..., e
    /// (the binder supplies <c>ELSE NULL</c> when the query has none). The result is the values' common type.
    /// </summary>
    public static RexNode Case(params RexNode[] operands)
    {
        if (operands.Length < 3 || operands.Length % 2 == 0)
            throw new ArgumentException("CASE takes condition/value pairs and an ELSE value.", nameof(operands));
        SqlType? type = null;
        for (var i = 0; i < operands.Length; i++)
        {
            var isCondition = i % 2 == 0 && i < operands.Length - 1;
            if (isCondition)
            {
                RequireBoolean(SqlOperator.Case, operands[i]);
                continue;
            }
            type = type is null ? operands[i].Type : TypeRules.CommonType(type, operands[i].Type)
                ?? throw new PlanningException($"Illegal mixing of types in CASE or COALESCE statement: {type} and {operands[i].Type}");
        }
        return new RexCall(SqlOperator.Case, [.. operands], type!);
    }

    /// <summary>COALESCE(a, b, ...): the common type, NOT NULL when any operand is NOT NULL.</summary>
    public static RexNode Coalesce(params RexNode[] operands)
    {
        if (operands.Length == 0)
            throw new ArgumentException("COALESCE takes at least one operand.", nameof(operands));
        var type = operands[0].Type;
        var nullable = type.IsNullable;
        for (var i = 1; i < operands.Length; i++)
        {
            type = TypeRules.CommonType(type, operands[i].Type)
                ?? throw new PlanningException($"Illegal mixing of types in CASE or COALESCE statement: {type} and {operands[i].Type}");
            nullable &= operands[i].Type.IsNullable;
        }
        return new RexCall(SqlOperator.Coalesce, [.. operands], type.WithNullability(nullable));
    }

    private static RexCall Logical(SqlOperator op, RexNode[] operands)
    {
        if (operands.Length < 2)
            throw new ArgumentException($"{op.Symbol()} takes at least two operands.", nameof(operands));
        var nullable = false;
        foreach (var operand in operands)
        {
            RequireBoolean(op, operand);
            nullable |= operand.Type.IsNullable;
        }
        return new RexCall(op, [.. operands], SqlType.Boolean.WithNullability(nullable));
    }

    private static void RequireBoolean(SqlOperator op, RexNode operand)
    {
        if (operand.Type.Kind is not (SqlTypeKind.Boolean or SqlTypeKind.Null))
            throw new PlanningException($"Cannot apply '{op.Symbol()}' to arguments of type '<{operand.Type}>'. Supported form(s): '<BOOLEAN>'");
    }

    private static PlanningException CannotApply(SqlOperator op, object[] form, RexNode left, RexNode right)
    {
        var symbol = op.Symbol();
        var supported = op == SqlOperator.Mod ? $"{symbol}({form[^1]}, {form[^1]})" : $"{form[^1]} {symbol} {form[^1]}";
        // Calcite prints the operand types without their nullability.
        var (l, r) = (left.Type.ToNullableString(), right.Type.ToNullableString());
        var actual = op == SqlOperator.Mod ? $"{symbol}(<{l}>, <{r}>)" : $"<{l}> {symbol} <{r}>";
        return new PlanningException($"Cannot apply '{symbol}' to arguments of type '{actual}'. Supported form(s): '{supported}'");
    }
}
