namespace Eddy.Sql.Functions;

/// <summary>
/// The base of every user-defined function a SQL job calls by name after <c>CREATE FUNCTION name AS 'Namespace.Type'</c>
/// (Flink's <c>UserDefinedFunction</c>). The type must be public, not abstract, and have a public parameterless
/// constructor; the planner creates one instance per query and binds its methods once into the compiled expressions.
/// </summary>
/// <remarks>
/// <para>The planner finds the implementation methods by name and argument types, as Flink resolves <c>eval</c>,
/// <c>accumulate</c> and <c>retract</c> reflectively: overloads are chosen by the SQL argument types, and the SQL types
/// of parameters and results are inferred from their CLR types by the convention of <see cref="Types.SqlType"/>
/// (<c>int</c> is INT NOT NULL, <c>int?</c> INT, <c>string</c> STRING, <c>decimal</c> DECIMAL(38, 18),
/// <c>DateTime</c> TIMESTAMP(9), <c>DateTimeOffset</c> TIMESTAMP_LTZ(9), ...).</para>
/// <para>One instance serves every thread of a job, so implementation methods must not keep per-call state in fields
/// (the collector of a <see cref="TableFunction{T}"/> is per thread already).</para>
/// </remarks>
public abstract class UserDefinedFunction
{
    /// <summary>
    /// Whether equal arguments always give equal results (Flink's <c>isDeterministic()</c>); a non-deterministic function
    /// is evaluated per row and never folded or reused. True unless overridden.
    /// </summary>
    public virtual bool IsDeterministic => true;
}

/// <summary>
/// A user-defined scalar function: one value per call. Declare one or more public instance methods named
/// <c>Eval</c>; a call <c>f(a, b)</c> runs the overload whose parameters take the arguments' SQL types (exact types
/// first, then implicit widening such as INT to BIGINT). A parameter of a non-nullable value type (<c>int</c>,
/// <c>long</c>, <c>double</c>, <c>bool</c>, ...) makes the call NULL when its argument is NULL, without calling
/// <c>Eval</c>; reference types and <see cref="Nullable{T}"/> parameters receive <see langword="null"/>.
/// </summary>
/// <example>
/// <code>
/// public sealed class CountChar : ScalarFunction
/// {
///     public long Eval(string? text, string character) => text?.Count(c => c == character[0]) ?? 0;
/// }
/// </code>
/// </example>
public abstract class ScalarFunction : UserDefinedFunction;

/// <summary>
/// A user-defined table function: zero or more rows per call, used as <c>LATERAL TABLE(f(x))</c> in FROM (a cross
/// join, or a <c>LEFT JOIN ... ON TRUE</c> that keeps rows without output). Declare public instance methods named
/// <c>Eval</c> (resolved as a <see cref="ScalarFunction"/>'s, returning <see langword="void"/>) that call
/// <see cref="Collect"/> once per output row.
/// </summary>
/// <typeparam name="T">The output row: a CLR type of one SQL type is one column named <c>f0</c>, as in Flink; a
/// class or record is one column per public readable property, in declaration order, named as the property.</typeparam>
public abstract class TableFunction<T> : UserDefinedFunction
{
    // One buffer per thread: the instance is shared by a job's threads, and Eval runs to completion on one of them.
    [ThreadStatic]
    private static List<T>? t_rows;

    /// <summary>Emits one output row of the current call.</summary>
    /// <param name="row">The row (a <see langword="null"/> reference is a row of NULLs).</param>
    protected void Collect(T row) => (t_rows ??= []).Add(row);

    /// <summary>The rows the current thread's calls collected since the last drain (the runtime reads and clears it).</summary>
    internal static List<T> Collected => t_rows ??= [];
}

/// <summary>
/// A user-defined aggregate function (Flink's <c>AggregateFunction&lt;T, ACC&gt;</c>): one value per group or window
/// from an accumulator that rows are added to. Override <see cref="CreateAccumulator"/> and <see cref="GetValue"/>, and
/// declare public instance methods <c>Accumulate(TAccumulator accumulator, args...)</c> (resolved by the argument types
/// as <c>Eval</c> is) and, for updating inputs (a GROUP BY over a changelog, an OVER frame), the matching
/// <c>Retract(TAccumulator accumulator, args...)</c>.
/// </summary>
/// <remarks>
/// The accumulator is kept in the job's state between rows, serialized with System.Text.Json (its public properties
/// and fields), so it must round-trip through JSON; it is mutated in place by <c>Accumulate</c> and <c>Retract</c>.
/// A row whose arguments are NULL for a non-nullable value-type parameter is skipped, as Flink's built-in aggregates
/// skip NULLs.
/// </remarks>
/// <typeparam name="TResult">The result's CLR type (its SQL type is inferred as a parameter's).</typeparam>
/// <typeparam name="TAccumulator">The accumulator: a class with a public parameterless constructor.</typeparam>
public abstract class AggregateFunction<TResult, TAccumulator> : UserDefinedFunction
    where TAccumulator : class
{
    /// <summary>An empty accumulator, for a new group or window.</summary>
    public abstract TAccumulator CreateAccumulator();

    /// <summary>The aggregate's value for the rows in <paramref name="accumulator"/>.</summary>
    public abstract TResult GetValue(TAccumulator accumulator);
}
