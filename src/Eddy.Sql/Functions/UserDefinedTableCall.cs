using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Reflection;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Functions;

/// <summary>
/// A call of a user-defined <see cref="TableFunction{T}"/> in <c>LATERAL TABLE(f(args))</c>: the <c>Eval</c> overload
/// chosen for the arguments' types, the SQL types its arguments are cast to, and the output columns inferred from
/// <c>T</c> (one column <c>f0</c> for a type of one SQL type, as Flink names it; one per public readable property of a
/// class or record, in declaration order). The runtime delegates are compiled once, on first use.
/// </summary>
internal sealed class UserDefinedTableCall
{
    private readonly Lazy<TableFunctionRunner> _runner;

    private UserDefinedTableCall(string name, UserDefinedFunction function, UserDefinedMethod eval, Type rowType, ImmutableArray<SqlField> fields,
        ImmutableArray<PropertyInfo> properties)
    {
        Name = name;
        Function = function;
        Eval = eval;
        Fields = fields;
        ParameterTypes = [.. eval.ParameterTypes];
        _runner = new Lazy<TableFunctionRunner>(() => (TableFunctionRunner)Activator.CreateInstance(
            typeof(TableFunctionRunner<>).MakeGenericType(rowType), this, properties)!);
    }

    /// <summary>The function's name, as registered.</summary>
    public string Name { get; }

    /// <summary>The function instance.</summary>
    public UserDefinedFunction Function { get; }

    /// <summary>The <c>Eval</c> overload.</summary>
    public UserDefinedMethod Eval { get; }

    /// <summary>The SQL type each argument must have (the binder casts the arguments to them).</summary>
    public ImmutableArray<SqlType> ParameterTypes { get; }

    /// <summary>The output columns of one collected row, all nullable (a NULL reference is a row of NULLs).</summary>
    public ImmutableArray<SqlField> Fields { get; }

    /// <summary>Runs <c>Eval</c> on a row of arguments and writes the collected rows (compiled on first use).</summary>
    public TableFunctionRunner Runner => _runner.Value;

    /// <summary>Resolves the function's <c>Eval</c> for arguments of <paramref name="argumentTypes"/> and its output columns.</summary>
    /// <exception cref="SqlFunctionException">No overload takes the arguments, or the row type has no SQL columns.</exception>
    public static UserDefinedTableCall Resolve(string name, UserDefinedFunction function, IReadOnlyList<SqlType> argumentTypes)
    {
        var type = function.GetType();
        var closed = UserDefinedFunctions.TableBase(type) ?? throw new SqlFunctionException($"Function '{name}' is not a table function.");
        var rowType = closed.GetGenericArguments()[0];
        var eval = UserDefinedSignatures.Match(type, "Eval", 0, argumentTypes)
            ?? throw UserDefinedSignatures.NoMatch(name, type, "Eval", 0, argumentTypes);
        if (UserDefinedFunctions.SqlTypeOf(rowType) is { } atomic)
            return new UserDefinedTableCall(name, function, eval, rowType, [new SqlField("f0", atomic.WithNullability(true))], []);
        var properties = rowType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)
            .ToImmutableArray();
        if (properties.IsEmpty)
            throw UserDefinedFunctions.Unmapped(rowType, $"the rows of {type.FullName}");
        var fields = ImmutableArray.CreateBuilder<SqlField>(properties.Length);
        foreach (var property in properties)
        {
            var sql = UserDefinedFunctions.SqlTypeOf(property.PropertyType)
                ?? throw UserDefinedFunctions.Unmapped(property.PropertyType, $"property {rowType.Name}.{property.Name}");
            fields.Add(new SqlField(property.Name, sql.WithNullability(true)));
        }
        return new UserDefinedTableCall(name, function, eval, rowType, fields.MoveToImmutable(), properties);
    }
}

/// <summary>Runs a table function's <c>Eval</c> on one row of arguments and gives the output rows.</summary>
internal abstract class TableFunctionRunner
{
    /// <summary>
    /// Calls <c>Eval</c> with <paramref name="arguments"/>' columns and adds to <paramref name="output"/> one row per
    /// collected row: <paramref name="input"/>'s columns (copied by <paramref name="copyInput"/>) then the collected row's.
    /// A NULL argument for a non-nullable value-type parameter collects nothing.
    /// </summary>
    public abstract void Run(Row arguments, Row input, int inputWidth, Action<Row, Row> copyInput, List<Row> output);
}

/// <summary>The runner for rows of <typeparamref name="T"/>: compiled once, no boxing of the collected rows.</summary>
internal sealed class TableFunctionRunner<T> : TableFunctionRunner
{
    private readonly Action<Row> _eval;
    private readonly Action<T, Row, int> _write;
    private readonly int _width;

    public TableFunctionRunner(UserDefinedTableCall call, ImmutableArray<PropertyInfo> properties)
    {
        _eval = CompileEval(call);
        _write = CompileWrite(call, properties);
        _width = call.Fields.Length;
    }

    public override void Run(Row arguments, Row input, int inputWidth, Action<Row, Row> copyInput, List<Row> output)
    {
        var collected = TableFunction<T>.Collected;
        collected.Clear();
        _eval(arguments);
        foreach (var value in collected)
        {
            var row = new Row(inputWidth + _width);
            copyInput(input, row);
            _write(value, row, inputWidth);
            output.Add(row);
        }
        collected.Clear();
    }

    /// <summary>(arguments) => { if (strict and a NULL argument) return; function.Eval(args...); }</summary>
    private static Action<Row> CompileEval(UserDefinedTableCall call)
    {
        var row = Expression.Parameter(typeof(Row), "arguments");
        var method = call.Eval.Method;
        var parameters = method.GetParameters();
        var arguments = new List<Expression>();
        Expression anyNull = Expression.Constant(false);
        for (var i = 0; i < parameters.Length; i++)
        {
            var column = Expression.Constant(i);
            var isNull = Expression.Call(row, RowAccessors.IsNull, column);
            var value = Convert(Expression.Call(row, RowAccessors.Getter(call.ParameterTypes[i]), column), parameters[i].ParameterType);
            if (call.Eval.Strict)
            {
                anyNull = Expression.OrElse(anyNull, isNull);
                arguments.Add(value);
            }
            else
            {
                arguments.Add(Expression.Condition(isNull, Expression.Default(parameters[i].ParameterType), value));
            }
        }
        Expression body = Expression.Call(Expression.Constant(call.Function, call.Function.GetType()), method, arguments);
        if (call.Eval.Strict)
            body = Expression.IfThen(Expression.Not(anyNull), body);
        return Expression.Lambda<Action<Row>>(body, row).Compile();
    }

    /// <summary>(value, output, offset) => the value's column(s) written from <c>offset</c>; NULL values and properties as NULL.</summary>
    private static Action<T, Row, int> CompileWrite(UserDefinedTableCall call, ImmutableArray<PropertyInfo> properties)
    {
        var value = Expression.Parameter(typeof(T), "value");
        var output = Expression.Parameter(typeof(Row), "output");
        var offset = Expression.Parameter(typeof(int), "offset");
        var statements = new List<Expression>();
        if (properties.IsEmpty)
        {
            statements.Add(WriteColumn(value, call.Fields[0].Type, output, offset));
        }
        else
        {
            for (var i = 0; i < properties.Length; i++)
            {
                var column = Expression.Add(offset, Expression.Constant(i));
                statements.Add(WriteColumn(Expression.Property(value, properties[i]), call.Fields[i].Type, output, column));
            }
        }
        Expression body = Expression.Block(statements);
        if (!typeof(T).IsValueType)
            body = Expression.IfThen(Expression.NotEqual(value, Expression.Constant(null, typeof(T))), body);
        return Expression.Lambda<Action<T, Row, int>>(body, value, output, offset).Compile();
    }

    private static Expression WriteColumn(Expression value, SqlType type, Expression output, Expression column)
    {
        var set = Expression.Call(output, RowAccessors.Setter(type), column, Convert(value, type.ClrType));
        if (value.Type.IsValueType && Nullable.GetUnderlyingType(value.Type) is null)
            return set;
        return Expression.IfThenElse(Expression.Equal(value, Expression.Constant(null, value.Type)),
            Expression.Call(output, RowAccessors.SetNull, column), set);
    }

    private static Expression Convert(Expression value, Type type) => value.Type == type ? value : Expression.Convert(value, type);
}
