using System.Linq.Expressions;
using Eddy.Sql.Functions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Functions;

/// <summary>
/// Calls a built-in function the way a planner compiles it: resolve by name and argument types, cast each argument to
/// its parameter type with <see cref="SqlCasts.Build"/>, honour strictness, variadic arrays, the context and constants,
/// compile the expression and run it. Every argument is passed as a literal (so ROUND's digits and RAND's seed bind).
/// </summary>
internal static class FunctionInvoker
{
    public static FunctionContext Utc { get; } = new(TimeZoneInfo.Utc, TimeProvider.System);

    public static object? Call(string name, params (object? Value, SqlType Type)[] args) => Call(Utc, name, args);

    public static object? Call(FunctionContext context, string name, params (object? Value, SqlType Type)[] args)
    {
        var resolved = BuiltInFunctions.Resolve(name, args.Select(a => a.Type).ToArray(), args.Select(a => a.Value).ToArray());
        if (resolved.IsStrict && args.Any(a => a.Value is null))
            return null;
        var method = resolved.Method;
        var parameters = method.GetParameters();
        var arguments = new List<Expression>();
        var p = 0;
        if (resolved.NeedsContext)
        {
            arguments.Add(Expression.Constant(context));
            p++;
        }
        var converted = new List<Expression>();
        for (var i = 0; i < args.Length; i++)
        {
            var target = resolved.ParameterTypes[i];
            Expression value;
            if (args[i].Value is null)
            {
                value = Expression.Default(Nullable(target.ClrType));
            }
            else
            {
                value = Expression.Constant(args[i].Value, args[i].Type.ClrType);
                if (args[i].Type.WithNullability(true) != target.WithNullability(true) && args[i].Type.Kind != SqlTypeKind.Null)
                    value = SqlCasts.Build(value, args[i].Type, target, Expression.Constant(context));
            }
            converted.Add(value);
        }
        if (resolved.VariadicStart >= 0)
        {
            for (var i = 0; i < resolved.VariadicStart; i++)
                arguments.Add(Convert(converted[i], parameters[p++].ParameterType));
            var elementType = parameters[p++].ParameterType.GetElementType()!;
            arguments.Add(Expression.NewArrayInit(elementType, converted.Skip(resolved.VariadicStart).Select(e => Convert(e, elementType))));
        }
        else
        {
            foreach (var value in converted)
                arguments.Add(Convert(value, parameters[p++].ParameterType));
        }
        foreach (var constant in resolved.Constants)
        {
            arguments.Add(Convert(Expression.Constant(constant, constant?.GetType() ?? typeof(object)), parameters[p++].ParameterType));
        }
        var call = Expression.Call(method, arguments);
        var lambda = Expression.Lambda<Func<object?>>(Expression.Convert(call, typeof(object))).Compile();
        var result = lambda();
        return result is null ? null : NormalizeResult(result, resolved.ReturnType);
    }

    /// <summary>The resolved function itself, for type assertions.</summary>
    public static ResolvedFunction Resolve(string name, params SqlType[] types) => BuiltInFunctions.Resolve(name, types);

    private static object NormalizeResult(object result, SqlType type)
    {
        // A method may return a wider CLR type than the SQL type (integers as long): narrow as the planner would.
        var clr = type.ClrType;
        if (clr == typeof(object) || clr.IsInstanceOfType(result))
            return result;
        return System.Convert.ChangeType(result, clr, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Type Nullable(Type clr) => clr.IsValueType ? typeof(Nullable<>).MakeGenericType(clr) : clr;

    private static Expression Convert(Expression value, Type target) => value.Type == target ? value : Expression.Convert(value, target);

    public static (object?, SqlType) S(string? value) => (value, SqlType.String);
    public static (object?, SqlType) I(int? value) => (value, SqlType.Int);
    public static (object?, SqlType) L(long? value) => (value, SqlType.BigInt);
    public static (object?, SqlType) D(double? value) => (value, SqlType.Double);
    public static (object?, SqlType) B(bool? value) => (value, SqlType.Boolean);
    public static (object?, SqlType) Dec(decimal? value, int precision, int scale) => (value, SqlType.Decimal(precision, scale));
    public static (object?, SqlType) Ts(string value) => (DateTime.Parse(value, System.Globalization.CultureInfo.InvariantCulture), SqlType.Timestamp(3));
    public static (object?, SqlType) Date(string value) => (DateOnly.Parse(value, System.Globalization.CultureInfo.InvariantCulture), SqlType.Date);
    public static (object?, SqlType) Null => (null, SqlType.Null);
}
