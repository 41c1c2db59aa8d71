using Eddy.Sql.Types;

namespace Eddy.Sql.Syntax;

/// <summary>A scalar expression.</summary>
public abstract record Expression : SqlNode
{
    /// <summary>How tightly the expression binds when printed (Calcite's operator precedences; atoms bind tightest).</summary>
    internal virtual int Precedence => Precedences.Atom;
}

/// <summary>Calcite's operator precedences, which Flink's parser uses.</summary>
internal static class Precedences
{
    public const int Or = 22;
    public const int And = 24;
    public const int Not = 26;
    public const int Is = 28;
    public const int Comparison = 30;
    public const int Between = 32;
    public const int Additive = 40;
    public const int Multiplicative = 60;
    public const int Unary = 80;
    public const int Atom = 100;
}

/// <summary>Units of time: of interval qualifiers, <c>EXTRACT</c>, <c>FLOOR/CEIL ... TO</c> and <c>TIMESTAMPADD/DIFF</c>.</summary>
public enum TimeUnit
{
    /// <summary>YEAR.</summary>
    Year,
    /// <summary>QUARTER.</summary>
    Quarter,
    /// <summary>MONTH.</summary>
    Month,
    /// <summary>WEEK.</summary>
    Week,
    /// <summary>DAY.</summary>
    Day,
    /// <summary>HOUR.</summary>
    Hour,
    /// <summary>MINUTE.</summary>
    Minute,
    /// <summary>SECOND.</summary>
    Second,
    /// <summary>MILLISECOND.</summary>
    Millisecond,
    /// <summary>MICROSECOND.</summary>
    Microsecond,
    /// <summary>NANOSECOND.</summary>
    Nanosecond,
    /// <summary>DOW (day of week, Sunday = 1).</summary>
    Dow,
    /// <summary>DOY (day of year).</summary>
    Doy,
    /// <summary>ISODOW (ISO day of week, Monday = 1).</summary>
    IsoDow,
    /// <summary>ISOYEAR.</summary>
    IsoYear,
    /// <summary>EPOCH (seconds since 1970-01-01).</summary>
    Epoch,
    /// <summary>DECADE.</summary>
    Decade,
    /// <summary>CENTURY.</summary>
    Century,
    /// <summary>MILLENNIUM.</summary>
    Millennium,
}

/// <summary>An exact (<c>12</c>, <c>1.50</c>) or approximate (<c>1.5E3</c>) numeric literal, kept as written.</summary>
/// <param name="Text">The digits as written (unsigned: a minus is a <see cref="UnaryExpression"/>).</param>
/// <param name="IsApproximate">Whether it has an exponent (a DOUBLE, in Flink).</param>
public sealed record NumericLiteral(string Text, bool IsApproximate) : Expression
{
    internal override void Write(SqlWriter writer) => writer.Append(Text);
}

/// <summary>A character string literal.</summary>
/// <param name="Value">The value, escapes resolved.</param>
public sealed record StringLiteral(string Value) : Expression
{
    internal override void Write(SqlWriter writer) => writer.String(Value);
}

/// <summary>A binary string literal <c>X'0AFF'</c>.</summary>
/// <param name="Hex">The bytes in upper-case hexadecimal.</param>
public sealed record BinaryLiteral(string Hex) : Expression
{
    internal override void Write(SqlWriter writer) => writer.Append("X'").Append(Hex).Append("'");
}

/// <summary><c>TRUE</c>, <c>FALSE</c> or <c>UNKNOWN</c> (a null BOOLEAN).</summary>
/// <param name="Value">The value; null for UNKNOWN.</param>
public sealed record BooleanLiteral(bool? Value) : Expression
{
    internal override void Write(SqlWriter writer) => writer.Append(Value switch { true => "TRUE", false => "FALSE", null => "UNKNOWN" });
}

/// <summary>The <c>NULL</c> literal.</summary>
public sealed record NullLiteral : Expression
{
    internal override void Write(SqlWriter writer) => writer.Append("NULL");
}

/// <summary>The kind of a date-time literal.</summary>
public enum DateTimeLiteralKind
{
    /// <summary><c>DATE '2024-01-31'</c>.</summary>
    Date,
    /// <summary><c>TIME '12:00:00'</c>.</summary>
    Time,
    /// <summary><c>TIMESTAMP '2024-01-31 12:00:00.000'</c>.</summary>
    Timestamp,
    /// <summary><c>TIMESTAMP_LTZ '2024-01-31 12:00:00'</c> (also <c>TIMESTAMP WITH LOCAL TIME ZONE '...'</c>).</summary>
    TimestampLtz,
}

/// <summary>A date-time literal; its text is checked when it is typed (the planner), as Flink's validator does.</summary>
/// <param name="Kind">DATE, TIME, TIMESTAMP or TIMESTAMP_LTZ.</param>
/// <param name="Text">The string as written.</param>
public sealed record DateTimeLiteral(DateTimeLiteralKind Kind, string Text) : Expression
{
    internal override void Write(SqlWriter writer) =>
        writer.Append(Kind switch
        {
            DateTimeLiteralKind.Date => "DATE ",
            DateTimeLiteralKind.Time => "TIME ",
            DateTimeLiteralKind.Timestamp => "TIMESTAMP ",
            _ => "TIMESTAMP_LTZ ",
        }).String(Text);
}

/// <summary>An interval qualifier: <c>SECOND</c>, <c>MINUTE(3)</c>, <c>DAY TO MINUTE</c>, <c>DAY(2) TO SECOND(3)</c>.</summary>
/// <param name="Start">The leading unit.</param>
/// <param name="StartPrecision">The leading unit's precision, if written.</param>
/// <param name="End">The trailing unit of a range (<c>TO unit</c>), if any.</param>
/// <param name="FractionalPrecision">The seconds' fractional precision, if written (<c>SECOND(2, 3)</c> or <c>TO SECOND(3)</c>).</param>
public sealed record IntervalQualifier(TimeUnit Start, int? StartPrecision, TimeUnit? End, int? FractionalPrecision) : SqlNode
{
    /// <summary>Whether the qualifier's units are years and months (else days to seconds).</summary>
    public bool IsYearMonth => Start is TimeUnit.Year or TimeUnit.Month;

    internal override void Write(SqlWriter writer)
    {
        writer.Append(Start.ToString().ToUpperInvariant());
        if (End is null && Start == TimeUnit.Second && FractionalPrecision is { } fraction)
        {
            writer.Append("(").Append(StartPrecision ?? 2).Append(", ").Append(fraction).Append(")");
            return;
        }
        if (StartPrecision is { } precision)
            writer.Append("(").Append(precision).Append(")");
        if (End is { } end)
        {
            writer.Append(" TO ").Append(end.ToString().ToUpperInvariant());
            if (FractionalPrecision is { } endFraction)
                writer.Append("(").Append(endFraction).Append(")");
        }
    }
}

/// <summary>An interval literal: <c>INTERVAL '5' SECOND</c>, <c>INTERVAL '1 02:03' DAY TO MINUTE</c>.</summary>
/// <param name="Text">The string as written (its sign included).</param>
/// <param name="Qualifier">The units.</param>
public sealed record IntervalLiteral(string Text, IntervalQualifier Qualifier) : Expression
{
    internal override void Write(SqlWriter writer) => writer.Append("INTERVAL ").String(Text).Append(" ").Node(Qualifier);
}

/// <summary>A (possibly compound) identifier: a column <c>a</c>, <c>t.a</c>, a field <c>t.a.b</c>; resolved by the planner.</summary>
/// <param name="Names">The parts, as written (case kept).</param>
public sealed record ColumnReference(SyntaxList<string> Names) : Expression
{
    internal override void Write(SqlWriter writer) => writer.Name(Names);
}

/// <summary><c>*</c> or <c>t.*</c>.</summary>
/// <param name="Qualifier">The table's name parts; empty for a bare <c>*</c>.</param>
public sealed record StarExpression(SyntaxList<string> Qualifier) : Expression
{
    internal override void Write(SqlWriter writer)
    {
        if (Qualifier.Count > 0)
            writer.Name(Qualifier).Append(".");
        writer.Append("*");
    }
}

/// <summary>A prefix operator.</summary>
public enum UnaryOperator
{
    /// <summary><c>-x</c>.</summary>
    Minus,
    /// <summary><c>+x</c>.</summary>
    Plus,
    /// <summary><c>NOT x</c>.</summary>
    Not,
}

/// <summary><c>-x</c>, <c>+x</c> or <c>NOT x</c>.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="Operand">The operand.</param>
public sealed record UnaryExpression(UnaryOperator Operator, Expression Operand) : Expression
{
    internal override int Precedence => Operator == UnaryOperator.Not ? Precedences.Not : Precedences.Unary;

    internal override void Write(SqlWriter writer)
    {
        if (Operator == UnaryOperator.Not)
        {
            writer.Append("NOT ").Operand(Operand, Precedences.Not);
            return;
        }
        writer.Append(Operator == UnaryOperator.Minus ? "-" : "+");
        // "- -x" must not print as "--x", a comment.
        writer.Operand(Operand, Operand is UnaryExpression { Operator: not UnaryOperator.Not } ? Precedences.Atom + 1 : Precedences.Unary);
    }
}

/// <summary>An infix operator.</summary>
public enum BinaryOperator
{
    /// <summary>OR.</summary>
    Or,
    /// <summary>AND.</summary>
    And,
    /// <summary>=.</summary>
    Equal,
    /// <summary>&lt;&gt; (also !=).</summary>
    NotEqual,
    /// <summary>&lt;.</summary>
    LessThan,
    /// <summary>&lt;=.</summary>
    LessThanOrEqual,
    /// <summary>&gt;.</summary>
    GreaterThan,
    /// <summary>&gt;=.</summary>
    GreaterThanOrEqual,
    /// <summary>+.</summary>
    Add,
    /// <summary>-.</summary>
    Subtract,
    /// <summary>*.</summary>
    Multiply,
    /// <summary>/.</summary>
    Divide,
    /// <summary>% (MOD).</summary>
    Modulo,
    /// <summary>|| (string concatenation).</summary>
    Concat,
}

/// <summary>An infix operation: arithmetic, <c>||</c>, comparison, <c>AND</c>, <c>OR</c>.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="Left">The left operand.</param>
/// <param name="Right">The right operand.</param>
public sealed record BinaryExpression(BinaryOperator Operator, Expression Left, Expression Right) : Expression
{
    internal override int Precedence => PrecedenceOf(Operator);

    internal static int PrecedenceOf(BinaryOperator op) => op switch
    {
        BinaryOperator.Or => Precedences.Or,
        BinaryOperator.And => Precedences.And,
        BinaryOperator.Add or BinaryOperator.Subtract => Precedences.Additive,
        BinaryOperator.Multiply or BinaryOperator.Divide or BinaryOperator.Modulo or BinaryOperator.Concat => Precedences.Multiplicative,
        _ => Precedences.Comparison,
    };

    internal static string SymbolOf(BinaryOperator op) => op switch
    {
        BinaryOperator.Or => "OR",
        BinaryOperator.And => "AND",
        BinaryOperator.Equal => "=",
        BinaryOperator.NotEqual => "<>",
        BinaryOperator.LessThan => "<",
        BinaryOperator.LessThanOrEqual => "<=",
        BinaryOperator.GreaterThan => ">",
        BinaryOperator.GreaterThanOrEqual => ">=",
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Modulo => "%",
        _ => "||",
    };

    internal override void Write(SqlWriter writer) =>
        writer.Operand(Left, Precedence).Append(" ").Append(SymbolOf(Operator)).Append(" ").Operand(Right, Precedence + 1);
}

/// <summary>What <c>IS [NOT]</c> tests.</summary>
public enum IsTest
{
    /// <summary>IS NULL.</summary>
    Null,
    /// <summary>IS TRUE.</summary>
    True,
    /// <summary>IS FALSE.</summary>
    False,
    /// <summary>IS UNKNOWN.</summary>
    Unknown,
}

/// <summary><c>x IS [NOT] NULL|TRUE|FALSE|UNKNOWN</c>.</summary>
/// <param name="Operand">The tested value.</param>
/// <param name="Test">What is tested.</param>
/// <param name="Negated">Whether <c>NOT</c> was written.</param>
public sealed record IsExpression(Expression Operand, IsTest Test, bool Negated) : Expression
{
    internal override int Precedence => Precedences.Is;

    internal override void Write(SqlWriter writer) =>
        writer.Operand(Operand, Precedences.Is).Append(Negated ? " IS NOT " : " IS ").Append(Test.ToString().ToUpperInvariant());
}

/// <summary><c>a IS [NOT] DISTINCT FROM b</c>.</summary>
/// <param name="Left">The left value.</param>
/// <param name="Right">The right value.</param>
/// <param name="Negated">Whether <c>NOT</c> was written (<c>IS NOT DISTINCT FROM</c>, null-safe equality).</param>
public sealed record IsDistinctFromExpression(Expression Left, Expression Right, bool Negated) : Expression
{
    internal override int Precedence => Precedences.Comparison;

    internal override void Write(SqlWriter writer) =>
        writer.Operand(Left, Precedences.Comparison).Append(Negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ").Operand(Right, Precedences.Comparison + 1);
}

/// <summary><c>x [NOT] BETWEEN [ASYMMETRIC|SYMMETRIC] low AND high</c>.</summary>
/// <param name="Operand">The tested value.</param>
/// <param name="Low">The lower bound.</param>
/// <param name="High">The upper bound.</param>
/// <param name="Negated">Whether <c>NOT</c> was written.</param>
/// <param name="Symmetric">Whether <c>SYMMETRIC</c> was written (bounds in either order).</param>
public sealed record BetweenExpression(Expression Operand, Expression Low, Expression High, bool Negated, bool Symmetric) : Expression
{
    internal override int Precedence => Precedences.Between;

    internal override void Write(SqlWriter writer) =>
        writer.Operand(Operand, Precedences.Between + 1).Append(Negated ? " NOT BETWEEN " : " BETWEEN ").Append(Symmetric ? "SYMMETRIC " : "")
            .Operand(Low, Precedences.Between + 1).Append(" AND ").Operand(High, Precedences.Between + 1);
}

/// <summary><c>x [NOT] LIKE pattern [ESCAPE e]</c> or <c>x [NOT] SIMILAR TO pattern [ESCAPE e]</c>.</summary>
/// <param name="Operand">The tested string.</param>
/// <param name="Pattern">The pattern.</param>
/// <param name="Escape">The escape character, if given.</param>
/// <param name="Negated">Whether <c>NOT</c> was written.</param>
/// <param name="SimilarTo">Whether it is <c>SIMILAR TO</c> (a regular expression) rather than <c>LIKE</c>.</param>
public sealed record LikeExpression(Expression Operand, Expression Pattern, Expression? Escape, bool Negated, bool SimilarTo) : Expression
{
    internal override int Precedence => Precedences.Between;

    internal override void Write(SqlWriter writer)
    {
        writer.Operand(Operand, Precedences.Between + 1).Append(Negated ? " NOT" : "").Append(SimilarTo ? " SIMILAR TO " : " LIKE ")
            .Operand(Pattern, Precedences.Between + 1);
        if (Escape is not null)
            writer.Append(" ESCAPE ").Operand(Escape, Precedences.Between + 1);
    }
}

/// <summary><c>x [NOT] IN (v1, v2, ...)</c>.</summary>
/// <param name="Operand">The tested value.</param>
/// <param name="Values">The list.</param>
/// <param name="Negated">Whether <c>NOT</c> was written.</param>
public sealed record InListExpression(Expression Operand, SyntaxList<Expression> Values, bool Negated) : Expression
{
    internal override int Precedence => Precedences.Between;

    internal override void Write(SqlWriter writer) =>
        writer.Operand(Operand, Precedences.Between + 1).Append(Negated ? " NOT IN (" : " IN (").Expressions(Values).Append(")");
}

/// <summary><c>x [NOT] IN (SELECT ...)</c>.</summary>
/// <param name="Operand">The tested value.</param>
/// <param name="Query">The subquery.</param>
/// <param name="Negated">Whether <c>NOT</c> was written.</param>
public sealed record InSubqueryExpression(Expression Operand, Query Query, bool Negated) : Expression
{
    internal override int Precedence => Precedences.Between;

    internal override void Write(SqlWriter writer) =>
        writer.Operand(Operand, Precedences.Between + 1).Append(Negated ? " NOT IN (" : " IN (").Node(Query).Append(")");
}

/// <summary><c>EXISTS (SELECT ...)</c>.</summary>
/// <param name="Query">The subquery.</param>
public sealed record ExistsExpression(Query Query) : Expression
{
    internal override void Write(SqlWriter writer) => writer.Append("EXISTS (").Node(Query).Append(")");
}

/// <summary>A scalar subquery <c>(SELECT ...)</c>.</summary>
/// <param name="Query">The subquery.</param>
public sealed record SubqueryExpression(Query Query) : Expression
{
    internal override void Write(SqlWriter writer) => writer.Append("(").Node(Query).Append(")");
}

/// <summary>A <c>WHEN ... THEN ...</c> branch of <c>CASE</c>.</summary>
/// <param name="Condition">The condition (or the value compared with a simple CASE's operand).</param>
/// <param name="Result">The result.</param>
public sealed record WhenClause(Expression Condition, Expression Result) : SqlNode
{
    internal override void Write(SqlWriter writer) => writer.Append("WHEN ").Node(Condition).Append(" THEN ").Node(Result);
}

/// <summary><c>CASE [operand] WHEN ... THEN ... [ELSE ...] END</c>.</summary>
/// <param name="Operand">The simple form's operand; null for the searched form.</param>
/// <param name="Whens">The branches.</param>
/// <param name="Else">The ELSE result, if any.</param>
public sealed record CaseExpression(Expression? Operand, SyntaxList<WhenClause> Whens, Expression? Else) : Expression
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("CASE ");
        if (Operand is not null)
            writer.Node(Operand).Append(" ");
        writer.List(Whens, " ");
        if (Else is not null)
            writer.Append(" ELSE ").Node(Else);
        writer.Append(" END");
    }
}

/// <summary>A data type as written in SQL, resolved to Flink's logical type.</summary>
/// <param name="Type">The type.</param>
public sealed record TypeName(SqlType Type) : SqlNode
{
    internal override void Write(SqlWriter writer) => writer.Type(Type);
}

/// <summary><c>CAST(x AS type)</c> or <c>TRY_CAST(x AS type)</c>.</summary>
/// <param name="Operand">The value.</param>
/// <param name="TargetType">The type.</param>
/// <param name="IsTry">Whether it is <c>TRY_CAST</c> (NULL instead of an error).</param>
public sealed record CastExpression(Expression Operand, TypeName TargetType, bool IsTry) : Expression
{
    internal override void Write(SqlWriter writer) =>
        writer.Append(IsTry ? "TRY_CAST(" : "CAST(").Node(Operand).Append(" AS ").Node(TargetType).Append(")");
}

/// <summary><c>EXTRACT(unit FROM x)</c>.</summary>
/// <param name="Unit">The unit.</param>
/// <param name="Operand">The date-time or interval.</param>
public sealed record ExtractExpression(TimeUnit Unit, Expression Operand) : Expression
{
    internal override void Write(SqlWriter writer) =>
        writer.Append("EXTRACT(").Append(Unit.ToString().ToUpperInvariant()).Append(" FROM ").Node(Operand).Append(")");
}

/// <summary><c>FLOOR(x TO unit)</c> or <c>CEIL(x TO unit)</c> (plain <c>FLOOR(x)</c> is a function call).</summary>
/// <param name="Ceil">Whether it is CEIL.</param>
/// <param name="Operand">The date-time.</param>
/// <param name="Unit">The unit to round to.</param>
public sealed record FloorCeilExpression(bool Ceil, Expression Operand, TimeUnit Unit) : Expression
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append(Ceil ? "CEIL(" : "FLOOR(");
        // An operand ending in an interval literal would take "TO unit" as its range (INTERVAL '1' DAY TO HOUR).
        if (EndsWithInterval(Operand))
            writer.Append("(").Node(Operand).Append(")");
        else
            writer.Node(Operand);
        writer.Append(" TO ").Append(Unit.ToString().ToUpperInvariant()).Append(")");
    }

    private static bool EndsWithInterval(Expression expression) => expression switch
    {
        IntervalLiteral => true,
        BinaryExpression binary => EndsWithInterval(binary.Right),
        UnaryExpression unary => EndsWithInterval(unary.Operand),
        BetweenExpression between => EndsWithInterval(between.High),
        LikeExpression like => EndsWithInterval(like.Escape ?? like.Pattern),
        IsDistinctFromExpression distinct => EndsWithInterval(distinct.Right),
        _ => false,
    };
}

/// <summary>A time unit passed as an argument (the first argument of <c>TIMESTAMPADD</c> and <c>TIMESTAMPDIFF</c>).</summary>
/// <param name="Unit">The unit.</param>
public sealed record TimeUnitExpression(TimeUnit Unit) : Expression
{
    internal override void Write(SqlWriter writer) => writer.Append(Unit.ToString().ToUpperInvariant());
}

/// <summary><c>POSITION(needle IN haystack)</c>.</summary>
/// <param name="Needle">The searched string.</param>
/// <param name="Haystack">The string searched in.</param>
public sealed record PositionExpression(Expression Needle, Expression Haystack) : Expression
{
    internal override void Write(SqlWriter writer) =>
        writer.Append("POSITION(").Operand(Needle, Precedences.Between + 1).Append(" IN ").Node(Haystack).Append(")");
}

/// <summary>Which side <c>TRIM</c> trims.</summary>
public enum TrimSide
{
    /// <summary>BOTH (the default).</summary>
    Both,
    /// <summary>LEADING.</summary>
    Leading,
    /// <summary>TRAILING.</summary>
    Trailing,
}

/// <summary><c>TRIM([BOTH|LEADING|TRAILING] [chars] FROM s)</c> or <c>TRIM(s)</c>.</summary>
/// <param name="Side">The side.</param>
/// <param name="Characters">The characters to trim; null for spaces.</param>
/// <param name="Source">The string.</param>
public sealed record TrimExpression(TrimSide Side, Expression? Characters, Expression Source) : Expression
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("TRIM(").Append(Side.ToString().ToUpperInvariant()).Append(" ");
        if (Characters is not null)
            writer.Node(Characters).Append(" ");
        writer.Append("FROM ").Node(Source).Append(")");
    }
}

/// <summary><c>OVERLAY(s PLACING r FROM start [FOR length])</c>.</summary>
/// <param name="Source">The string.</param>
/// <param name="Replacement">The replacement.</param>
/// <param name="Start">The 1-based start.</param>
/// <param name="Length">The replaced length, if given.</param>
public sealed record OverlayExpression(Expression Source, Expression Replacement, Expression Start, Expression? Length) : Expression
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("OVERLAY(").Node(Source).Append(" PLACING ").Node(Replacement).Append(" FROM ").Node(Start);
        if (Length is not null)
            writer.Append(" FOR ").Node(Length);
        writer.Append(")");
    }
}

/// <summary>The JSON functions with clauses of their own.</summary>
public enum JsonFunction
{
    /// <summary>JSON_VALUE.</summary>
    Value,
    /// <summary>JSON_QUERY.</summary>
    Query,
    /// <summary>JSON_EXISTS.</summary>
    Exists,
}

/// <summary>What a JSON function does on an empty result or an error.</summary>
public enum JsonBehaviorKind
{
    /// <summary>NULL.</summary>
    Null,
    /// <summary>ERROR.</summary>
    Error,
    /// <summary>DEFAULT expr.</summary>
    Default,
    /// <summary>TRUE.</summary>
    True,
    /// <summary>FALSE.</summary>
    False,
    /// <summary>UNKNOWN.</summary>
    Unknown,
    /// <summary>EMPTY ARRAY.</summary>
    EmptyArray,
    /// <summary>EMPTY OBJECT.</summary>
    EmptyObject,
}

/// <summary>An <c>ON EMPTY</c> or <c>ON ERROR</c> behavior.</summary>
/// <param name="Kind">The behavior.</param>
/// <param name="Default">The default value of <c>DEFAULT expr</c>.</param>
public sealed record JsonBehavior(JsonBehaviorKind Kind, Expression? Default) : SqlNode
{
    internal override void Write(SqlWriter writer)
    {
        switch (Kind)
        {
            case JsonBehaviorKind.Default: writer.Append("DEFAULT ").Node(Default!); break;
            case JsonBehaviorKind.EmptyArray: writer.Append("EMPTY ARRAY"); break;
            case JsonBehaviorKind.EmptyObject: writer.Append("EMPTY OBJECT"); break;
            default: writer.Append(Kind.ToString().ToUpperInvariant()); break;
        }
    }
}

/// <summary>JSON_QUERY's wrapper clause.</summary>
public enum JsonWrapper
{
    /// <summary>WITHOUT [ARRAY] WRAPPER (the default).</summary>
    Without,
    /// <summary>WITH CONDITIONAL [ARRAY] WRAPPER.</summary>
    Conditional,
    /// <summary>WITH [UNCONDITIONAL] [ARRAY] WRAPPER.</summary>
    Unconditional,
}

/// <summary><c>JSON_VALUE</c>, <c>JSON_QUERY</c> or <c>JSON_EXISTS</c> with their clauses.</summary>
/// <param name="Function">Which function.</param>
/// <param name="Input">The JSON string.</param>
/// <param name="Path">The JSON path.</param>
/// <param name="Returning">JSON_VALUE's <c>RETURNING type</c>, if given.</param>
/// <param name="Wrapper">JSON_QUERY's wrapper behavior.</param>
/// <param name="OnEmpty">The <c>ON EMPTY</c> behavior, if given.</param>
/// <param name="OnError">The <c>ON ERROR</c> behavior, if given.</param>
public sealed record JsonFunctionExpression(
    JsonFunction Function, Expression Input, Expression Path, TypeName? Returning, JsonWrapper Wrapper,
    JsonBehavior? OnEmpty, JsonBehavior? OnError) : Expression
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("JSON_").Append(Function.ToString().ToUpperInvariant()).Append("(").Node(Input).Append(", ").Node(Path);
        if (Returning is not null)
            writer.Append(" RETURNING ").Node(Returning);
        if (Wrapper == JsonWrapper.Conditional)
            writer.Append(" WITH CONDITIONAL ARRAY WRAPPER");
        else if (Wrapper == JsonWrapper.Unconditional)
            writer.Append(" WITH UNCONDITIONAL ARRAY WRAPPER");
        if (OnEmpty is not null)
            writer.Append(" ").Node(OnEmpty).Append(" ON EMPTY");
        if (OnError is not null)
            writer.Append(" ").Node(OnError).Append(" ON ERROR");
        writer.Append(")");
    }
}

/// <summary>
/// A function call: <c>f(a, b)</c>, <c>COUNT(DISTINCT x)</c>, <c>COUNT(*)</c>, <c>SUM(x) FILTER (WHERE ...)</c>,
/// <c>f(...) OVER (...)</c> or <c>OVER w</c>, and the niladic <c>CURRENT_TIMESTAMP</c> (written without parentheses).
/// </summary>
/// <param name="Name">The function's name parts (a catalog function may be qualified).</param>
/// <param name="Arguments">The arguments (<see cref="StarExpression"/> for <c>COUNT(*)</c>; <see cref="NamedArgument"/>, <see cref="TableArgument"/> and <see cref="DescriptorExpression"/> for table functions).</param>
/// <param name="Distinct">Whether <c>DISTINCT</c> was written in the arguments.</param>
/// <param name="Filter">The <c>FILTER (WHERE ...)</c> condition, if any.</param>
/// <param name="Over">The window of a window function, if any.</param>
/// <param name="Niladic">Whether the call was written without parentheses (<c>CURRENT_TIMESTAMP</c>).</param>
public sealed record FunctionCall(
    SyntaxList<string> Name, SyntaxList<Expression> Arguments, bool Distinct = false, Expression? Filter = null,
    WindowSpecification? Over = null, bool Niladic = false) : Expression
{
    /// <summary>The function's (last) name, upper-cased, as built-in functions are looked up.</summary>
    public string UpperName => Name[^1].ToUpperInvariant();

    internal override void Write(SqlWriter writer)
    {
        if (Niladic)
        {
            writer.Append(UpperName);
            return;
        }
        if (Name.Count == 1 && SqlKeywords.IsReserved(Name[0]) && SqlKeywords.IsReservedFunctionName(Name[0]))
            writer.Append(Name[0].ToUpperInvariant());
        else
            writer.Name(Name);
        writer.Append("(").Append(Distinct ? "DISTINCT " : "").Expressions(Arguments).Append(")");
        if (Filter is not null)
            writer.Append(" FILTER (WHERE ").Node(Filter).Append(")");
        if (Over is not null)
        {
            writer.Append(" OVER ");
            if (Over.IsReferenceOnly)
                writer.Identifier(Over.BaseWindow!);
            else
                writer.Append("(").Node(Over).Append(")");
        }
    }
}

/// <summary>A named argument <c>name =&gt; value</c> of a table function (<c>DATA =&gt; TABLE t</c>).</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Value">The value.</param>
public sealed record NamedArgument(string Name, Expression Value) : Expression
{
    internal override void Write(SqlWriter writer) => writer.Identifier(Name).Append(" => ").Node(Value);
}

/// <summary>A table passed to a table function: <c>TABLE t [PARTITION BY k | PARTITION BY (k1, k2)]</c>.</summary>
/// <param name="Table">The table's name parts.</param>
/// <param name="PartitionBy">The partition keys (SESSION windows), if any.</param>
public sealed record TableArgument(SyntaxList<string> Table, SyntaxList<Expression> PartitionBy) : Expression
{
    internal override void Write(SqlWriter writer)
    {
        writer.Append("TABLE ").Name(Table);
        if (PartitionBy.Count == 1 && PartitionBy[0] is ColumnReference key)
            writer.Append(" PARTITION BY ").Node(key);
        else if (PartitionBy.Count > 0)
            writer.Append(" PARTITION BY (").Expressions(PartitionBy).Append(")");
    }
}

/// <summary><c>DESCRIPTOR(a, b)</c>: column names passed to a table function (the time attribute of a window).</summary>
/// <param name="Columns">The column names.</param>
public sealed record DescriptorExpression(SyntaxList<string> Columns) : Expression
{
    internal override void Write(SqlWriter writer) => writer.Append("DESCRIPTOR(").Identifiers(Columns).Append(")");
}

/// <summary><c>ARRAY[a, b]</c>, <c>MAP[k1, v1, k2, v2]</c> or <c>ROW(a, b)</c> (also written <c>(a, b)</c>).</summary>
/// <param name="Kind">Which constructor.</param>
/// <param name="Elements">The elements (keys and values alternate in a MAP).</param>
public sealed record ConstructorExpression(ConstructorKind Kind, SyntaxList<Expression> Elements) : Expression
{
    internal override void Write(SqlWriter writer)
    {
        switch (Kind)
        {
            case ConstructorKind.Array: writer.Append("ARRAY[").Expressions(Elements).Append("]"); break;
            case ConstructorKind.Map: writer.Append("MAP[").Expressions(Elements).Append("]"); break;
            default: writer.Append("ROW(").Expressions(Elements).Append(")"); break;
        }
    }
}

/// <summary>The value constructors.</summary>
public enum ConstructorKind
{
    /// <summary>ARRAY[...].</summary>
    Array,
    /// <summary>MAP[...].</summary>
    Map,
    /// <summary>ROW(...).</summary>
    Row,
}

/// <summary>An element of an array or map: <c>a[1]</c>, <c>m['k']</c>.</summary>
/// <param name="Operand">The array or map.</param>
/// <param name="Index">The 1-based index or the key.</param>
public sealed record ItemAccessExpression(Expression Operand, Expression Index) : Expression
{
    internal override void Write(SqlWriter writer) => writer.Operand(Operand, Precedences.Atom).Append("[").Node(Index).Append("]");
}

/// <summary>A field of a row-valued expression that is not an identifier: <c>f(x).a</c>, <c>a[1].b</c>, <c>(x).b</c>.</summary>
/// <param name="Operand">The row.</param>
/// <param name="Field">The field's name.</param>
public sealed record FieldAccessExpression(Expression Operand, string Field) : Expression
{
    internal override void Write(SqlWriter writer)
    {
        // A column reference followed by ".f" would print as one compound identifier, and "1." is a number:
        // parenthesize them.
        writer.Operand(Operand, Operand is ColumnReference or NumericLiteral ? Precedences.Atom + 1 : Precedences.Atom).Append(".").Identifier(Field);
    }
}
