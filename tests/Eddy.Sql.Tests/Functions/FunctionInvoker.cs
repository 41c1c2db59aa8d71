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
        var arguments = new List<Expression>();
        for (var i = 0; i < args.Length; i++)
        {
            var clr = args[i].Type.Kind == SqlTypeKind.Null ? resolved.ParameterTypes[i].ClrType : args[i].Type.ClrType;
            arguments.Add(resolved.IsStrict
                ? Expression.Constant(args[i].Value, clr)
                : Expression.Constant(args[i].Value, Nullable(clr)));
        }
        var argumentTypes = args.Select(a => a.Type).ToArray();
        var call = resolved.BuildCall(arguments, argumentTypes, Expression.Constant(context));
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
