using System.Collections.Immutable;
using Eddy.Sql.Functions;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Binding;

/// <summary>
/// Binds a scalar expression of the AST to a typed <see cref="RexNode"/> over one relation's columns: identifiers
/// through <see cref="ColumnResolver"/>, literals through <see cref="LiteralBinder"/>, operators through
/// <see cref="Rex"/> (Flink's type rules) and functions through <see cref="BuiltInFunctions.Resolve"/>. Every error is
/// positioned on the offending node.
/// </summary>
/// <remarks>
/// <paramref name="intercept"/> sees every node first and may bind it itself: the query binder uses it to turn
/// aggregate calls and group keys into the aggregate's output columns, and window properties into window columns.
/// </remarks>
/// <param name="scope">The columns in scope.</param>
/// <param name="clause">The clause bound (<c>WHERE</c>, <c>GROUP BY</c>, ...), named in errors.</param>
/// <param name="intercept">Binds a node instead of the default rules, or returns null.</param>
internal sealed class ExpressionBinder(BoundRelation scope, string clause, Func<Expression, RexNode?>? intercept = null)
{
    /// <summary>The aggregate functions (Flink's built-in ones); the planner runs COUNT, SUM, MIN, MAX and AVG.</summary>
    internal static readonly ImmutableHashSet<string> AggregateNames = ImmutableHashSet.Create(StringComparer.Ordinal,
        "COUNT", "SUM", "MIN", "MAX", "AVG", "SUM0", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP",
        "COLLECT", "LISTAGG", "FIRST_VALUE", "LAST_VALUE", "ARRAY_AGG", "JSON_OBJECTAGG", "JSON_ARRAYAGG", "BOOL_AND", "BOOL_OR");

    /// <summary>The ranking window functions (only with OVER).</summary>
    internal static readonly ImmutableHashSet<string> RankingNames = ImmutableHashSet.Create(StringComparer.Ordinal,
        "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE", "LEAD", "LAG");

    /// <summary>Whether the call is an aggregate (not an OVER aggregate): a built-in one or a user-defined aggregate function.</summary>
    internal static bool IsAggregate(FunctionCall call) => call.Over is null && IsAggregateFunction(call);

    /// <summary>Whether the function called is an aggregate function, built-in or user-defined (with or without OVER).</summary>
    internal static bool IsAggregateFunction(FunctionCall call) =>
        (call.Name.Count == 1 && AggregateNames.Contains(call.UpperName))
        || UserFunction(call) is { Function: var function } && UserDefinedFunctions.AggregateBase(function.GetType()) is not null;

    /// <summary>
    /// The user-defined function a call names in the statement's catalog (Flink's resolution order: temporary system
    /// functions, then built-in functions, then catalog functions), or null; a function that fails to load is an error
    /// at the call.
    /// </summary>
    internal static (string Name, UserDefinedFunction Function)? UserFunction(FunctionCall call)
    {
        if (UserDefinedFunctionScope.Current is not { } scope)
            return null;
        try
        {
            return scope.Find(call.Name, IsBuiltInName);
        }
        catch (SqlFunctionException e)
        {
            throw BindingErrors.At(call, e.Message, e);
        }
    }

    /// <summary>The names the planner binds itself or through <see cref="BuiltInFunctions"/> (upper case).</summary>
    private static bool IsBuiltInName(string name) =>
        BuiltInFunctions.Contains(name) || AggregateNames.Contains(name) || RankingNames.Contains(name)
        || name is "COALESCE" or "PROCTIME" or "TUMBLE" or "HOP" or "SESSION" or "CUMULATE"
        || name.StartsWith("TUMBLE_", StringComparison.Ordinal) || name.StartsWith("HOP_", StringComparison.Ordinal)
        || name.StartsWith("SESSION_", StringComparison.Ordinal);

    public BoundRelation Scope { get; } = scope;

    public RexNode Bind(Expression expression)
    {
        if (intercept?.Invoke(expression) is { } intercepted)
            return intercepted;
        if (LiteralBinder.TryBind(expression) is { } literal)
            return literal;
        return expression switch
        {
            ColumnReference column => ColumnResolver.Bind(Scope, column),
            UnaryExpression unary => Unary(unary),
            BinaryExpression binary => Binary(binary),
            IsExpression test => Test(test),
            IsDistinctFromExpression distinct => Positioned(distinct, () =>
                Rex.Compare(distinct.Negated ? SqlOperator.IsNotDistinctFrom : SqlOperator.IsDistinctFrom, Bind(distinct.Left), Bind(distinct.Right))),
            BetweenExpression between => Between(between),
            LikeExpression like => Like(like),
            InListExpression inList => InList(inList),
            CaseExpression @case => Case(@case),
            CastExpression cast => Cast(cast),
            ExtractExpression extract => Function(extract, "EXTRACT", [Unit(extract.Unit), Bind(extract.Operand)], [UnitName(extract.Unit), null]),
            FloorCeilExpression floor => Function(floor, floor.Ceil ? "CEIL" : "FLOOR", [Bind(floor.Operand), Unit(floor.Unit)], [null, UnitName(floor.Unit)]),
            TimeUnitExpression unit => Unit(unit.Unit),
            PositionExpression position => Function(position, "POSITION", [Bind(position.Needle), Bind(position.Haystack)]),
            TrimExpression trim => Trim(trim),
            OverlayExpression overlay => Function(overlay, "OVERLAY",
                overlay.Length is null
                    ? [Bind(overlay.Source), Bind(overlay.Replacement), Bind(overlay.Start)]
                    : [Bind(overlay.Source), Bind(overlay.Replacement), Bind(overlay.Start), Bind(overlay.Length)]),
            JsonFunctionExpression json => Json(json),
            FunctionCall call => Call(call),
            ConstructorExpression { Kind: ConstructorKind.Array } array => Function(array, "ARRAY", [.. array.Elements.Select(Bind)]),
            ConstructorExpression { Kind: ConstructorKind.Map } map => Function(map, "MAP", [.. map.Elements.Select(Bind)]),
            ItemAccessExpression item => Function(item, "ITEM", [Bind(item.Operand), Bind(item.Index)]),
            FieldAccessExpression field => Positioned(field, () => Rex.Field(Bind(field.Operand), field.Field)),
            StarExpression star => throw BindingErrors.At(star, "Unknown identifier '*'"),
            InSubqueryExpression or ExistsExpression or SubqueryExpression =>
                throw BindingErrors.NotSupported(expression, $"A subquery in {clause}"),
            _ => throw BindingErrors.NotSupported(expression, $"Expression '{expression.ToSql()}'"),
        };
    }

    private static RexNode Positioned(SqlNode node, Func<RexNode> build) => BindingErrors.Positioned(node, build);

    private RexNode Unary(UnaryExpression unary)
    {
        switch (unary.Operator)
        {
            case UnaryOperator.Plus:
                return Bind(unary.Operand);
            case UnaryOperator.Not:
                return Positioned(unary, () => Rex.Not(Bind(unary.Operand)));
        }
        // A negated number literal is one literal, so that -2147483648 is an INT.
        if (unary.Operand is NumericLiteral number)
            return LiteralBinder.Numeric(number, "-" + number.Text);
        var operand = Bind(unary.Operand);
        if (operand.Type.IsNumeric)
            return Positioned(unary, () => Rex.Negate(operand));
        return Function(unary, "-", [operand]);
    }

    private RexNode Binary(BinaryExpression binary)
    {
        switch (binary.Operator)
        {
            case BinaryOperator.And or BinaryOperator.Or:
            {
                var operands = new List<RexNode>();
                Flatten(binary, binary.Operator, operands);
                return Positioned(binary, () => binary.Operator == BinaryOperator.And ? Rex.And([.. operands]) : Rex.Or([.. operands]));
            }
            case BinaryOperator.Concat:
                return Function(binary, "||", [Bind(binary.Left), Bind(binary.Right)]);
        }
        var left = Bind(binary.Left);
        var right = Bind(binary.Right);
        var op = binary.Operator switch
        {
            BinaryOperator.Equal => SqlOperator.Equals,
            BinaryOperator.NotEqual => SqlOperator.NotEquals,
            BinaryOperator.LessThan => SqlOperator.LessThan,
            BinaryOperator.LessThanOrEqual => SqlOperator.LessThanOrEqual,
            BinaryOperator.GreaterThan => SqlOperator.GreaterThan,
            BinaryOperator.GreaterThanOrEqual => SqlOperator.GreaterThanOrEqual,
            BinaryOperator.Add => SqlOperator.Plus,
            BinaryOperator.Subtract => SqlOperator.Minus,
            BinaryOperator.Multiply => SqlOperator.Times,
            BinaryOperator.Divide => SqlOperator.Divide,
            _ => SqlOperator.Mod,
        };
        if (op.IsComparison())
            return Positioned(binary, () => Rex.Compare(op, left, right));
        // NULL takes the other operand's type, so NULL + 1 is an INT NULL.
        if (left.Type.Kind == SqlTypeKind.Null && right.Type.IsNumeric)
            left = Rex.Null(right.Type);
        if (right.Type.Kind == SqlTypeKind.Null && left.Type.IsNumeric)
            right = Rex.Null(left.Type);
        // Numbers, and anything that is not date-time arithmetic (refused with the numeric operator's message), are
        // the compiler's operators; date-time and interval arithmetic are the functions layer's.
        var temporal = left.Type.IsDateTime || left.Type.IsInterval || right.Type.IsDateTime || right.Type.IsInterval;
        if ((left.Type.IsNumeric && right.Type.IsNumeric) || !temporal)
            return Positioned(binary, () => Rex.Arithmetic(op, left, right));
        return Function(binary, BinaryExpression.SymbolOf(binary.Operator), [left, right]);
    }

    private void Flatten(Expression expression, BinaryOperator op, List<RexNode> operands)
    {
        if (expression is BinaryExpression binary && binary.Operator == op)
        {
            Flatten(binary.Left, op, operands);
            Flatten(binary.Right, op, operands);
        }
        else
        {
            operands.Add(Bind(expression));
        }
    }

    private RexNode Test(IsExpression test)
    {
        var operand = Bind(test.Operand);
        var op = (test.Test, test.Negated) switch
        {
            (IsTest.Null, false) or (IsTest.Unknown, false) => SqlOperator.IsNull,
            (IsTest.Null, true) or (IsTest.Unknown, true) => SqlOperator.IsNotNull,
            (IsTest.True, false) => SqlOperator.IsTrue,
            (IsTest.True, true) => SqlOperator.IsNotTrue,
            (IsTest.False, false) => SqlOperator.IsFalse,
            _ => SqlOperator.IsNotFalse,
        };
        if (test.Test == IsTest.Unknown && operand.Type.Kind is not (SqlTypeKind.Boolean or SqlTypeKind.Null))
            throw BindingErrors.At(test, $"Cannot apply 'IS UNKNOWN' to arguments of type '<{operand.Type}> IS UNKNOWN'. Supported form(s): '<BOOLEAN> IS UNKNOWN'");
        return Positioned(test, () => Rex.Test(op, operand));
    }

    private RexNode Between(BetweenExpression between)
    {
        var operand = Bind(between.Operand);
        var low = Bind(between.Low);
        var high = Bind(between.High);
        return Positioned(between, () =>
        {
            // x BETWEEN a AND b is a <= x AND x <= b; NOT BETWEEN is x < a OR x > b; SYMMETRIC takes either order.
            RexNode Inside(RexNode from, RexNode to) => between.Negated
                ? Rex.Or(Rex.Compare(SqlOperator.LessThan, operand, from), Rex.Compare(SqlOperator.GreaterThan, operand, to))
                : Rex.And(Rex.Compare(SqlOperator.GreaterThanOrEqual, operand, from), Rex.Compare(SqlOperator.LessThanOrEqual, operand, to));
            if (!between.Symmetric)
                return Inside(low, high);
            return between.Negated ? Rex.And(Inside(low, high), Inside(high, low)) : Rex.Or(Inside(low, high), Inside(high, low));
        });
    }

    private RexNode Like(LikeExpression like)
    {
        var name = like.SimilarTo ? "SIMILAR TO" : "LIKE";
        var arguments = like.Escape is null ? new[] { Bind(like.Operand), Bind(like.Pattern) } : [Bind(like.Operand), Bind(like.Pattern), Bind(like.Escape)];
        var call = Function(like, name, arguments);
        return like.Negated ? Positioned(like, () => Rex.Not(call)) : call;
    }

    private RexNode InList(InListExpression inList)
    {
        var operand = Bind(inList.Operand);
        var equals = new List<RexNode>(inList.Values.Count);
        foreach (var value in inList.Values)
        {
            var bound = Bind(value);
            equals.Add(Positioned(value, () => Rex.Equal(operand, bound)));
        }
        var any = equals.Count == 1 ? equals[0] : Rex.Or([.. equals]);
        return inList.Negated ? Rex.Not(any) : any;
    }

    private RexNode Case(CaseExpression @case)
    {
        var operand = @case.Operand is null ? null : Bind(@case.Operand);
        var operands = new List<RexNode>();
        foreach (var when in @case.Whens)
        {
            var condition = Bind(when.Condition);
            operands.Add(operand is null ? condition : Positioned(when.Condition, () => Rex.Equal(operand, condition)));
            operands.Add(Bind(when.Result));
        }
        SqlType? type = null;
        for (var i = 1; i < operands.Count; i += 2)
        {
            var value = operands[i].Type;
            type = type is null ? value : TypeRules.CommonType(type, value)
                ?? throw BindingErrors.At(@case, $"Illegal mixing of types in CASE or COALESCE statement");
        }
        var otherwise = @case.Else is null ? Rex.Null(type!) : Bind(@case.Else);
        operands.Add(otherwise);
        return Positioned(@case, () => Rex.Case([.. operands]));
    }

    private RexNode Cast(CastExpression cast)
    {
        var target = cast.TargetType.Type;
        var operand = Bind(cast.Operand);
        if (operand.Type.Kind == SqlTypeKind.Null)
            return Rex.Null(target);
        return Positioned(cast, () => new RexCast(operand, target, cast.IsTry));
    }

    private static RexLiteral Unit(TimeUnit unit) => Rex.String(UnitName(unit));

    private static string UnitName(TimeUnit unit) => unit.ToString().ToUpperInvariant();

    private RexNode Trim(TrimExpression trim)
    {
        if (trim.Characters is null && trim.Side == TrimSide.Both)
            return Function(trim, "TRIM", [Bind(trim.Source)]);
        var side = trim.Side.ToString().ToUpperInvariant();
        var characters = trim.Characters is null ? Rex.String(" ") : Bind(trim.Characters);
        return Function(trim, "TRIM", [Rex.String(side), characters, Bind(trim.Source)], [side, null, null]);
    }

    private RexNode Json(JsonFunctionExpression json)
    {
        if (json.Returning is not null || json.OnEmpty is not null || json.OnError is not null || json.Wrapper != Syntax.JsonWrapper.Without)
            throw BindingErrors.NotSupported(json, $"JSON_{json.Function.ToString().ToUpperInvariant()} with RETURNING, wrapper or ON EMPTY/ON ERROR clauses");
        return Function(json, "JSON_" + json.Function.ToString().ToUpperInvariant(), [Bind(json.Input), Bind(json.Path)]);
    }

    private RexNode Call(FunctionCall call)
    {
        var name = call.UpperName;
        if (call.Over is not null)
            throw BindingErrors.NotSupported(call, $"OVER window '{call.ToSql()}' in {clause}");
        var user = UserFunction(call);
        if (IsAggregate(call))
            throw BindingErrors.At(call, $"Aggregate expression is illegal in {clause} clause");
        if (RankingNames.Contains(name))
            throw BindingErrors.At(call, $"OVER clause is necessary for window functions");
        if (call.Distinct || call.Filter is not null)
            throw BindingErrors.At(call, $"DISTINCT/ALL/FILTER not allowed with {name}(...) function");
        if (name is "TUMBLE" or "HOP" or "SESSION" or "CUMULATE")
            throw BindingErrors.At(call, $"Window function {name} is only allowed in FROM as TABLE({name}(...)) or in GROUP BY");
        if (name is "TUMBLE_START" or "TUMBLE_END" or "TUMBLE_ROWTIME" or "TUMBLE_PROCTIME" or "HOP_START" or "HOP_END" or "HOP_ROWTIME"
            or "SESSION_START" or "SESSION_END" or "SESSION_ROWTIME")
            throw BindingErrors.At(call, $"Group function '{name}' can only appear in SELECT or HAVING with a GROUP BY of its window");
        var arguments = new RexNode[call.Arguments.Count];
        var literals = new object?[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Bind(call.Arguments[i]);
            literals[i] = arguments[i] is RexLiteral value ? value.Value : null;
        }
        if (name == "COALESCE" && call.Name.Count == 1)
            return Positioned(call, () => Rex.Coalesce(arguments));
        if (name == "PROCTIME" && call.Name.Count == 1 && arguments.Length == 0)
        {
            // Processing time is the wall clock when the row is processed: CURRENT_TIMESTAMP per row, TIMESTAMP_LTZ(3).
            return Function(call, "CURRENT_TIMESTAMP", []);
        }
        if (user is { } udf)
            return UserDefined(call, udf.Name, udf.Function, arguments);
        if (call.Name.Count > 1)
            throw BindingErrors.AtName(call.Position, string.Join('.', call.Name), $"No match found for function signature {string.Join('.', call.Name)}({string.Join(", ", arguments.Select(a => "<" + a.Type.ToNullableString() + ">"))})");
        return Function(call, name, arguments, literals);
    }

    /// <summary>A user-defined scalar function's call, its <c>Eval</c> overload bound once to the instance.</summary>
    private static RexNode UserDefined(FunctionCall call, string name, UserDefinedFunction function, RexNode[] arguments)
    {
        if (function is not ScalarFunction scalar)
        {
            throw BindingErrors.At(call, UserDefinedFunctions.TableBase(function.GetType()) is not null
                ? $"Table function '{name}' can only be called in FROM, as LATERAL TABLE({name}(...))"
                : $"Function '{name}' is not a scalar function");
        }
        var types = new SqlType[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
            types[i] = arguments[i].Type;
        try
        {
            return Rex.Call(UserDefinedFunctionScope.ResolveScalar(name, scalar, types), arguments);
        }
        catch (SqlFunctionException e)
        {
            throw BindingErrors.At(call, e.Message, e);
        }
    }

    /// <summary>A built-in function or operator resolved for the arguments' types; unknown names suggest the closest one.</summary>
    private static RexNode Function(SqlNode node, string name, RexNode[] arguments, object?[]? literals = null)
    {
        var types = new SqlType[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
            types[i] = arguments[i].Type;
        if (literals is null)
        {
            literals = new object?[arguments.Length];
            for (var i = 0; i < arguments.Length; i++)
                literals[i] = arguments[i] is RexLiteral value ? value.Value : null;
        }
        try
        {
            return Rex.Call(BuiltInFunctions.Resolve(name, types, literals), arguments);
        }
        catch (SqlFunctionException e) when (!BuiltInFunctions.Contains(name))
        {
            throw BindingErrors.At(node, e.Message + BindingErrors.Suggestion(name, BuiltInFunctions.Names.Where(n => char.IsLetter(n[0]))), e);
        }
        catch (SqlFunctionException e)
        {
            throw BindingErrors.At(node, e.Message, e);
        }
    }
}
