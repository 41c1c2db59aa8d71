using Eddy.Sql.Syntax;

namespace Eddy.Sql.Binding;

/// <summary>The sub-expressions of an expression (not descending into subqueries), to find aggregates and OVER calls.</summary>
internal static class SyntaxWalker
{
    /// <summary>Whether <paramref name="expression"/> or a sub-expression satisfies <paramref name="predicate"/>.</summary>
    public static bool Any(Expression expression, Func<Expression, bool> predicate)
    {
        if (predicate(expression))
            return true;
        foreach (var child in Children(expression))
        {
            if (Any(child, predicate))
                return true;
        }
        return false;
    }

    /// <summary>Every node satisfying <paramref name="predicate"/>, outermost first, without looking inside a match.</summary>
    public static void Collect(Expression expression, Func<Expression, bool> predicate, List<Expression> found)
    {
        if (predicate(expression))
        {
            found.Add(expression);
            return;
        }
        foreach (var child in Children(expression))
            Collect(child, predicate, found);
    }

    public static IEnumerable<Expression> Children(Expression expression)
    {
        switch (expression)
        {
            case UnaryExpression e: yield return e.Operand; break;
            case BinaryExpression e: yield return e.Left; yield return e.Right; break;
            case IsExpression e: yield return e.Operand; break;
            case IsDistinctFromExpression e: yield return e.Left; yield return e.Right; break;
            case BetweenExpression e: yield return e.Operand; yield return e.Low; yield return e.High; break;
            case LikeExpression e:
                yield return e.Operand;
                yield return e.Pattern;
                if (e.Escape is not null)
                    yield return e.Escape;
                break;
            case InListExpression e:
                yield return e.Operand;
                foreach (var v in e.Values)
                    yield return v;
                break;
            case InSubqueryExpression e: yield return e.Operand; break;
            case CaseExpression e:
                if (e.Operand is not null)
                    yield return e.Operand;
                foreach (var w in e.Whens)
                {
                    yield return w.Condition;
                    yield return w.Result;
                }
                if (e.Else is not null)
                    yield return e.Else;
                break;
            case CastExpression e: yield return e.Operand; break;
            case ExtractExpression e: yield return e.Operand; break;
            case FloorCeilExpression e: yield return e.Operand; break;
            case PositionExpression e: yield return e.Needle; yield return e.Haystack; break;
            case TrimExpression e:
                if (e.Characters is not null)
                    yield return e.Characters;
                yield return e.Source;
                break;
            case OverlayExpression e:
                yield return e.Source;
                yield return e.Replacement;
                yield return e.Start;
                if (e.Length is not null)
                    yield return e.Length;
                break;
            case JsonFunctionExpression e: yield return e.Input; yield return e.Path; break;
            case FunctionCall e:
                foreach (var a in e.Arguments)
                    yield return a;
                if (e.Filter is not null)
                    yield return e.Filter;
                break;
            case ConstructorExpression e:
                foreach (var x in e.Elements)
                    yield return x;
                break;
            case ItemAccessExpression e: yield return e.Operand; yield return e.Index; break;
            case FieldAccessExpression e: yield return e.Operand; break;
            case NamedArgument e: yield return e.Value; break;
        }
    }
}
