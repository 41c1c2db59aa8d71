namespace Eddy.Sql.Planning.Expressions;

/// <summary>The operators whose semantics the expression compiler implements itself (the rest are <see cref="Functions.ResolvedFunction"/>s).</summary>
internal enum SqlOperator
{
    /// <summary>AND over two or more BOOLEANs, three-valued and short-circuit: FALSE wins over NULL.</summary>
    And,
    /// <summary>OR over two or more BOOLEANs, three-valued and short-circuit: TRUE wins over NULL.</summary>
    Or,
    /// <summary>NOT: NULL stays NULL.</summary>
    Not,
    /// <summary>IS NULL (never NULL itself).</summary>
    IsNull,
    /// <summary>IS NOT NULL.</summary>
    IsNotNull,
    /// <summary>IS TRUE: NULL is not true.</summary>
    IsTrue,
    /// <summary>IS NOT TRUE.</summary>
    IsNotTrue,
    /// <summary>IS FALSE: NULL is not false.</summary>
    IsFalse,
    /// <summary>IS NOT FALSE.</summary>
    IsNotFalse,
    /// <summary>IS DISTINCT FROM: equality where NULL equals NULL, negated; never NULL.</summary>
    IsDistinctFrom,
    /// <summary>IS NOT DISTINCT FROM.</summary>
    IsNotDistinctFrom,
    /// <summary>=.</summary>
    Equals,
    /// <summary>&lt;&gt;.</summary>
    NotEquals,
    /// <summary>&lt;.</summary>
    LessThan,
    /// <summary>&lt;=.</summary>
    LessThanOrEqual,
    /// <summary>&gt;.</summary>
    GreaterThan,
    /// <summary>&gt;=.</summary>
    GreaterThanOrEqual,
    /// <summary>Binary +.</summary>
    Plus,
    /// <summary>Binary −.</summary>
    Minus,
    /// <summary>*.</summary>
    Times,
    /// <summary>/ (integer division truncates).</summary>
    Divide,
    /// <summary>% and MOD (the sign of the dividend, as Java's).</summary>
    Mod,
    /// <summary>Unary −.</summary>
    Negate,
    /// <summary>CASE WHEN c1 THEN v1 ... ELSE e END: operands c1, v1, c2, v2, ..., e.</summary>
    Case,
    /// <summary>COALESCE(a, b, ...): the first non-NULL operand, later ones evaluated only when needed.</summary>
    Coalesce,
}

internal static class SqlOperatorExtensions
{
    /// <summary>The name Calcite prints the operator with.</summary>
    public static string Symbol(this SqlOperator op) => op switch
    {
        SqlOperator.And => "AND",
        SqlOperator.Or => "OR",
        SqlOperator.Not => "NOT",
        SqlOperator.IsNull => "IS NULL",
        SqlOperator.IsNotNull => "IS NOT NULL",
        SqlOperator.IsTrue => "IS TRUE",
        SqlOperator.IsNotTrue => "IS NOT TRUE",
        SqlOperator.IsFalse => "IS FALSE",
        SqlOperator.IsNotFalse => "IS NOT FALSE",
        SqlOperator.IsDistinctFrom => "IS DISTINCT FROM",
        SqlOperator.IsNotDistinctFrom => "IS NOT DISTINCT FROM",
        SqlOperator.Equals => "=",
        SqlOperator.NotEquals => "<>",
        SqlOperator.LessThan => "<",
        SqlOperator.LessThanOrEqual => "<=",
        SqlOperator.GreaterThan => ">",
        SqlOperator.GreaterThanOrEqual => ">=",
        SqlOperator.Plus => "+",
        SqlOperator.Minus => "-",
        SqlOperator.Times => "*",
        SqlOperator.Divide => "/",
        SqlOperator.Mod => "MOD",
        SqlOperator.Negate => "-",
        SqlOperator.Case => "CASE",
        SqlOperator.Coalesce => "COALESCE",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    public static bool IsComparison(this SqlOperator op) => op is >= SqlOperator.Equals and <= SqlOperator.GreaterThanOrEqual;

    public static bool IsArithmetic(this SqlOperator op) => op is >= SqlOperator.Plus and <= SqlOperator.Mod;
}
