using System.Reflection;
using Eddy.Sql.Types;

namespace Eddy.Sql.Functions;

/// <summary>An implementation method chosen for a call's argument types.</summary>
/// <param name="Method">The public instance method (<c>Eval</c>, <c>Accumulate</c>, <c>Retract</c>).</param>
/// <param name="ParameterTypes">The SQL type each argument is cast to first (its own type when no cast is needed).</param>
/// <param name="Strict">Whether a NULL argument skips the call: some parameter is a non-nullable value type.</param>
internal sealed record UserDefinedMethod(MethodInfo Method, SqlType[] ParameterTypes, bool Strict);

/// <summary>
/// Chooses the overload of a user-defined function's implementation method for a call, as Flink's reflective
/// resolution of <c>eval</c> does: the parameters' SQL types (inferred from the CLR types) must take the arguments,
/// exactly or by an implicit cast; the overload needing fewest casts wins, the first declared on a tie.
/// </summary>
internal static class UserDefinedSignatures
{
    /// <summary>
    /// The overload of <paramref name="methodName"/> for <paramref name="arguments"/>, its first <paramref name="skip"/>
    /// parameters left aside (an aggregate's accumulator); null when none takes them.
    /// </summary>
    public static UserDefinedMethod? Match(Type type, string methodName, int skip, IReadOnlyList<SqlType> arguments)
    {
        UserDefinedMethod? best = null;
        var bestCasts = int.MaxValue;
        foreach (var method in Methods(type, methodName))
        {
            var parameters = method.GetParameters();
            if (parameters.Length - skip != arguments.Count)
                continue;
            var casts = 0;
            var types = new SqlType[arguments.Count];
            var strict = false;
            var fits = true;
            for (var i = 0; i < arguments.Count && fits; i++)
            {
                var clr = parameters[skip + i].ParameterType;
                strict |= clr.IsValueType && Nullable.GetUnderlyingType(clr) is null;
                if (UserDefinedFunctions.SqlTypeOf(clr) is not { } parameter)
                {
                    fits = false;
                    continue;
                }
                var argument = arguments[i];
                if (argument.Kind == SqlTypeKind.Null)
                {
                    types[i] = parameter;
                }
                else if (SameRepresentation(argument, parameter))
                {
                    types[i] = argument;
                }
                else if (SqlTypeRules.CanImplicitlyCast(argument.WithNullability(true), parameter.WithNullability(true)))
                {
                    types[i] = parameter.WithNullability(argument.IsNullable);
                    casts++;
                }
                else
                {
                    fits = false;
                }
            }
            if (fits && casts < bestCasts)
            {
                best = new UserDefinedMethod(method, types, strict);
                bestCasts = casts;
            }
        }
        return best;
    }

    /// <summary>The public instance methods of that name, in declaration order.</summary>
    public static IEnumerable<MethodInfo> Methods(Type type, string methodName) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.Name == methodName && !m.IsGenericMethodDefinition)
            .OrderBy(m => m.MetadataToken);

    /// <summary>
    /// Flink's error for a call no overload takes: the call's types, then the signatures the class offers.
    /// </summary>
    public static SqlFunctionException NoMatch(string name, Type type, string methodName, int skip, IReadOnlyList<SqlType> arguments)
    {
        var signatures = Methods(type, methodName).Select(m => name + "(" + string.Join(", ", m.GetParameters().Skip(skip)
            .Select(p => p.Name + " " + (UserDefinedFunctions.SqlTypeOf(p.ParameterType)?.ToString() ?? p.ParameterType.Name))) + ")");
        return new SqlFunctionException(
            $"Invalid function call:\n{name}({string.Join(", ", arguments)})\nInvalid input arguments. Expected signatures are:\n{string.Join("\n", signatures)}");
    }

    /// <summary>Values of <paramref name="argument"/> are already values of <paramref name="parameter"/>'s CLR type.</summary>
    private static bool SameRepresentation(SqlType argument, SqlType parameter) =>
        argument.Kind == parameter.Kind
        || argument.IsCharacterString && parameter.IsCharacterString
        || argument.IsBinaryString && parameter.IsBinaryString;
}
