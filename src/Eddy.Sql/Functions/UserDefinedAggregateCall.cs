using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Functions;

/// <summary>
/// A call of a user-defined <see cref="AggregateFunction{TResult, TAccumulator}"/> in a plan: the instance, the
/// <c>Accumulate</c> (and <c>Retract</c>) overload chosen for the arguments' types, the input columns holding the
/// arguments (already cast to the parameters' SQL types by the projection below the aggregation) and the result type.
/// Its delegates are compiled once, on first use, and shared by every group's state.
/// </summary>
internal sealed class UserDefinedAggregateCall
{
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };

    private readonly MethodInfo _accumulate;
    private readonly MethodInfo? _retract;
    private readonly Type _accumulatorType;
    private readonly Lazy<Compiled> _compiled;

    private UserDefinedAggregateCall(
        string name, UserDefinedFunction function, UserDefinedMethod accumulate, MethodInfo? retract, Type accumulatorType,
        ImmutableArray<int> arguments, SqlType resultType)
    {
        Name = name;
        Function = function;
        _accumulate = accumulate.Method;
        _retract = retract;
        _accumulatorType = accumulatorType;
        ParameterTypes = [.. accumulate.ParameterTypes];
        IsStrict = accumulate.Strict;
        Arguments = arguments;
        ResultType = resultType;
        _compiled = new Lazy<Compiled>(Compile);
    }

    /// <summary>The function's name, as registered.</summary>
    public string Name { get; }

    /// <summary>The function instance.</summary>
    public UserDefinedFunction Function { get; }

    /// <summary>The SQL type each argument must have (the binder casts the arguments to them).</summary>
    public ImmutableArray<SqlType> ParameterTypes { get; }

    /// <summary>Whether a row with a NULL argument is skipped (a parameter is a non-nullable value type).</summary>
    public bool IsStrict { get; }

    /// <summary>The input columns of the arguments, in order.</summary>
    public ImmutableArray<int> Arguments { get; }

    /// <summary>The result's SQL type (always nullable: an aggregate over nothing may be NULL).</summary>
    public SqlType ResultType { get; }

    /// <summary>Whether the function can take rows back (it declares a matching <c>Retract</c>).</summary>
    public bool CanRetract => _retract is not null;

    /// <summary>
    /// Resolves the function for arguments of <paramref name="argumentTypes"/>: the <c>Accumulate</c> overload and, if
    /// declared with the same parameters, <c>Retract</c>.
    /// </summary>
    /// <exception cref="SqlFunctionException">No overload takes the arguments, or a type has no SQL type.</exception>
    public static UserDefinedAggregateCall Resolve(string name, UserDefinedFunction function, IReadOnlyList<SqlType> argumentTypes)
    {
        var type = function.GetType();
        var closed = UserDefinedFunctions.AggregateBase(type)
            ?? throw new SqlFunctionException($"Function '{name}' is not an aggregate function.");
        var resultClr = closed.GetGenericArguments()[0];
        var accumulatorType = closed.GetGenericArguments()[1];
        var accumulate = UserDefinedSignatures.Match(type, "Accumulate", 1, argumentTypes)
            ?? throw UserDefinedSignatures.NoMatch(name, type, "Accumulate", 1, argumentTypes);
        if (!accumulate.Method.GetParameters()[0].ParameterType.IsAssignableFrom(accumulatorType))
            throw new SqlFunctionException($"The first parameter of {type.FullName}.Accumulate must be the accumulator ({accumulatorType.Name}).");
        var signature = accumulate.Method.GetParameters().Select(p => p.ParameterType).ToArray();
        var retract = type.GetMethod("Retract", BindingFlags.Public | BindingFlags.Instance, signature);
        var result = UserDefinedFunctions.SqlTypeOf(resultClr)
            ?? throw UserDefinedFunctions.Unmapped(resultClr, $"the result of {type.FullName}");
        return new UserDefinedAggregateCall(name, function, accumulate, retract, accumulatorType, [], result.WithNullability(true));
    }

    /// <summary>This call reading its arguments from <paramref name="arguments"/>.</summary>
    public UserDefinedAggregateCall WithArguments(ImmutableArray<int> arguments) =>
        new(Name, Function, new UserDefinedMethod(_accumulate, [.. ParameterTypes], IsStrict), _retract, _accumulatorType, arguments, ResultType);

    /// <summary>A new, empty accumulator.</summary>
    public object CreateAccumulator() => _compiled.Value.Create();

    /// <summary>Adds a row's arguments to the accumulator (a NULL for a non-nullable parameter skips the row).</summary>
    public void Accumulate(object accumulator, Row row) => _compiled.Value.Accumulate(accumulator, row);

    /// <summary>Takes a row's arguments back.</summary>
    /// <exception cref="SqlEvaluationException">The function declares no <c>Retract</c>.</exception>
    public void Retract(object accumulator, Row row)
    {
        if (_compiled.Value.Retract is not { } retract)
            throw new SqlEvaluationException($"Function '{Name}' does not implement a method named 'Retract', which an updating input requires.");
        retract(accumulator, row);
    }

    /// <summary>Writes the function's value into <paramref name="output"/>'s <paramref name="column"/>.</summary>
    public void WriteResult(object accumulator, Row output, int column) => _compiled.Value.Write(accumulator, output, column);

    /// <summary>The accumulator as JSON (its public properties and fields).</summary>
    public byte[] Serialize(object accumulator) => JsonSerializer.SerializeToUtf8Bytes(accumulator, _accumulatorType, Json);

    /// <summary>An accumulator from its JSON.</summary>
    public object Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, _accumulatorType, Json) ?? throw new SqlEvaluationException($"Function '{Name}': its accumulator's state is null.");

    private sealed record Compiled(Func<object> Create, Action<object, Row> Accumulate, Action<object, Row>? Retract, Action<object, Row, int> Write);

    private Compiled Compile()
    {
        var target = Expression.Constant(Function, Function.GetType());
        var create = Expression.Lambda<Func<object>>(
            Expression.Convert(Expression.Call(target, Function.GetType().GetMethod(nameof(AggregateFunction<object, object>.CreateAccumulator))!), typeof(object))).Compile();
        var write = CompileWrite(target);
        return new Compiled(create, CompileCall(target, _accumulate), _retract is null ? null : CompileCall(target, _retract), write);
    }

    /// <summary>(accumulator, row) => { if (strict and a NULL argument) return; function.Method((TAcc)accumulator, args...); }</summary>
    private Action<object, Row> CompileCall(Expression target, MethodInfo method)
    {
        var accumulator = Expression.Parameter(typeof(object), "accumulator");
        var row = Expression.Parameter(typeof(Row), "row");
        var parameters = method.GetParameters();
        var arguments = new List<Expression> { Expression.Convert(accumulator, parameters[0].ParameterType) };
        Expression anyNull = Expression.Constant(false);
        for (var i = 0; i < Arguments.Length; i++)
        {
            var column = Expression.Constant(Arguments[i]);
            var isNull = Expression.Call(row, RowAccessors.IsNull, column);
            var value = Expression.Call(row, RowAccessors.Getter(ParameterTypes[i]), column);
            var parameter = parameters[i + 1].ParameterType;
            if (IsStrict)
            {
                anyNull = Expression.OrElse(anyNull, isNull);
                arguments.Add(Convert(value, parameter));
            }
            else
            {
                arguments.Add(Expression.Condition(isNull, Expression.Default(parameter), Convert(value, parameter)));
            }
        }
        Expression body = Expression.Call(target, method, arguments);
        if (IsStrict)
            body = Expression.IfThen(Expression.Not(anyNull), body);
        return Expression.Lambda<Action<object, Row>>(body, accumulator, row).Compile();
    }

    /// <summary>(accumulator, output, column) => { var v = GetValue((TAcc)accumulator); if (v is null) SetNull else Set(v); }</summary>
    private Action<object, Row, int> CompileWrite(Expression target)
    {
        var accumulator = Expression.Parameter(typeof(object), "accumulator");
        var output = Expression.Parameter(typeof(Row), "output");
        var column = Expression.Parameter(typeof(int), "column");
        var getValue = Function.GetType().GetMethod("GetValue", [_accumulatorType])!;
        var value = Expression.Variable(getValue.ReturnType, "value");
        var clr = ResultType.ClrType;
        Expression isNull = getValue.ReturnType.IsValueType && Nullable.GetUnderlyingType(getValue.ReturnType) is null
            ? Expression.Constant(false)
            : Expression.Equal(value, Expression.Constant(null, getValue.ReturnType));
        var body = Expression.Block([value],
            Expression.Assign(value, Expression.Call(target, getValue, Expression.Convert(accumulator, _accumulatorType))),
            Expression.IfThenElse(isNull,
                Expression.Call(output, RowAccessors.SetNull, column),
                Expression.Call(output, RowAccessors.Setter(ResultType), column, Convert(value, clr))));
        return Expression.Lambda<Action<object, Row, int>>(body, accumulator, output, column).Compile();
    }

    private static Expression Convert(Expression value, Type type) => value.Type == type ? value : Expression.Convert(value, type);
}
