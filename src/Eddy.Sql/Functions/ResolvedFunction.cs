using System.Linq.Expressions;
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

    /// <summary>
    /// The instance <see cref="Method"/> is called on when it is an instance method (a user-defined function's
    /// <c>Eval</c>); null for the built-in functions' static methods.
    /// </summary>
    internal object? Target { get; init; }

    /// <summary>
    /// The call expression for <paramref name="arguments"/> (one per SQL argument, of the CLR type of
    /// <paramref name="argumentTypes"/>[i]; NULL-free for a strict function, whose caller checks NULL first, and of the
    /// nullable CLR type otherwise): each argument cast to its parameter type, converted to the method's parameter,
    /// variadic arguments packed into their array, the context first when <see cref="NeedsContext"/>, the constants
    /// last. The expression's type is the method's return type (see the remarks for converting it).
    /// </summary>
    /// <param name="arguments">The argument expressions.</param>
    /// <param name="argumentTypes">The SQL types of the arguments, as resolved.</param>
    /// <param name="context">An expression of type <see cref="FunctionContext"/>.</param>
    public Expression BuildCall(IReadOnlyList<Expression> arguments, IReadOnlyList<SqlType> argumentTypes, Expression context)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(argumentTypes);
        ArgumentNullException.ThrowIfNull(context);
        if (arguments.Count != ParameterTypes.Count || argumentTypes.Count != ParameterTypes.Count)
            throw new ArgumentException($"{Name} takes {ParameterTypes.Count} arguments here, not {arguments.Count}.", nameof(arguments));
        var parameters = Method.GetParameters();
        var call = new List<Expression>(parameters.Length);
        var p = 0;
        if (NeedsContext)
        {
            call.Add(context);
            p++;
        }
        var converted = new Expression[arguments.Count];
        for (var i = 0; i < arguments.Count; i++)
            converted[i] = CastArgument(arguments[i], argumentTypes[i], ParameterTypes[i], context);
        var fixedCount = VariadicStart >= 0 ? VariadicStart : converted.Length;
        for (var i = 0; i < fixedCount; i++)
            call.Add(ConvertTo(converted[i], parameters[p++].ParameterType));
        if (VariadicStart >= 0)
        {
            var elementType = parameters[p++].ParameterType.GetElementType()!;
            call.Add(Expression.NewArrayInit(elementType, converted.Skip(VariadicStart).Select(e => ConvertTo(e, elementType))));
        }
        foreach (var constant in Constants)
            call.Add(ConvertTo(Expression.Constant(constant, constant?.GetType() ?? typeof(object)), parameters[p++].ParameterType));
        return Method.IsStatic ? Expression.Call(Method, call) : Expression.Call(Expression.Constant(Target, Method.DeclaringType!), Method, call);
    }

    private static Expression CastArgument(Expression argument, SqlType from, SqlType to, Expression context)
    {
        if (from.Kind == SqlTypeKind.Null || SameRepresentation(from, to))
            return argument;
        var underlying = Nullable.GetUnderlyingType(argument.Type);
        if (argument.Type.IsValueType && underlying is null)
            return SqlCasts.Build(argument, from, to, context);
        // A nullable argument (of a non-strict function): NULL stays NULL, a value is cast.
        var value = underlying is null ? argument : Expression.Property(argument, "Value");
        var cast = SqlCasts.Build(value, from, to, context);
        var resultType = cast.Type.IsValueType && Nullable.GetUnderlyingType(cast.Type) is null ? typeof(Nullable<>).MakeGenericType(cast.Type) : cast.Type;
        Expression isNull = underlying is null ? Expression.Equal(argument, Expression.Constant(null, argument.Type)) : Expression.Not(Expression.Property(argument, "HasValue"));
        return Expression.Condition(isNull, Expression.Default(resultType), ConvertTo(cast, resultType));
    }

    /// <summary>Whether values of <paramref name="from"/> are already values of <paramref name="to"/> (no cast needed).</summary>
    private static bool SameRepresentation(SqlType from, SqlType to) =>
        from.WithNullability(true) == to.WithNullability(true)
        || from.IsCharacterString && to.Kind == SqlTypeKind.VarChar && to.Length == SqlType.MaxLength
        || from.IsBinaryString && to.Kind == SqlTypeKind.VarBinary && to.Length == SqlType.MaxLength;

    private static Expression ConvertTo(Expression value, Type target) => value.Type == target ? value : Expression.Convert(value, target);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}({string.Join(", ", ParameterTypes)}) -> {ReturnType}";
}
