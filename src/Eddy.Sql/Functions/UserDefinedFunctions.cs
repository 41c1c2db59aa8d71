using System.Collections.Concurrent;
using System.Reflection;
using Eddy.Sql.Types;

namespace Eddy.Sql.Functions;

/// <summary>
/// Loads user-defined functions: finds the type a <c>CREATE FUNCTION name AS 'Namespace.Type'</c> names in the loaded
/// assemblies (the job's own, and those added with <see cref="AddAssembly"/> — Flink's <c>ADD JAR 'path'</c>, the SQL
/// client's <c>--jar path.dll</c>), checks it as Flink's <c>UserDefinedFunctionHelper</c> does and creates the instance.
/// </summary>
public static class UserDefinedFunctions
{
    /// <summary>
    /// The Java classes of well-known Flink jobs that Eddy ships a C# implementation of, so that their SQL runs unchanged
    /// (Nexmark's q14 registers <c>com.github.nexmark.flink.udf.CountChar</c>).
    /// </summary>
    private static readonly Dictionary<string, Type> KnownJavaClasses = new(StringComparer.Ordinal)
    {
        ["com.github.nexmark.flink.udf.CountChar"] = typeof(NexmarkCountChar),
    };

    private static readonly ConcurrentDictionary<string, Assembly> Added = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads the assembly at <paramref name="path"/> so that its function types resolve by name (Flink's
    /// <c>ADD JAR</c>); adding the same file twice is a no-op.
    /// </summary>
    /// <returns>The loaded assembly.</returns>
    /// <exception cref="SqlFunctionException">The file does not exist or is not a .NET assembly.</exception>
    public static Assembly AddAssembly(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new SqlFunctionException($"Could not find the assembly '{path}'.");
        try
        {
            return Added.GetOrAdd(full, static p => Assembly.LoadFrom(p));
        }
        catch (BadImageFormatException e)
        {
            throw new SqlFunctionException($"'{path}' is not a .NET assembly: {e.Message}", e);
        }
    }

    /// <summary>The type named <paramref name="className"/> in the loaded assemblies, or null.</summary>
    internal static Type? FindType(string className)
    {
        if (KnownJavaClasses.TryGetValue(className, out var known))
            return known;
        foreach (var assembly in Added.Values)
        {
            if (assembly.GetType(className, throwOnError: false) is { } added)
                return added;
        }
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.IsDynamic)
                continue;
            if (assembly.GetType(className, throwOnError: false) is { } type)
                return type;
        }
        return null;
    }

    /// <summary>
    /// The function <paramref name="name"/> registered as <paramref name="className"/>: its type found, checked and
    /// instantiated, with Flink's messages for every way it can fail.
    /// </summary>
    /// <exception cref="SqlFunctionException">The class is missing, not a function, or cannot be instantiated.</exception>
    internal static UserDefinedFunction Instantiate(string name, string className, string? language)
    {
        if (language is not (null or "JAVA" or "SCALA"))
            throw new SqlFunctionException($"Cannot instantiate user-defined function '{name}'. Unknown function language: {language} (Eddy runs .NET functions, declared without LANGUAGE or as JAVA).");
        var type = FindType(className)
            ?? throw new SqlFunctionException($"Cannot instantiate user-defined function '{name}'. Class '{className}' was not found in the loaded assemblies (load one with ADD JAR 'path.dll' or eddy sql --jar path.dll).");
        if (!typeof(UserDefinedFunction).IsAssignableFrom(type))
            throw new SqlFunctionException($"Cannot instantiate user-defined function '{name}'. Class '{className}' is not a user-defined function: it must extend ScalarFunction, TableFunction<T> or AggregateFunction<TResult, TAccumulator> of Eddy.Sql.Functions.");
        if (!(type.IsPublic || type.IsNestedPublic))
            throw new SqlFunctionException($"Function class '{className}' is not public.");
        if (type.IsAbstract)
            throw new SqlFunctionException($"Function class '{className}' must not be abstract.");
        if (type.GetConstructor(Type.EmptyTypes) is null)
            throw new SqlFunctionException($"Function class '{className}' must have a public default constructor.");
        var method = ImplementationMethod(type);
        var declared = type.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (!declared.Any(m => m.Name == method && m.IsPublic))
        {
            throw new SqlFunctionException(declared.Any(m => m.Name == method)
                ? $"Method '{method}' of function class '{className}' is not public."
                : $"Function class '{className}' does not implement a method named '{method}'.");
        }
        try
        {
            return (UserDefinedFunction)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e)
        {
            throw new SqlFunctionException($"Cannot instantiate user-defined function '{name}'. {e.InnerException?.Message}", e.InnerException ?? e);
        }
    }

    /// <summary>Eval for scalar and table functions, Accumulate for aggregate functions.</summary>
    internal static string ImplementationMethod(Type type) => AggregateBase(type) is not null ? "Accumulate" : "Eval";

    /// <summary>The closed <see cref="AggregateFunction{TResult, TAccumulator}"/> a type extends, or null.</summary>
    internal static Type? AggregateBase(Type type) => GenericBase(type, typeof(AggregateFunction<,>));

    /// <summary>The closed <see cref="TableFunction{T}"/> a type extends, or null.</summary>
    internal static Type? TableBase(Type type) => GenericBase(type, typeof(TableFunction<>));

    private static Type? GenericBase(Type type, Type definition)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == definition)
                return t;
        }
        return null;
    }

    /// <summary>
    /// The SQL type of a CLR parameter or result type, by <see cref="SqlType"/>'s convention and Flink's defaults for the
    /// types without parameters (DECIMAL(38, 18), TIMESTAMP(9), TIMESTAMP_LTZ(9), TIME(9)): a non-nullable value type
    /// is NOT NULL, a reference type or <see cref="Nullable{T}"/> nullable. Null when the CLR type has no SQL type.
    /// </summary>
    public static SqlType? SqlTypeOf(Type clrType)
    {
        ArgumentNullException.ThrowIfNull(clrType);
        var underlying = Nullable.GetUnderlyingType(clrType);
        var type = underlying ?? clrType;
        var nullable = underlying is not null || !clrType.IsValueType;
        SqlType? sql = type switch
        {
            _ when type == typeof(bool) => SqlType.Boolean,
            _ when type == typeof(sbyte) => SqlType.TinyInt,
            _ when type == typeof(short) => SqlType.SmallInt,
            _ when type == typeof(int) => SqlType.Int,
            _ when type == typeof(long) => SqlType.BigInt,
            _ when type == typeof(float) => SqlType.Float,
            _ when type == typeof(double) => SqlType.Double,
            _ when type == typeof(decimal) => SqlType.Decimal(38, 18),
            _ when type == typeof(string) => SqlType.String,
            _ when type == typeof(byte[]) => SqlType.Bytes,
            _ when type == typeof(DateOnly) => SqlType.Date,
            _ when type == typeof(TimeOnly) => SqlType.Time(9),
            _ when type == typeof(DateTime) => SqlType.Timestamp(9),
            _ when type == typeof(DateTimeOffset) => SqlType.TimestampLtz(9),
            _ when type == typeof(TimeSpan) => SqlType.IntervalDayTime(6, 9),
            _ => null,
        };
        return sql?.WithNullability(nullable);
    }

    /// <summary>Flink's "Could not extract a data type" for a CLR type without a SQL type.</summary>
    internal static SqlFunctionException Unmapped(Type type, string where) =>
        new($"Could not extract a data type from '{type}' in {where}. Use bool, sbyte, short, int, long, float, double, decimal, string, byte[], DateOnly, TimeOnly, DateTime, DateTimeOffset or TimeSpan (or their nullable forms).");
}
