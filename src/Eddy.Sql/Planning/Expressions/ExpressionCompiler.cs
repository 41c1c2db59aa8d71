using System.Linq.Expressions;
using System.Reflection;
using Eddy.Sql.Functions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Expressions;

/// <summary>
/// Compiles <see cref="RexNode"/>s over an input row into delegates (System.Linq.Expressions, once per query): a
/// predicate, a projection, a projection into a given row, or a filter-and-project "calc" (one delegate per chain of
/// Filter and Project). Columns are read with <see cref="Row"/>'s typed accessors and every sub-expression lives in two
/// locals, its CLR value and its NULL flag, so evaluation allocates nothing but the output row (and whatever a called
/// function allocates). Three-valued logic, CASE and COALESCE evaluate their operands only when needed.
/// </summary>
/// <remarks>
/// Invariant of the emitted code: when a sub-expression's NULL flag is set its value local holds the CLR default, so
/// a value read without looking at the flag (a comparison of two strings, a boolean in AND) is harmless.
/// </remarks>
internal sealed class ExpressionCompiler
{
    private static readonly ConstantExpression False = Expression.Constant(false);
    private static readonly ConstantExpression True = Expression.Constant(true);

    private readonly ParameterExpression _row = Expression.Parameter(typeof(Row), "row");
    private readonly List<ParameterExpression> _locals = [];

    private ExpressionCompiler()
    {
    }

    /// <summary>A value and its NULL flag: each a local or a constant, so either can be read any number of times.</summary>
    private readonly record struct Slot(Expression Value, Expression IsNull);

    /// <summary>A predicate over the input row: a NULL condition is false, as WHERE treats it.</summary>
    public static Func<Row, bool> CompilePredicate(RexNode condition)
    {
        RequireBoolean(condition);
        var compiler = new ExpressionCompiler();
        var body = new List<Expression>();
        var result = compiler.Emit(condition, body);
        body.Add(TrueAndNotNull(result));
        return Expression.Lambda<Func<Row, bool>>(Expression.Block(compiler._locals, body), compiler._row).Compile();
    }

    /// <summary>A projection: a new row of the expressions' values (also the key extractor of a GROUP BY or a join).</summary>
    public static Func<Row, Row> CompileProjection(IReadOnlyList<RexNode> projections)
    {
        var compiler = new ExpressionCompiler();
        var output = Expression.Variable(typeof(Row), "output");
        compiler._locals.Add(output);
        var body = new List<Expression> { Expression.Assign(output, Expression.New(typeof(Row).GetConstructor([typeof(int)])!, Expression.Constant(projections.Count))) };
        compiler.EmitProjection(projections, output, body);
        body.Add(output);
        return Expression.Lambda<Func<Row, Row>>(Expression.Block(compiler._locals, body), compiler._row).Compile();
    }

    /// <summary>A projection writing into a row the caller provides (and may reuse), of at least as many columns.</summary>
    public static Action<Row, Row> CompileProjectionInto(IReadOnlyList<RexNode> projections)
    {
        var compiler = new ExpressionCompiler();
        var output = Expression.Parameter(typeof(Row), "output");
        var body = new List<Expression>();
        compiler.EmitProjection(projections, output, body);
        body.Add(Expression.Empty());
        return Expression.Lambda<Action<Row, Row>>(Expression.Block(compiler._locals, body), compiler._row, output).Compile();
    }

    /// <summary>
    /// Filter then project in one delegate: null when <paramref name="condition"/> is not true, else the projected row;
    /// without a condition every row is projected.
    /// </summary>
    public static Func<Row, Row?> CompileCalc(IReadOnlyList<RexNode> projections, RexNode? condition)
    {
        var compiler = new ExpressionCompiler();
        var output = Expression.Variable(typeof(Row), "output");
        compiler._locals.Add(output);
        var body = new List<Expression>();
        var project = new List<Expression> { Expression.Assign(output, Expression.New(typeof(Row).GetConstructor([typeof(int)])!, Expression.Constant(projections.Count))) };
        compiler.EmitProjection(projections, output, project);
        if (condition is null)
        {
            body.AddRange(project);
        }
        else
        {
            RequireBoolean(condition);
            var passes = compiler.Emit(condition, body);
            body.Add(Expression.IfThenElse(TrueAndNotNull(passes), Expression.Block(project), Expression.Assign(output, Expression.Constant(null, typeof(Row)))));
        }
        body.Add(output);
        return Expression.Lambda<Func<Row, Row?>>(Expression.Block(compiler._locals, body), compiler._row).Compile();
    }

    private static void RequireBoolean(RexNode condition)
    {
        if (condition.Type.Kind is not (SqlTypeKind.Boolean or SqlTypeKind.Null))
            throw new PlanningException($"A condition must be BOOLEAN, not {condition.Type}: {condition}");
    }

    private static Expression TrueAndNotNull(Slot slot) => AndAlso(Not(slot.IsNull), slot.Value);

    private void EmitProjection(IReadOnlyList<RexNode> projections, Expression output, List<Expression> body)
    {
        for (var i = 0; i < projections.Count; i++)
        {
            var expression = projections[i];
            var index = Expression.Constant(i);
            if (expression.Type.Kind == SqlTypeKind.Null)
            {
                body.Add(Expression.Call(output, RowAccessors.SetNull, index));
                continue;
            }
            var slot = Emit(expression, body);
            var set = Expression.Call(output, RowAccessors.Setter(expression.Type), index, slot.Value);
            body.Add(slot.IsNull == False ? set : Expression.IfThenElse(slot.IsNull, Expression.Call(output, RowAccessors.SetNull, index), set));
        }
    }

    private ParameterExpression Local(Type type)
    {
        var local = Expression.Variable(type);
        _locals.Add(local);
        return local;
    }

    private static Type ClrOf(SqlType type) => type.Kind == SqlTypeKind.Null ? typeof(object) : type.ClrType;

    /// <summary>Emits the statements computing <paramref name="node"/> into <paramref name="body"/>; returns where its value is.</summary>
    private Slot Emit(RexNode node, List<Expression> body) => node switch
    {
        RexInputRef input => EmitInput(input, body),
        RexLiteral literal => new Slot(
            Expression.Constant(literal.Value ?? DefaultOf(ClrOf(literal.Type)), ClrOf(literal.Type)),
            literal.Value is null ? True : False),
        RexFieldAccess access => EmitFieldAccess(access, body),
        RexCast cast => EmitCast(cast, body),
        RexFunctionCall call => EmitFunction(call, body),
        RexCall call => EmitCall(call, body),
        _ => throw new PlanningException($"The expression compiler does not know {node.GetType().Name} ({node})."),
    };

    private static object? DefaultOf(Type type) => type.IsValueType ? Activator.CreateInstance(type) : null;

    private Slot EmitInput(RexInputRef input, List<Expression> body)
    {
        if (input.Type.Kind == SqlTypeKind.Null)
            return new Slot(Expression.Constant(null, typeof(object)), True);
        var value = Local(input.Type.ClrType);
        var index = Expression.Constant(input.Index);
        // A NULL column's slot reads as the CLR default (0, null), which keeps the compiler's invariant for free.
        body.Add(Expression.Assign(value, Expression.Call(_row, RowAccessors.Getter(input.Type), index)));
        if (!input.Type.IsNullable)
            return new Slot(value, False);
        var isNull = Local(typeof(bool));
        body.Add(Expression.Assign(isNull, Expression.Call(_row, RowAccessors.IsNull, index)));
        return new Slot(value, isNull);
    }

    private Slot EmitFieldAccess(RexFieldAccess access, List<Expression> body)
    {
        var target = Emit(access.Target, body);
        var value = Local(access.Type.ClrType);
        var isNull = Local(typeof(bool));
        var index = Expression.Constant(access.FieldIndex);
        body.Add(Expression.Assign(isNull, OrElse(OrElse(target.IsNull, Expression.Equal(target.Value, Expression.Constant(null, typeof(Row)))),
            Expression.Call(target.Value, RowAccessors.IsNull, index))));
        body.Add(Expression.Assign(value, Expression.Condition(isNull, Expression.Default(value.Type),
            Expression.Call(target.Value, RowAccessors.Getter(access.Type), index))));
        return new Slot(value, isNull);
    }

    private Slot EmitCast(RexCast cast, List<Expression> body)
    {
        var operand = Emit(cast.Operand, body);
        if (cast.Operand.Type.Kind == SqlTypeKind.Null)
            return new Slot(Expression.Default(cast.Type.ClrType), True);
        var value = Local(cast.Type.ClrType);
        var isNull = Local(typeof(bool));
        var converted = cast.IsTry
            ? SqlCasts.BuildTry(operand.Value, cast.Operand.Type, cast.Type, ThreadContextExpression)
            : SqlCasts.Build(operand.Value, cast.Operand.Type, cast.Type, ThreadContextExpression);
        Guarded(body, operand.IsNull, converted, value, isNull);
        return new Slot(value, isNull);
    }

    /// <summary>
    /// A built-in function through <see cref="ResolvedFunction.BuildCall"/>: a strict function is called only when no
    /// argument is NULL (the check is the compiler's), with the arguments' values; a non-strict one always, with NULL
    /// arguments as <see langword="null"/> of the nullable CLR type.
    /// </summary>
    private Slot EmitFunction(RexFunctionCall call, List<Expression> body)
    {
        var function = call.Function;
        var operands = call.Operands;
        var arguments = new Expression[operands.Length];
        var argumentTypes = new SqlType[operands.Length];
        Expression anyNull = False;
        for (var i = 0; i < operands.Length; i++)
        {
            var argument = Emit(operands[i], body);
            argumentTypes[i] = operands[i].Type;
            anyNull = OrElse(anyNull, argument.IsNull);
            if (operands[i].Type.Kind == SqlTypeKind.Null)
            {
                // An untyped NULL takes the parameter's CLR type (casting NULL is a no-op).
                var clr = ClrOf(function.ParameterTypes[i]);
                arguments[i] = Expression.Default(function.IsStrict ? clr : NullableOf(clr));
            }
            else if (function.IsStrict)
            {
                arguments[i] = argument.Value;
            }
            else
            {
                var nullable = NullableOf(argument.Value.Type);
                arguments[i] = Expression.Condition(argument.IsNull, Expression.Default(nullable),
                    argument.Value.Type == nullable ? argument.Value : Expression.Convert(argument.Value, nullable));
            }
        }
        var value = Local(ClrOf(call.Type));
        var isNull = Local(typeof(bool));
        Guarded(body, function.IsStrict ? anyNull : False, function.BuildCall(arguments, argumentTypes, ThreadContextExpression), value, isNull);
        return new Slot(value, isNull);
    }

    private static Type NullableOf(Type type) => type.IsValueType && Nullable.GetUnderlyingType(type) is null ? typeof(Nullable<>).MakeGenericType(type) : type;

    /// <summary>
    /// The calling thread's <see cref="FunctionContext"/>: a compiled delegate is shared by a job's stream threads, and a
    /// context is one per thread (its random source is not thread-safe). In UTC until the planner carries the session's
    /// <c>table.local-time-zone</c>.
    /// </summary>
    private static FunctionContext ThreadContext => t_context ??= new FunctionContext();

    [ThreadStatic]
    private static FunctionContext? t_context;

    private static readonly Expression ThreadContextExpression =
        Expression.Property(null, typeof(ExpressionCompiler).GetProperty(nameof(ThreadContext), BindingFlags.Static | BindingFlags.NonPublic)!);

    /// <summary>
    /// Emits <c>if (guard) { isNull = true; value = default; } else { value, isNull = result }</c>, where a
    /// <see cref="Nullable{T}"/> result without a value, or a null reference, is SQL NULL.
    /// </summary>
    private void Guarded(List<Expression> body, Expression guard, Expression result, ParameterExpression value, ParameterExpression isNull)
    {
        Expression assign;
        if (result.Type == value.Type)
        {
            assign = value.Type.IsValueType
                ? Expression.Block(Expression.Assign(value, result), Expression.Assign(isNull, False))
                : Expression.Block(Expression.Assign(value, result), Expression.Assign(isNull, Expression.Equal(value, Expression.Constant(null, value.Type))));
        }
        else if (Nullable.GetUnderlyingType(result.Type) == value.Type)
        {
            var nullable = Local(result.Type);
            assign = Expression.Block(
                Expression.Assign(nullable, result),
                Expression.Assign(isNull, Expression.Not(Expression.Property(nullable, "HasValue"))),
                Expression.Assign(value, Expression.Call(nullable, result.Type.GetMethod("GetValueOrDefault", Type.EmptyTypes)!)));
        }
        else if (Nullable.GetUnderlyingType(result.Type) is not null)
        {
            // A Nullable of a wider type (a function computing an INT as long?): NULL or the narrowed value.
            var nullable = Local(result.Type);
            assign = Expression.Block(
                Expression.Assign(nullable, result),
                Expression.Assign(isNull, Expression.Not(Expression.Property(nullable, "HasValue"))),
                Expression.Assign(value, Expression.Convert(Expression.Call(nullable, result.Type.GetMethod("GetValueOrDefault", Type.EmptyTypes)!), value.Type)));
        }
        else if (!result.Type.IsValueType)
        {
            // A boxed result (object): null is SQL NULL, anything else is unboxed or cast.
            var boxed = Local(result.Type);
            assign = Expression.Block(
                Expression.Assign(boxed, result),
                Expression.Assign(isNull, Expression.Equal(boxed, Expression.Constant(null, result.Type))),
                Expression.Assign(value, Expression.Condition(isNull, Expression.Default(value.Type), Expression.Convert(boxed, value.Type))));
        }
        else
        {
            assign = Expression.Block(Expression.Assign(value, Expression.Convert(result, value.Type)), Expression.Assign(isNull, False));
        }
        if (guard == False)
        {
            body.Add(assign);
            return;
        }
        body.Add(Expression.IfThenElse(guard,
            Expression.Block(Expression.Assign(isNull, True), Expression.Assign(value, Expression.Default(value.Type))),
            assign));
    }

    private Slot EmitCall(RexCall call, List<Expression> body)
    {
        var op = call.Operator;
        switch (op)
        {
            case SqlOperator.And:
            case SqlOperator.Or:
                return EmitLogical(call, body);
            case SqlOperator.Case:
                return EmitCase(call, body);
            case SqlOperator.Coalesce:
                return EmitCoalesce(call, body);
        }
        if (op.IsArithmetic())
            return EmitArithmetic(call, body);
        if (op == SqlOperator.Negate)
            return EmitNegate(call, body);

        var operand = Emit(call.Operands[0], body);
        if (op.IsComparison() || op is SqlOperator.IsDistinctFrom or SqlOperator.IsNotDistinctFrom)
            return EmitComparison(call, operand, Emit(call.Operands[1], body), body);

        var result = Local(typeof(bool));
        var data = operand.Value.Type == typeof(bool) ? operand.Value : False;
        var (value, isNull) = op switch
        {
            SqlOperator.Not => (AndAlso(Not(operand.IsNull), Not(data)), operand.IsNull),
            SqlOperator.IsNull => (operand.IsNull, False),
            SqlOperator.IsNotNull => (Not(operand.IsNull), False),
            SqlOperator.IsTrue => (AndAlso(Not(operand.IsNull), data), False),
            SqlOperator.IsNotTrue => (OrElse(operand.IsNull, Not(data)), False),
            SqlOperator.IsFalse => (AndAlso(Not(operand.IsNull), Not(data)), False),
            SqlOperator.IsNotFalse => (OrElse(operand.IsNull, data), False),
            _ => throw new PlanningException($"The expression compiler does not know operator {op.Symbol()}."),
        };
        body.Add(Expression.Assign(result, value));
        return new Slot(result, isNull);
    }

    /// <summary>
    /// AND/OR over any number of operands, left to right, stopping at the first FALSE (AND) or TRUE (OR); otherwise
    /// NULL when an operand was NULL. The running result is kept with its value false whenever it is NULL.
    /// </summary>
    private Slot EmitLogical(RexCall call, List<Expression> body)
    {
        var isAnd = call.Operator == SqlOperator.And;
        var value = Local(typeof(bool));
        var isNull = Local(typeof(bool));
        var first = Emit(call.Operands[0], body);
        body.Add(Expression.Assign(isNull, first.IsNull));
        body.Add(Expression.Assign(value, AndAlso(Not(first.IsNull), first.Value)));
        for (var i = 1; i < call.Operands.Length; i++)
        {
            var inner = new List<Expression>();
            var next = Emit(call.Operands[i], inner);
            var decisive = isAnd ? AndAlso(Not(next.IsNull), Not(next.Value)) : AndAlso(Not(next.IsNull), next.Value);
            inner.Add(Expression.IfThenElse(decisive,
                Expression.Block(Expression.Assign(value, Expression.Constant(!isAnd)), Expression.Assign(isNull, False)),
                Expression.IfThen(next.IsNull, Expression.Block(Expression.Assign(value, False), Expression.Assign(isNull, True)))));
            // AND goes on while TRUE or NULL so far (not FALSE); OR while FALSE or NULL (not TRUE).
            var goOn = isAnd ? OrElse(value, isNull) : Not(value);
            body.Add(Expression.IfThen(goOn, Expression.Block(inner)));
        }
        return new Slot(value, isNull);
    }

    private Slot EmitCase(RexCall call, List<Expression> body)
    {
        var type = call.Type;
        var value = Local(ClrOf(type));
        var isNull = Local(typeof(bool));
        var operands = call.Operands;
        Expression chain = AssignBranch(operands[^1], type, value, isNull);
        for (var i = operands.Length - 3; i >= 0; i -= 2)
        {
            var statements = new List<Expression>();
            var condition = Emit(operands[i], statements);
            statements.Add(Expression.IfThenElse(TrueAndNotNull(condition), AssignBranch(operands[i + 1], type, value, isNull), chain));
            chain = Expression.Block(statements);
        }
        body.Add(chain);
        return new Slot(value, isNull);
    }

    private Slot EmitCoalesce(RexCall call, List<Expression> body)
    {
        var type = call.Type;
        var value = Local(ClrOf(type));
        var isNull = Local(typeof(bool));
        var operands = call.Operands;
        Expression chain = AssignBranch(operands[^1], type, value, isNull);
        for (var i = operands.Length - 2; i >= 0; i--)
        {
            var statements = new List<Expression>();
            var operand = Emit(operands[i], statements);
            statements.Add(Expression.IfThenElse(Not(operand.IsNull),
                Expression.Block(Expression.Assign(value, Widen(operand.Value, operands[i].Type, type)), Expression.Assign(isNull, False)),
                chain));
            chain = Expression.Block(statements);
        }
        body.Add(chain);
        return new Slot(value, isNull);
    }

    /// <summary>A block evaluating a CASE or COALESCE branch (only when chosen) into the result's locals.</summary>
    private BlockExpression AssignBranch(RexNode branch, SqlType type, ParameterExpression value, ParameterExpression isNull)
    {
        var statements = new List<Expression>();
        if (branch.Type.Kind == SqlTypeKind.Null || type.Kind == SqlTypeKind.Null)
        {
            statements.Add(Expression.Assign(value, Expression.Default(value.Type)));
            statements.Add(Expression.Assign(isNull, True));
            return Expression.Block(statements);
        }
        var slot = Emit(branch, statements);
        statements.Add(Expression.Assign(value, Expression.Condition(slot.IsNull, Expression.Default(value.Type), Widen(slot.Value, branch.Type, type))));
        statements.Add(Expression.Assign(isNull, slot.IsNull));
        return Expression.Block(statements);
    }

    /// <summary>A value of <paramref name="from"/> as a value of the wider <paramref name="to"/> (Flink's implicit widening).</summary>
    private static Expression Widen(Expression value, SqlType from, SqlType to)
    {
        var target = ClrOf(to);
        if (value.Type == target)
            return value;
        if (from.Kind == SqlTypeKind.Null)
            return Expression.Default(target);
        return Expression.Convert(value, target);
    }

    private Slot EmitComparison(RexCall call, Slot left, Slot right, List<Expression> body)
    {
        var op = call.Operator;
        var common = TypeRules.CommonType(call.Operands[0].Type, call.Operands[1].Type)!;
        Expression a = Widen(left.Value, call.Operands[0].Type, common);
        Expression b = Widen(right.Value, call.Operands[1].Type, common);
        if (common.Kind is SqlTypeKind.TinyInt or SqlTypeKind.SmallInt)
        {
            a = Expression.Convert(a, typeof(int));
            b = Expression.Convert(b, typeof(int));
        }
        var equality = op is SqlOperator.Equals or SqlOperator.NotEquals or SqlOperator.IsDistinctFrom or SqlOperator.IsNotDistinctFrom;
        Expression compared;
        if (common.IsBinaryString)
        {
            compared = Expression.Call(typeof(ExpressionCompiler), nameof(BytesEqual), null, a, b);
        }
        else if (common.IsCharacterString && !equality)
        {
            compared = Expression.Call(typeof(SqlStrings), nameof(SqlStrings.Compare), null, a, b);
            b = Expression.Constant(0);
        }
        else if (common.Kind == SqlTypeKind.Boolean && !equality)
        {
            a = Expression.Condition(a, Expression.Constant(1), Expression.Constant(0));
            b = Expression.Condition(b, Expression.Constant(1), Expression.Constant(0));
            compared = a;
        }
        else
        {
            compared = a;
        }
        Expression test = common.IsBinaryString
            ? (op is SqlOperator.NotEquals or SqlOperator.IsDistinctFrom ? Expression.Not(compared) : compared)
            : op switch
            {
                SqlOperator.Equals or SqlOperator.IsNotDistinctFrom => Expression.Equal(compared, b),
                SqlOperator.NotEquals or SqlOperator.IsDistinctFrom => Expression.NotEqual(compared, b),
                SqlOperator.LessThan => Expression.LessThan(compared, b),
                SqlOperator.LessThanOrEqual => Expression.LessThanOrEqual(compared, b),
                SqlOperator.GreaterThan => Expression.GreaterThan(compared, b),
                SqlOperator.GreaterThanOrEqual => Expression.GreaterThanOrEqual(compared, b),
                _ => throw new PlanningException($"Not a comparison: {op.Symbol()}."),
            };
        var result = Local(typeof(bool));
        if (op is SqlOperator.IsDistinctFrom or SqlOperator.IsNotDistinctFrom)
        {
            // NULL is not distinct from NULL; a NULL is distinct from any value.
            var eitherNull = OrElse(left.IsNull, right.IsNull);
            var nullCase = op == SqlOperator.IsDistinctFrom
                ? Expression.NotEqual(left.IsNull, right.IsNull)
                : Expression.Equal(left.IsNull, right.IsNull);
            body.Add(Expression.Assign(result, eitherNull == False ? test : Expression.Condition(eitherNull, nullCase, test)));
            return new Slot(result, False);
        }
        var isNull = OrElse(left.IsNull, right.IsNull);
        if (isNull is not ConstantExpression)
        {
            var flag = Local(typeof(bool));
            body.Add(Expression.Assign(flag, isNull));
            isNull = flag;
        }
        body.Add(Expression.Assign(result, AndAlso(Not(isNull), test)));
        return new Slot(result, isNull);
    }

    private static bool BytesEqual(byte[]? a, byte[]? b) => a is null || b is null ? a == b : a.AsSpan().SequenceEqual(b);

    private Slot EmitArithmetic(RexCall call, List<Expression> body)
    {
        var left = Emit(call.Operands[0], body);
        var right = Emit(call.Operands[1], body);
        var type = call.Type;
        var op = call.Operator;
        var leftType = call.Operands[0].Type;
        var rightType = call.Operands[1].Type;
        Expression result;
        if (type.IsInteger)
        {
            // Java computes in int or long and wraps; narrower results (TINYINT, SMALLINT, MOD's divisor type) narrow after.
            var wide = leftType.Kind == SqlTypeKind.BigInt || rightType.Kind == SqlTypeKind.BigInt ? typeof(long) : typeof(int);
            var a = Convert(left.Value, wide);
            var b = Convert(right.Value, wide);
            Expression computed = op switch
            {
                SqlOperator.Plus => Expression.Add(a, b),
                SqlOperator.Minus => Expression.Subtract(a, b),
                SqlOperator.Times => Expression.Multiply(a, b),
                SqlOperator.Divide => Expression.Call(typeof(SqlArithmetic), nameof(SqlArithmetic.Divide), null, a, b),
                _ => Expression.Call(typeof(SqlArithmetic), nameof(SqlArithmetic.Remainder), null, a, b),
            };
            result = Convert(computed, type.ClrType);
        }
        else if (type.Kind == SqlTypeKind.Decimal)
        {
            var method = op switch
            {
                SqlOperator.Plus => nameof(SqlArithmetic.Add),
                SqlOperator.Minus => nameof(SqlArithmetic.Subtract),
                SqlOperator.Times => nameof(SqlArithmetic.Multiply),
                SqlOperator.Divide => nameof(SqlArithmetic.Divide),
                _ => nameof(SqlArithmetic.Remainder),
            };
            result = Expression.Call(typeof(SqlArithmetic), method, null, Convert(left.Value, typeof(decimal)), Convert(right.Value, typeof(decimal)),
                Expression.Constant(type.Precision), Expression.Constant(type.Scale));
        }
        else
        {
            var a = Convert(left.Value, type.ClrType);
            var b = Convert(right.Value, type.ClrType);
            result = op switch
            {
                SqlOperator.Plus => Expression.Add(a, b),
                SqlOperator.Minus => Expression.Subtract(a, b),
                SqlOperator.Times => Expression.Multiply(a, b),
                SqlOperator.Divide => Expression.Divide(a, b),
                _ => Expression.Modulo(a, b),
            };
        }
        var value = Local(type.ClrType);
        var isNull = Local(typeof(bool));
        // Guarded: a division must not run on the default value of a NULL divisor.
        Guarded(body, OrElse(left.IsNull, right.IsNull), result, value, isNull);
        return new Slot(value, isNull);
    }

    private Slot EmitNegate(RexCall call, List<Expression> body)
    {
        var operand = Emit(call.Operands[0], body);
        var type = call.Type;
        Expression result = type.Kind switch
        {
            SqlTypeKind.Decimal => Expression.Call(typeof(SqlArithmetic), nameof(SqlArithmetic.Negate), null, operand.Value,
                Expression.Constant(type.Precision), Expression.Constant(type.Scale)),
            SqlTypeKind.BigInt or SqlTypeKind.Float or SqlTypeKind.Double => Expression.Negate(operand.Value),
            _ => Convert(Expression.Negate(Convert(operand.Value, typeof(int))), type.ClrType),
        };
        var value = Local(type.ClrType);
        var isNull = Local(typeof(bool));
        Guarded(body, operand.IsNull, result, value, isNull);
        return new Slot(value, isNull);
    }

    private static Expression Convert(Expression value, Type type) => value.Type == type ? value : Expression.Convert(value, type);

    private static Expression Not(Expression value) => value switch
    {
        ConstantExpression { Value: bool b } => Expression.Constant(!b),
        _ => Expression.Not(value),
    };

    private static Expression AndAlso(Expression a, Expression b) => (a, b) switch
    {
        (ConstantExpression { Value: false }, _) => False,
        (ConstantExpression { Value: true }, _) => b,
        (_, ConstantExpression { Value: true }) => a,
        _ => Expression.AndAlso(a, b),
    };

    private static Expression OrElse(Expression a, Expression b) => (a, b) switch
    {
        (ConstantExpression { Value: true }, _) => True,
        (ConstantExpression { Value: false }, _) => b,
        (_, ConstantExpression { Value: false }) => a,
        _ => Expression.OrElse(a, b),
    };
}
