using System.Reflection;
using Eddy.Sql.Types;

namespace Eddy.Sql.Functions;

/// <summary>
/// A built-in function or operator call resolved for its argument types: the method to call and how to call it.
/// </summary>
/// <remarks>
/// <para>The call is <c>Method([context,] args…, [variadic array,] constants…)</c>: when <see cref="NeedsContext"/> the
/// first parameter is the task's <see cref="FunctionContext"/>; then one parameter per SQL argument, except that the
/// arguments from <see cref="VariadicStart"/> on go, in order, into one array parameter; then
/// <see cref="Constants"/>, each as an <c>Expression.Constant</c>.</para>
/// <para>Each argument is first cast to <see cref="ParameterTypes"/>[i] (an implicit cast, built with
/// <see cref="SqlCasts.Build"/>; a cast between types of the same CLR type without a length limit is a no-op and may
/// be skipped), then converted to the method parameter's CLR type (<c>Expression.Convert</c>: boxing to
/// <see cref="object"/>, wrapping in <see cref="Nullable{T}"/>, or nothing). The result is converted to
/// <see cref="ReturnType"/>'s CLR type the same way (it may be <see cref="Nullable{T}"/> or <see cref="object"/> when
/// the function can give NULL, or a wider integer).</para>
/// <para>When <see cref="IsStrict"/>, a NULL argument makes the result NULL without calling the method (the caller
/// checks), and the method receives non-NULL values; otherwise the method receives NULLs (as <see langword="null"/>
/// of the nullable CLR type) and decides.</para>
/// </remarks>
public sealed class ResolvedFunction
{
    internal ResolvedFunction(
        string name, MethodInfo method, IReadOnlyList<SqlType> parameterTypes, SqlType returnType, bool isStrict,
        bool isDeterministic, bool needsContext, int variadicStart, IReadOnlyList<object?> constants)
    {
        Name = name;
        Method = method;
        ParameterTypes = parameterTypes;
        ReturnType = returnType;
        IsStrict = isStrict;
        IsDeterministic = isDeterministic;
        NeedsContext = needsContext;
        VariadicStart = variadicStart;
        Constants = constants;
    }

    /// <summary>The function's name, upper case, as registered (<c>UPPER</c>, <c>+</c>, <c>SIMILAR TO</c>).</summary>
    public string Name { get; }

    /// <summary>The static method to call.</summary>
    public MethodInfo Method { get; }

    /// <summary>The SQL type each argument is cast to before the call.</summary>
    public IReadOnlyList<SqlType> ParameterTypes { get; }

    /// <summary>The result type, with Flink's nullability.</summary>
    public SqlType ReturnType { get; }

    /// <summary>Whether NULL in any argument gives NULL without calling the method.</summary>
    public bool IsStrict { get; }

    /// <summary>Whether equal arguments always give equal results (FALSE for RAND, UUID, NOW and the current time).</summary>
    public bool IsDeterministic { get; }

    /// <summary>Whether the method's first parameter is the <see cref="FunctionContext"/>.</summary>
    public bool NeedsContext { get; }

    /// <summary>The index of the first argument collected into the method's array parameter; -1 when not variadic.</summary>
    public int VariadicStart { get; }

    /// <summary>Values passed after the arguments (result types, units, options, a seeded generator).</summary>
    public IReadOnlyList<object?> Constants { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}({string.Join(", ", ParameterTypes)}) -> {ReturnType}";
}
