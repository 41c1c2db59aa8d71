using System.Collections.Frozen;
using System.Reflection;
using System.Text;
using Eddy.Sql.Types;

namespace Eddy.Sql.Functions;

/// <summary>
/// The registry of Flink's built-in scalar functions and operators: a planner asks it for a name and the argument
/// types (and the values of literal arguments, which some result types depend on: ROUND's digits, RAND's seed) and gets
/// the <see cref="ResolvedFunction"/> to compile, or Flink's error.
/// </summary>
/// <remarks>
/// Names are case-insensitive. Operators are registered by their symbol (<c>+</c>, <c>-</c>, <c>*</c>, <c>/</c>,
/// <c>%</c>, <c>||</c>, <c>=</c>, <c>&lt;&gt;</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>AND</c>,
/// <c>OR</c>, <c>NOT</c>, <c>IS DISTINCT FROM</c>, <c>LIKE</c>, <c>SIMILAR TO</c>; unary minus is <c>-</c> with one
/// argument). Keyword arguments arrive as STRING literals: the unit of EXTRACT, FLOOR/CEIL(t TO unit), TIMESTAMPADD and
/// TIMESTAMPDIFF (<c>'DAY'</c>), the mode of TRIM (<c>'BOTH'</c>, <c>'LEADING'</c>, <c>'TRAILING'</c>). CASE, IS NULL
/// and the short-circuit of AND/OR are the planner's; <c>AND</c>/<c>OR</c> here give their three-valued results.
/// JSON_VALUE with RETURNING or ON EMPTY/ON ERROR resolves through <see cref="ResolveJsonValue"/>.
/// </remarks>
public static class BuiltInFunctions
{
    private sealed record Definition(string Name, string Forms, bool Deterministic, Func<Call, Binding?> Bind);

    private sealed record Binding(
        MethodInfo Method, SqlType[] Parameters, SqlType Return, bool Strict = true, bool MayReturnNull = false,
        object?[]? Constants = null, int VariadicStart = -1, bool? Deterministic = null);

    private readonly record struct Call(string Name, SqlType[] Types, object?[] Literals)
    {
        public int Count => Types.Length;
        public SqlType this[int i] => Types[i];
        public object? Literal(int i) => i < Literals.Length ? Literals[i] : null;
    }

    private static readonly FrozenDictionary<string, Definition> Definitions = Build();

    /// <summary>Every registered name, upper case (for "did you mean" suggestions and the documentation test).</summary>
    public static IReadOnlyCollection<string> Names => Definitions.Keys;

    /// <summary>Whether <paramref name="name"/> is a built-in function or operator.</summary>
    public static bool Contains(string name) => Definitions.ContainsKey((name ?? throw new ArgumentNullException(nameof(name))).ToUpperInvariant());

    /// <summary>
    /// Resolves <paramref name="name"/> applied to arguments of <paramref name="argumentTypes"/>.
    /// <paramref name="literals"/>, when given, holds the value of each literal argument (NULL for a non-literal).
    /// </summary>
    /// <exception cref="SqlFunctionException">The function is unknown (<c>No match found for function signature
    /// f(&lt;NUMERIC&gt;)</c>), or no form of it takes these arguments (<c>Cannot apply 'f' to arguments of type …</c>).</exception>
    public static ResolvedFunction Resolve(string name, IReadOnlyList<SqlType> argumentTypes, IReadOnlyList<object?>? literals = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(argumentTypes);
        var key = name.ToUpperInvariant();
        var types = argumentTypes.ToArray();
        if (!Definitions.TryGetValue(key, out var definition))
            throw new SqlFunctionException($"No match found for function signature {name}({string.Join(", ", types.Select(t => "<" + Family(t) + ">"))})");
        var call = new Call(key, types, literals?.ToArray() ?? []);
        var binding = definition.Bind(call)
            ?? throw new SqlFunctionException(
                $"Cannot apply '{definition.Name}' to arguments of type '{definition.Name}({string.Join(", ", types.Select(t => "<" + t.ToNullableString() + ">"))})'. Supported form(s): {definition.Forms}");
        return Finish(definition, binding, types);
    }

    /// <summary>
    /// JSON_VALUE(json, path RETURNING type ON EMPTY … ON ERROR …): the result type is the RETURNING type, nullable;
    /// the options are the call's constant.
    /// </summary>
    public static ResolvedFunction ResolveJsonValue(IReadOnlyList<SqlType> argumentTypes, JsonValueOptions options)
    {
        ArgumentNullException.ThrowIfNull(argumentTypes);
        ArgumentNullException.ThrowIfNull(options);
        if (argumentTypes.Count != 2 || !IsString(argumentTypes[0]) || !IsString(argumentTypes[1]))
            throw new SqlFunctionException($"Cannot apply 'JSON_VALUE' to arguments of type 'JSON_VALUE({string.Join(", ", argumentTypes.Select(t => "<" + t.ToNullableString() + ">"))})'. Supported form(s): 'JSON_VALUE(<STRING>, <STRING>)'");
        var method = Find(typeof(JsonFunctions), nameof(JsonFunctions.JsonValue), typeof(FunctionContext), typeof(string), typeof(string), typeof(JsonValueOptions));
        return new ResolvedFunction("JSON_VALUE", method, [SqlType.String, SqlType.String], options.Returning.WithNullability(true),
            isStrict: false, isDeterministic: true, needsContext: true, variadicStart: -1, constants: [options]);
    }

    private static ResolvedFunction Finish(Definition definition, Binding binding, SqlType[] types)
    {
        var anyNullable = types.Any(t => t.IsNullable);
        var returnType = binding.Strict ? binding.Return.WithNullability(binding.Return.IsNullable && anyNullable || binding.MayReturnNull || types.Any(t => t.Kind == SqlTypeKind.Null)) : binding.Return;
        var needsContext = binding.Method.GetParameters() is { Length: > 0 } ps && ps[0].ParameterType == typeof(FunctionContext);
        return new ResolvedFunction(definition.Name, binding.Method, binding.Parameters, returnType, binding.Strict,
            binding.Deterministic ?? definition.Deterministic, needsContext, binding.VariadicStart, binding.Constants ?? []);
    }

    /// <summary>Calcite's type family of a type, as its "No match found" message prints it.</summary>
    private static string Family(SqlType type) => type.Kind switch
    {
        >= SqlTypeKind.TinyInt and <= SqlTypeKind.Decimal => "NUMERIC",
        SqlTypeKind.Char or SqlTypeKind.VarChar => "CHARACTER",
        SqlTypeKind.Binary or SqlTypeKind.VarBinary => "BINARY",
        SqlTypeKind.Boolean => "BOOLEAN",
        SqlTypeKind.Date => "DATE",
        SqlTypeKind.Time => "TIME",
        SqlTypeKind.Timestamp => "TIMESTAMP",
        SqlTypeKind.TimestampLtz => "TIMESTAMP_WITH_LOCAL_TIME_ZONE",
        SqlTypeKind.IntervalYearMonth => "INTERVAL_YEAR_MONTH",
        SqlTypeKind.IntervalDayTime => "INTERVAL_DAY_TIME",
        SqlTypeKind.Array => "ARRAY",
        SqlTypeKind.Map => "MAP",
        SqlTypeKind.Multiset => "MULTISET",
        SqlTypeKind.Row => "ROW",
        _ => "NULL",
    };

    // ---- argument families (NULL literals fit every family)

    private static bool IsNull(SqlType t) => t.Kind == SqlTypeKind.Null;
    private static bool IsString(SqlType t) => t.IsCharacterString || IsNull(t);
    private static bool IsBytes(SqlType t) => t.IsBinaryString || IsNull(t);
    private static bool IsNumeric(SqlType t) => t.IsNumeric || IsNull(t);
    private static bool IsInteger(SqlType t) => t.IsInteger || IsNull(t);
    private static bool IsSmallInteger(SqlType t) => t.Kind is SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int || IsNull(t);
    private static bool IsBoolean(SqlType t) => t.Kind == SqlTypeKind.Boolean || IsNull(t);

    private static readonly SqlType Str = SqlType.String;
    private static readonly SqlType Int = SqlType.Int;
    private static readonly SqlType BigInt = SqlType.BigInt;
    private static readonly SqlType Dbl = SqlType.Double;
    private static readonly SqlType Bool = SqlType.Boolean;

    private static MethodInfo Find(Type type, string name, params Type[] parameters) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, parameters)
        ?? throw new InvalidOperationException($"{type.Name}.{name}({string.Join(", ", parameters.Select(p => p.Name))}) does not exist.");

    private static Type Clr(SqlType t) => t.Kind == SqlTypeKind.Null ? typeof(object) : t.ClrType;

    private static Type NullableClr(SqlType t)
    {
        var clr = Clr(t);
        return clr.IsValueType ? typeof(Nullable<>).MakeGenericType(clr) : clr;
    }

    /// <summary>A strict binding of a method whose CLR parameters are the parameter types' CLR types (+ context first, constants last).</summary>
    private static Binding Strict(Type type, string method, SqlType[] parameters, SqlType result, bool mayReturnNull = false,
        object?[]? constants = null, bool context = false, Type[]? constantTypes = null)
    {
        var clr = new List<Type>();
        if (context)
            clr.Add(typeof(FunctionContext));
        clr.AddRange(parameters.Select(Clr));
        if (constants is not null)
            clr.AddRange(constantTypes ?? constants.Select(c => c!.GetType()));
        return new Binding(Find(type, method, [.. clr]), parameters, result, Strict: true, MayReturnNull: mayReturnNull, Constants: constants);
    }

    /// <summary>A binding that takes NULLs: the CLR parameters are the nullable CLR types.</summary>
    private static Binding Lenient(Type type, string method, SqlType[] parameters, SqlType result, bool context = false)
    {
        var clr = new List<Type>();
        if (context)
            clr.Add(typeof(FunctionContext));
        clr.AddRange(parameters.Select(NullableClr));
        return new Binding(Find(type, method, [.. clr]), parameters, result, Strict: false);
    }

    private static SqlType[] Repeat(SqlType type, int count) => Enumerable.Repeat(type, count).ToArray();

    private static FrozenDictionary<string, Definition> Build()
    {
        var all = new Dictionary<string, Definition>(StringComparer.Ordinal);
        void Add(string name, string forms, Func<Call, Binding?> bind, bool deterministic = true) =>
            all[name] = new Definition(name, forms, deterministic, bind);
        void Alias(string alias, string name) => all[alias] = all[name] with { Name = alias };

        // Unary "string -> string" and friends, the most common shape.
        void StringToString(string name, string method) =>
            Add(name, $"'{name}(<STRING>)'", c => c.Count == 1 && IsString(c[0]) ? Strict(typeof(StringFunctions), method, [Str], Str) : null);
        void DoubleToDouble(string name, string method) =>
            Add(name, $"'{name}(<NUMERIC>)'", c => c.Count == 1 && IsNumeric(c[0]) ? Strict(typeof(ArithmeticFunctions), method, [Dbl], Dbl) : null);

        // ---- arithmetic
        foreach (var (symbol, op, method) in new[]
        {
            ("+", ArithmeticOperator.Plus, "Plus"), ("-", ArithmeticOperator.Minus, "Minus"), ("*", ArithmeticOperator.Multiply, "Multiply"),
            ("/", ArithmeticOperator.Divide, "Divide"), ("%", ArithmeticOperator.Modulo, "Modulo"),
        })
        {
            Add(symbol, $"'<NUMERIC> {symbol} <NUMERIC>', '<DATETIME> {symbol} <INTERVAL>', '<INTERVAL> {symbol} <INTERVAL>'", c => BindArithmetic(c, op, method));
        }
        Alias("MOD", "%");
        Alias("PLUS", "+");
        Alias("MINUS", "-");
        Alias("TIMES", "*");
        Alias("DIVIDE", "/");

        Add("ABS", "'ABS(<NUMERIC>)'", c => c.Count == 1 && c[0].IsNumeric ? Strict(typeof(ArithmeticFunctions), "Abs", [Plain(c[0])], Plain(c[0])) : null);
        Add("SIGN", "'SIGN(<NUMERIC>)'", c => c.Count == 1 && c[0].IsNumeric ? Strict(typeof(ArithmeticFunctions), "Sign", [Plain(c[0])], Plain(c[0])) : null);
        Add("POWER", "'POWER(<NUMERIC>, <NUMERIC>)'", c => c.Count == 2 && IsNumeric(c[0]) && IsNumeric(c[1]) ? Strict(typeof(ArithmeticFunctions), "Power", [Dbl, Dbl], Dbl) : null);
        Alias("POW", "POWER");
        DoubleToDouble("SQRT", "Sqrt");
        DoubleToDouble("LN", "Ln");
        DoubleToDouble("LOG10", "Log10");
        DoubleToDouble("LOG2", "Log2");
        DoubleToDouble("EXP", "Exp");
        Add("LOG", "'LOG(<NUMERIC>)', 'LOG(<NUMERIC>, <NUMERIC>)'", c =>
            c.Count == 1 && IsNumeric(c[0]) ? Strict(typeof(ArithmeticFunctions), "Ln", [Dbl], Dbl)
            : c.Count == 2 && IsNumeric(c[0]) && IsNumeric(c[1]) ? Strict(typeof(ArithmeticFunctions), "Log", [Dbl, Dbl], Dbl)
            : null);
        foreach (var (name, method) in new[]
        {
            ("SIN", "Sin"), ("COS", "Cos"), ("TAN", "Tan"), ("COT", "Cot"), ("ASIN", "Asin"), ("ACOS", "Acos"), ("ATAN", "Atan"),
            ("SINH", "Sinh"), ("COSH", "Cosh"), ("TANH", "Tanh"), ("DEGREES", "Degrees"), ("RADIANS", "Radians"),
        })
        {
            DoubleToDouble(name, method);
        }
        Add("ATAN2", "'ATAN2(<NUMERIC>, <NUMERIC>)'", c => c.Count == 2 && IsNumeric(c[0]) && IsNumeric(c[1]) ? Strict(typeof(ArithmeticFunctions), "Atan2", [Dbl, Dbl], Dbl) : null);
        Add("PI", "'PI()'", c => c.Count == 0 ? Strict(typeof(ArithmeticFunctions), "Pi", [], Dbl.NotNull()) : null);
        Add("E", "'E()'", c => c.Count == 0 ? Strict(typeof(ArithmeticFunctions), "E", [], Dbl.NotNull()) : null);
        Add("CEIL", "'CEIL(<NUMERIC>)', 'CEIL(<DATETIME> TO <UNIT>)'", c => BindFloorCeil(c, "Ceil"));
        Alias("CEILING", "CEIL");
        Add("FLOOR", "'FLOOR(<NUMERIC>)', 'FLOOR(<DATETIME> TO <UNIT>)'", c => BindFloorCeil(c, "Floor"));
        Add("ROUND", "'ROUND(<NUMERIC>)', 'ROUND(<NUMERIC>, <INTEGER>)'", c => BindRound(c, "Round"));
        Add("TRUNCATE", "'TRUNCATE(<NUMERIC>)', 'TRUNCATE(<NUMERIC>, <INTEGER>)'", c => BindRound(c, "Truncate"));
        Add("RAND", "'RAND()', 'RAND(<INTEGER>)'", c =>
            c.Count == 0 ? Strict(typeof(ArithmeticFunctions), "Rand", [], Dbl.NotNull(), context: true)
            : c.Count == 1 && IsInteger(c[0]) ? Seeded(c, "Rand", [], Dbl.NotNull())
            : null, deterministic: false);
        Add("RAND_INTEGER", "'RAND_INTEGER(<INTEGER>)', 'RAND_INTEGER(<INTEGER>, <INTEGER>)'", c =>
            c.Count == 1 && IsSmallInteger(c[0]) ? Strict(typeof(ArithmeticFunctions), "RandInteger", [Int], Int, context: true)
            : c.Count == 2 && IsInteger(c[0]) && IsSmallInteger(c[1]) ? Seeded(c, "RandInteger", [Int], Int)
            : null, deterministic: false);
        Add("BIN", "'BIN(<INTEGER>)'", c => c.Count == 1 && IsInteger(c[0]) ? Strict(typeof(ArithmeticFunctions), "Bin", [BigInt], Str) : null);
        Add("HEX", "'HEX(<INTEGER>)', 'HEX(<STRING>)'", c =>
            c.Count == 1 && IsInteger(c[0]) ? Strict(typeof(ArithmeticFunctions), "Hex", [BigInt], Str)
            : c.Count == 1 && IsString(c[0]) ? Strict(typeof(ArithmeticFunctions), "Hex", [Str], Str)
            : null);

        // ---- comparison and logic
        foreach (var (symbol, method) in new[] { ("=", "Equal"), ("<>", "NotEqual"), ("<", "LessThan"), ("<=", "LessThanOrEqual"), (">", "GreaterThan"), (">=", "GreaterThanOrEqual") })
        {
            Add(symbol, $"'<COMPARABLE_TYPE> {symbol} <COMPARABLE_TYPE>'", c => BindComparison(c, method, ordered: symbol is not ("=" or "<>")));
        }
        Alias("!=", "<>");
        Add("IS DISTINCT FROM", "'<ANY> IS DISTINCT FROM <ANY>'", c =>
        {
            if (c.Count != 2 || SqlTypeRules.ComparisonType(c[0], c[1]) is not { } t)
                return null;
            return new Binding(GenericOf(nameof(ConditionalFunctions.IsDistinctFrom), NullableClr(t)), [t, t], Bool.NotNull(), Strict: false);
        });
        Add("AND", "'<BOOLEAN> AND <BOOLEAN>'", c => c.Count == 2 && IsBoolean(c[0]) && IsBoolean(c[1])
            ? Lenient(typeof(ConditionalFunctions), "And", [Bool, Bool], Bool.WithNullability(c[0].IsNullable || c[1].IsNullable)) : null);
        Add("OR", "'<BOOLEAN> OR <BOOLEAN>'", c => c.Count == 2 && IsBoolean(c[0]) && IsBoolean(c[1])
            ? Lenient(typeof(ConditionalFunctions), "Or", [Bool, Bool], Bool.WithNullability(c[0].IsNullable || c[1].IsNullable)) : null);
        Add("NOT", "'NOT <BOOLEAN>'", c => c.Count == 1 && IsBoolean(c[0])
            ? Lenient(typeof(ConditionalFunctions), "Not", [Bool], Bool.WithNullability(c[0].IsNullable)) : null);

        // ---- conditional
        Add("COALESCE", "'COALESCE(<ANY>, ...)'", c =>
        {
            if (c.Count == 0 || SqlTypeRules.LeastRestrictive(c.Types) is not { } t)
                return null;
            var result = t.WithNullability(c.Types.All(x => x.IsNullable));
            return new Binding(GenericOf(nameof(ConditionalFunctions.Coalesce), NullableClr(t)), Repeat(t, c.Count), result, Strict: false, VariadicStart: 0);
        });
        Add("IFNULL", "'IFNULL(<ANY>, <ANY>)'", c =>
        {
            if (c.Count != 2 || SqlTypeRules.LeastRestrictive(c.Types) is not { } t)
                return null;
            return new Binding(GenericOf(nameof(ConditionalFunctions.IfNull), NullableClr(t)), [t, t], t.WithNullability(c[0].IsNullable && c[1].IsNullable), Strict: false);
        });
        Add("IF", "'IF(<BOOLEAN>, <ANY>, <ANY>)'", c =>
        {
            if (c.Count != 3 || !IsBoolean(c[0]) || SqlTypeRules.LeastRestrictive([c[1], c[2]]) is not { } t)
                return null;
            return new Binding(GenericOf(nameof(ConditionalFunctions.If), NullableClr(t)), [Bool, t, t], t, Strict: false);
        });
        Add("NULLIF", "'NULLIF(<ANY>, <ANY>)'", c =>
        {
            if (c.Count != 2 || SqlTypeRules.ComparisonType(c[0], c[1]) is null || SqlTypeRules.LeastRestrictive(c.Types) is not { } t)
                return null;
            return new Binding(GenericOf(nameof(ConditionalFunctions.NullIf), NullableClr(t)), [t, t], t.WithNullability(true), Strict: false);
        });
        foreach (var (name, method) in new[] { ("GREATEST", "Greatest"), ("LEAST", "Least") })
        {
            Add(name, $"'{name}(<COMPARABLE_TYPE>, ...)'", c =>
            {
                if (c.Count == 0 || SqlTypeRules.LeastRestrictive(c.Types) is not { } t || !SqlTypeRules.IsOrderable(t) || t.Kind == SqlTypeKind.Null)
                    return null;
                return new Binding(GenericOf(method, Clr(t)), Repeat(t, c.Count), t, Strict: true, VariadicStart: 0);
            });
        }
        foreach (var (name, method) in new[] { ("IS_ALPHA", "IsAlpha"), ("IS_DECIMAL", "IsDecimal"), ("IS_DIGIT", "IsDigit") })
        {
            Add(name, $"'{name}(<STRING>)'", c => c.Count == 1 && IsString(c[0]) ? Lenient(typeof(ConditionalFunctions), method, [Str], Bool.NotNull()) : null);
        }

        // ---- strings
        Add("||", "'<STRING> || <STRING>'", c => c.Count == 2 && IsString(c[0]) && IsString(c[1]) ? Strict(typeof(StringFunctions), "Concat", [Str, Str], Str) : null);
        Add("CONCAT", "'CONCAT(<STRING>, ...)'", c => c.Count >= 1 && c.Types.All(IsString)
            ? new Binding(Find(typeof(StringFunctions), "Concat", typeof(string[])), Repeat(Str, c.Count), Str, VariadicStart: 0)
            : null);
        Add("CONCAT_WS", "'CONCAT_WS(<STRING>, <STRING>, ...)'", c => c.Count >= 1 && c.Types.All(IsString)
            ? new Binding(Find(typeof(StringFunctions), "ConcatWs", typeof(string), typeof(string[])), Repeat(Str, c.Count), Str.WithNullability(c[0].IsNullable), Strict: false, VariadicStart: 1)
            : null);
        Add("CHAR_LENGTH", "'CHAR_LENGTH(<STRING>)'", c => c.Count == 1 && IsString(c[0]) ? Strict(typeof(StringFunctions), "CharLength", [Str], Int) : null);
        Alias("CHARACTER_LENGTH", "CHAR_LENGTH");
        StringToString("UPPER", "Upper");
        Alias("UCASE", "UPPER");
        StringToString("LOWER", "Lower");
        Alias("LCASE", "LOWER");
        StringToString("INITCAP", "InitCap");
        StringToString("REVERSE", "Reverse");
        Add("POSITION", "'POSITION(<STRING> IN <STRING>)'", c => c.Count == 2 && IsString(c[0]) && IsString(c[1]) ? Strict(typeof(StringFunctions), "Position", [Str, Str], Int) : null);
        Add("LOCATE", "'LOCATE(<STRING>, <STRING>)', 'LOCATE(<STRING>, <STRING>, <INTEGER>)'", c =>
            c.Count == 2 && IsString(c[0]) && IsString(c[1]) ? Strict(typeof(StringFunctions), "Locate", [Str, Str], Int)
            : c.Count == 3 && IsString(c[0]) && IsString(c[1]) && IsSmallInteger(c[2]) ? Strict(typeof(StringFunctions), "Locate", [Str, Str, Int], Int)
            : null);
        Add("INSTR", "'INSTR(<STRING>, <STRING>)'", c => c.Count == 2 && IsString(c[0]) && IsString(c[1]) ? Strict(typeof(StringFunctions), "Instr", [Str, Str], Int) : null);
        Add("TRIM", "'TRIM(<STRING>)', 'TRIM(<BOTH|LEADING|TRAILING>, <STRING>, <STRING>)'", c =>
            c.Count == 1 && IsString(c[0]) ? Strict(typeof(StringFunctions), "Trim", [Str], Str)
            : c.Count == 3 && c.Types.All(IsString) ? Strict(typeof(StringFunctions), "Trim", [Str, Str, Str], Str)
            : null);
        foreach (var (name, method) in new[] { ("LTRIM", "LTrim"), ("RTRIM", "RTrim"), ("BTRIM", "BTrim") })
        {
            Add(name, $"'{name}(<STRING>)', '{name}(<STRING>, <STRING>)'", c =>
                c.Count == 1 && IsString(c[0]) ? Strict(typeof(StringFunctions), method, [Str], Str)
                : c.Count == 2 && IsString(c[0]) && IsString(c[1]) ? Strict(typeof(StringFunctions), method, [Str, Str], Str)
                : null);
        }
        foreach (var (name, method) in new[] { ("LPAD", "LPad"), ("RPAD", "RPad") })
        {
            Add(name, $"'{name}(<STRING>, <INTEGER>, <STRING>)'", c => c.Count == 3 && IsString(c[0]) && IsSmallInteger(c[1]) && IsString(c[2])
                ? Strict(typeof(StringFunctions), method, [Str, Int, Str], Str, mayReturnNull: true) : null);
        }
        Add("REPEAT", "'REPEAT(<STRING>, <INTEGER>)'", c => c.Count == 2 && IsString(c[0]) && IsSmallInteger(c[1]) ? Strict(typeof(StringFunctions), "Repeat", [Str, Int], Str) : null);
        Add("REPLACE", "'REPLACE(<STRING>, <STRING>, <STRING>)'", c => c.Count == 3 && c.Types.All(IsString) ? Strict(typeof(StringFunctions), "Replace", [Str, Str, Str], Str) : null);
        Add("SUBSTRING", "'SUBSTRING(<STRING> FROM <INTEGER>)', 'SUBSTRING(<STRING> FROM <INTEGER> FOR <INTEGER>)'", c =>
            c.Count == 2 && IsString(c[0]) && IsSmallInteger(c[1]) ? Strict(typeof(StringFunctions), "Substring", [Str, Int], Str)
            : c.Count == 3 && IsString(c[0]) && IsSmallInteger(c[1]) && IsSmallInteger(c[2]) ? Strict(typeof(StringFunctions), "Substring", [Str, Int, Int], Str, mayReturnNull: true)
            : null);
        Alias("SUBSTR", "SUBSTRING");
        Add("OVERLAY", "'OVERLAY(<STRING> PLACING <STRING> FROM <INTEGER>)', 'OVERLAY(<STRING> PLACING <STRING> FROM <INTEGER> FOR <INTEGER>)'", c =>
            c.Count == 3 && IsString(c[0]) && IsString(c[1]) && IsSmallInteger(c[2]) ? Strict(typeof(StringFunctions), "Overlay", [Str, Str, Int], Str)
            : c.Count == 4 && IsString(c[0]) && IsString(c[1]) && IsSmallInteger(c[2]) && IsSmallInteger(c[3]) ? Strict(typeof(StringFunctions), "Overlay", [Str, Str, Int, Int], Str)
            : null);
        Add("LEFT", "'LEFT(<STRING>, <INTEGER>)'", c => c.Count == 2 && IsString(c[0]) && IsSmallInteger(c[1]) ? Strict(typeof(StringFunctions), "Left", [Str, Int], Str) : null);
        Add("RIGHT", "'RIGHT(<STRING>, <INTEGER>)'", c => c.Count == 2 && IsString(c[0]) && IsSmallInteger(c[1]) ? Strict(typeof(StringFunctions), "Right", [Str, Int], Str) : null);
        Add("ASCII", "'ASCII(<STRING>)'", c => c.Count == 1 && IsString(c[0]) ? Strict(typeof(StringFunctions), "Ascii", [Str], Int) : null);
        Add("CHR", "'CHR(<INTEGER>)'", c => c.Count == 1 && IsInteger(c[0]) ? Strict(typeof(StringFunctions), "Chr", [BigInt], Str) : null);
        Add("SPLIT_INDEX", "'SPLIT_INDEX(<STRING>, <STRING>, <INTEGER>)'", c => c.Count == 3 && IsString(c[0]) && IsString(c[1]) && IsSmallInteger(c[2])
            ? Strict(typeof(StringFunctions), "SplitIndex", [Str, Str, Int], Str, mayReturnNull: true) : null);
        Add("STR_TO_MAP", "'STR_TO_MAP(<STRING>)', 'STR_TO_MAP(<STRING>, <STRING>, <STRING>)'", c =>
            c.Count == 1 && IsString(c[0]) ? Strict(typeof(StringFunctions), "StrToMap", [Str], SqlType.Map(Str, Str))
            : c.Count == 3 && c.Types.All(IsString) ? Strict(typeof(StringFunctions), "StrToMap", [Str, Str, Str], SqlType.Map(Str, Str))
            : null);
        Add("REGEXP", "'REGEXP(<STRING>, <STRING>)'", c => c.Count == 2 && c.Types.All(IsString) ? Strict(typeof(StringFunctions), "Regexp", [Str, Str], Bool, mayReturnNull: true) : null);
        Add("REGEXP_REPLACE", "'REGEXP_REPLACE(<STRING>, <STRING>, <STRING>)'", c => c.Count == 3 && c.Types.All(IsString)
            ? Strict(typeof(StringFunctions), "RegexpReplace", [Str, Str, Str], Str, mayReturnNull: true) : null);
        Add("REGEXP_EXTRACT", "'REGEXP_EXTRACT(<STRING>, <STRING>)', 'REGEXP_EXTRACT(<STRING>, <STRING>, <INTEGER>)'", c =>
            c.Count == 2 && c.Types.All(IsString) ? Strict(typeof(StringFunctions), "RegexpExtract", [Str, Str], Str, mayReturnNull: true)
            : c.Count == 3 && IsString(c[0]) && IsString(c[1]) && IsSmallInteger(c[2]) ? Strict(typeof(StringFunctions), "RegexpExtract", [Str, Str, Int], Str, mayReturnNull: true)
            : null);
        Add("TO_BASE64", "'TO_BASE64(<STRING>)', 'TO_BASE64(<BINARY>)'", c =>
            c.Count == 1 && IsString(c[0]) ? Strict(typeof(StringFunctions), "ToBase64", [Str], Str)
            : c.Count == 1 && IsBytes(c[0]) ? Strict(typeof(StringFunctions), "ToBase64", [SqlType.Bytes], Str)
            : null);
        StringToString("FROM_BASE64", "FromBase64");
        Add("ENCODE", "'ENCODE(<STRING>, <STRING>)'", c => c.Count == 2 && c.Types.All(IsString) ? Strict(typeof(StringFunctions), "Encode", [Str, Str], SqlType.Bytes) : null);
        Add("DECODE", "'DECODE(<BINARY>, <STRING>)'", c => c.Count == 2 && IsBytes(c[0]) && IsString(c[1]) ? Strict(typeof(StringFunctions), "Decode", [SqlType.Bytes, Str], Str) : null);
        Add("PARSE_URL", "'PARSE_URL(<STRING>, <STRING>)', 'PARSE_URL(<STRING>, <STRING>, <STRING>)'", c =>
            c.Count is 2 or 3 && c.Types.All(IsString) ? Strict(typeof(StringFunctions), "ParseUrl", Repeat(Str, c.Count), Str, mayReturnNull: true) : null);
        Add("LIKE", "'<STRING> LIKE <STRING>', '<STRING> LIKE <STRING> ESCAPE <STRING>'", c =>
            c.Count is 2 or 3 && c.Types.All(IsString) ? Strict(typeof(StringFunctions), "Like", Repeat(Str, c.Count), Bool) : null);
        Add("SIMILAR TO", "'<STRING> SIMILAR TO <STRING>', '<STRING> SIMILAR TO <STRING> ESCAPE <STRING>'", c =>
            c.Count is 2 or 3 && c.Types.All(IsString) ? Strict(typeof(StringFunctions), "SimilarTo", Repeat(Str, c.Count), Bool) : null);
        Add("UUID", "'UUID()'", c => c.Count == 0 ? Strict(typeof(StringFunctions), "Uuid", [], Str.NotNull()) : null, deterministic: false);

        // ---- hashing
        foreach (var (name, method) in new[] { ("MD5", "Md5"), ("SHA1", "Sha1"), ("SHA224", "Sha224"), ("SHA256", "Sha256"), ("SHA384", "Sha384"), ("SHA512", "Sha512") })
        {
            Add(name, $"'{name}(<STRING>)', '{name}(<BINARY>)'", c =>
                c.Count == 1 && IsString(c[0]) ? Strict(typeof(HashFunctions), method, [Str], Str)
                : c.Count == 1 && IsBytes(c[0]) ? Strict(typeof(HashFunctions), method, [SqlType.Bytes], Str)
                : null);
        }
        Add("SHA2", "'SHA2(<STRING>, <INTEGER>)'", c =>
            c.Count == 2 && IsString(c[0]) && IsSmallInteger(c[1]) ? Strict(typeof(HashFunctions), "Sha2", [Str, Int], Str, mayReturnNull: true)
            : c.Count == 2 && IsBytes(c[0]) && IsSmallInteger(c[1]) ? Strict(typeof(HashFunctions), "Sha2", [SqlType.Bytes, Int], Str, mayReturnNull: true)
            : null);

        AddTemporal(Add, Alias);
        AddJsonAndCollections(Add);
        return all.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static MethodInfo GenericOf(string name, Type argument) =>
        typeof(ConditionalFunctions).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == name && m.IsGenericMethodDefinition).MakeGenericMethod(argument);

    /// <summary>The type without NOT NULL (parameter types are nullable; the result's nullability is derived).</summary>
    private static SqlType Plain(SqlType t) => t.WithNullability(true);

    private static Binding? Seeded(Call c, string method, SqlType[] rest, SqlType result)
    {
        if (c.Literal(0) is not { } seed)
            throw new SqlFunctionException($"The seed of {c.Name} must be a literal.");
        // One generator per call site, seeded once, as Flink's; the seed argument itself is ignored at run time.
        var random = new JavaRandom(Convert.ToInt64(seed, System.Globalization.CultureInfo.InvariantCulture));
        return new Binding(SeededWrapper(method, rest.Length), [BigInt, .. rest], result, Constants: [random]);
    }

    private static MethodInfo SeededWrapper(string method, int rest) => rest == 0
        ? Find(typeof(SeededCalls), method, typeof(long), typeof(JavaRandom))
        : Find(typeof(SeededCalls), method, typeof(long), typeof(int), typeof(JavaRandom));

    private static Binding? BindArithmetic(Call c, ArithmeticOperator op, string method)
    {
        var type = typeof(ArithmeticFunctions);
        if (c.Count == 1 && op == ArithmeticOperator.Minus)
        {
            var t = c[0];
            if (t.IsNumeric)
                return Strict(type, "Negate", [Plain(t)], Plain(t));
            if (t.IsInterval)
                return Strict(typeof(IntervalNegation), "Negate", [Plain(t)], Plain(t));
            return null;
        }
        if (c.Count != 2)
            return null;
        var (l, r) = (c[0].Kind == SqlTypeKind.Null ? c[1] : c[0], c[1].Kind == SqlTypeKind.Null ? c[0] : c[1]);
        if (l.Kind == SqlTypeKind.Null)
            l = r = SqlType.Int;
        var result = SqlTypeRules.Arithmetic(op, Plain(l), Plain(r));
        if (result is null)
            return null;
        if (l.IsNumeric && r.IsNumeric)
        {
            if (result.Kind == SqlTypeKind.Decimal)
                return Strict(type, method, [SqlTypeRules.AsDecimal(Plain(l)), SqlTypeRules.AsDecimal(Plain(r))], result, mayReturnNull: true, constants: [result]);
            return Strict(type, method, [result, result], result);
        }
        var temporal = typeof(TemporalFunctions);
        var name = op == ArithmeticOperator.Plus ? "Plus" : op == ArithmeticOperator.Minus ? "Minus" : op == ArithmeticOperator.Multiply ? "Multiply" : "Divide";
        if (l.IsInterval && r.IsNumeric && op is ArithmeticOperator.Multiply or ArithmeticOperator.Divide)
            return Strict(temporal, name, [Plain(l), Dbl], Plain(l));
        if (l.IsNumeric && r.IsInterval && op == ArithmeticOperator.Multiply)
            return Strict(typeof(IntervalNegation), "Multiply", [Dbl, Plain(r)], Plain(r));
        if (l.IsInterval && r.IsInterval)
            return Strict(temporal, name, [result, result], result);
        if (l.IsDateTime && r.IsInterval)
        {
            var months = r.Kind == SqlTypeKind.IntervalYearMonth;
            var methodName = months ? name + "Months" : name;
            return Strict(temporal, methodName, [Plain(l), Plain(r)], result, context: l.Kind == SqlTypeKind.TimestampLtz && months);
        }
        if (l.IsInterval && r.IsDateTime && op == ArithmeticOperator.Plus && r.Kind is SqlTypeKind.Timestamp or SqlTypeKind.Date)
            return Strict(temporal, "Plus", [Plain(l), Plain(r)], result);
        return null;
    }

    private static Binding? BindComparison(Call c, string method, bool ordered)
    {
        if (c.Count != 2 || SqlTypeRules.ComparisonType(c[0], c[1]) is not { } t)
            return null;
        if (t.Kind == SqlTypeKind.Null)
            t = SqlType.Boolean;
        if (ordered && !SqlTypeRules.IsOrderable(t))
            return null;
        return new Binding(GenericOf(method, Clr(t)), [t, t], Bool);
    }

    private static Binding? BindFloorCeil(Call c, string method)
    {
        if (c.Count == 1 && c[0].IsNumeric)
        {
            var t = Plain(c[0]);
            return t.Kind switch
            {
                SqlTypeKind.Decimal => Strict(typeof(ArithmeticFunctions), method, [t], RoundType(t, 0), mayReturnNull: true, constants: [RoundType(t, 0)]),
                SqlTypeKind.Float or SqlTypeKind.Double => Strict(typeof(ArithmeticFunctions), method, [t], t),
                _ => Strict(typeof(ArithmeticFunctions), method, [BigInt], t),
            };
        }
        if (c.Count == 2 && c[0].IsDateTime && IsString(c[1]))
        {
            var t = Plain(c[0]);
            return Strict(typeof(TemporalFunctions), method, [t, Str], t, context: t.Kind == SqlTypeKind.TimestampLtz);
        }
        return null;
    }

    /// <summary>Flink's type of ROUND/TRUNCATE(DECIMAL(p, s), r) (LogicalTypeMerging.findRoundDecimalType).</summary>
    internal static SqlType RoundType(SqlType t, int round)
    {
        if (round >= t.Scale)
            return t;
        if (round < 0)
            return SqlType.Decimal(Math.Min(SqlType.MaxDecimalPrecision, 1 + t.Precision - t.Scale), 0);
        return SqlType.Decimal(Math.Min(SqlType.MaxDecimalPrecision, 1 + t.Precision - t.Scale + round), round);
    }

    private static Binding? BindRound(Call c, string method)
    {
        if (c.Count is not (1 or 2) || !c[0].IsNumeric || c.Count == 2 && !IsSmallInteger(c[1]))
            return null;
        var t = Plain(c[0]);
        var digits = c.Count == 2 ? c.Literal(1) is { } lit ? Convert.ToInt32(lit, System.Globalization.CultureInfo.InvariantCulture) : 0 : 0;
        var type = typeof(ArithmeticFunctions);
        var binding = t.Kind switch
        {
            SqlTypeKind.Decimal => Strict(type, method, [t, Int], RoundType(t, digits), mayReturnNull: true, constants: [RoundType(t, digits)]),
            SqlTypeKind.Float or SqlTypeKind.Double => Strict(type, method, [t, Int], t),
            _ => Strict(type, method, [BigInt, Int], t),
        };
        if (c.Count == 1)
        {
            // ROUND(x) is ROUND(x, 0): the digits come as the first constant.
            binding = binding with { Parameters = [binding.Parameters[0]], Constants = [0, .. binding.Constants ?? []] };
        }
        return binding;
    }

    private static void AddTemporal(Action<string, string, Func<Call, Binding?>, bool> add, Action<string, string> alias)
    {
        void Add(string name, string forms, Func<Call, Binding?> bind, bool deterministic = true) => add(name, forms, bind, deterministic);
        var t = typeof(TemporalFunctions);
        var ts3 = SqlType.Timestamp(3);
        var ltz3 = SqlType.TimestampLtz(3);

        Add("DATE_FORMAT", "'DATE_FORMAT(<TIMESTAMP>, <STRING>)', 'DATE_FORMAT(<STRING>, <STRING>)'", c =>
        {
            if (c.Count != 2 || !IsString(c[1]))
                return null;
            return c[0].Kind switch
            {
                SqlTypeKind.Timestamp => Strict(t, "DateFormat", [Plain(c[0]), Str], Str),
                SqlTypeKind.Date => Strict(t, "DateFormat", [SqlType.Timestamp(0), Str], Str),
                SqlTypeKind.TimestampLtz => Strict(t, "DateFormat", [Plain(c[0]), Str], Str, context: true),
                _ when IsString(c[0]) => Strict(t, "DateFormat", [Str, Str], Str, mayReturnNull: true),
                _ => null,
            };
        });
        Add("TO_TIMESTAMP", "'TO_TIMESTAMP(<STRING>)', 'TO_TIMESTAMP(<STRING>, <STRING>)'", c =>
            c.Count is 1 or 2 && c.Types.All(IsString) ? Strict(t, "ToTimestamp", Repeat(Str, c.Count), ts3, mayReturnNull: true) : null);
        Add("TO_DATE", "'TO_DATE(<STRING>)', 'TO_DATE(<STRING>, <STRING>)'", c =>
            c.Count is 1 or 2 && c.Types.All(IsString) ? Strict(t, "ToDate", Repeat(Str, c.Count), SqlType.Date, mayReturnNull: true) : null);
        Add("UNIX_TIMESTAMP", "'UNIX_TIMESTAMP()', 'UNIX_TIMESTAMP(<STRING>)', 'UNIX_TIMESTAMP(<STRING>, <STRING>)'", c =>
            c.Count == 0 ? Strict(t, "UnixTimestamp", [], BigInt.NotNull(), context: true) with { Deterministic = false }
            : c.Count is 1 or 2 && c.Types.All(IsString) ? Strict(t, "UnixTimestamp", Repeat(Str, c.Count), BigInt, context: true)
            : null);
        Add("FROM_UNIXTIME", "'FROM_UNIXTIME(<INTEGER>)', 'FROM_UNIXTIME(<INTEGER>, <STRING>)'", c =>
            c.Count == 1 && IsInteger(c[0]) ? Strict(t, "FromUnixtime", [BigInt], Str, context: true)
            : c.Count == 2 && IsInteger(c[0]) && IsString(c[1]) ? Strict(t, "FromUnixtime", [BigInt, Str], Str, context: true)
            : null);
        Add("TO_TIMESTAMP_LTZ", "'TO_TIMESTAMP_LTZ(<NUMERIC>)', 'TO_TIMESTAMP_LTZ(<NUMERIC>, <INTEGER>)'", c =>
        {
            if (c.Count is not (1 or 2) || !IsNumeric(c[0]) || c.Count == 2 && !IsSmallInteger(c[1]))
                return null;
            var source = c[0].IsInteger || IsNull(c[0]) ? BigInt : Dbl;
            if (c.Count == 1)
                return source == BigInt ? Strict(t, "ToTimestampLtz", [BigInt], ltz3) : null;
            return Strict(t, "ToTimestampLtz", [source, Int], ltz3);
        });
        Add("CONVERT_TZ", "'CONVERT_TZ(<STRING>, <STRING>, <STRING>)'", c =>
            c.Count == 3 && c.Types.All(IsString) ? Strict(t, "ConvertTz", [Str, Str, Str], Str, mayReturnNull: true) : null);
        Add("EXTRACT", "'EXTRACT(<UNIT> FROM <DATETIME>)', 'EXTRACT(<UNIT> FROM <INTERVAL>)'", c =>
        {
            if (c.Count != 2 || !IsString(c[0]))
                return null;
            var v = Plain(c[1]);
            return v.Kind switch
            {
                SqlTypeKind.Date or SqlTypeKind.Time or SqlTypeKind.Timestamp or SqlTypeKind.IntervalYearMonth or SqlTypeKind.IntervalDayTime
                    => Strict(t, "Extract", [Str, v], BigInt),
                SqlTypeKind.TimestampLtz => Strict(t, "Extract", [Str, v], BigInt, context: true),
                _ => null,
            };
        });
        foreach (var (name, unit) in new[]
        {
            ("YEAR", "YEAR"), ("QUARTER", "QUARTER"), ("MONTH", "MONTH"), ("WEEK", "WEEK"), ("DAYOFYEAR", "DOY"), ("DAYOFMONTH", "DAY"),
            ("DAYOFWEEK", "DOW"), ("HOUR", "HOUR"), ("MINUTE", "MINUTE"), ("SECOND", "SECOND"),
        })
        {
            var timeUnit = unit is "HOUR" or "MINUTE" or "SECOND";
            Add(name, $"'{name}(<DATETIME>)'", c =>
            {
                if (c.Count != 1)
                    return null;
                var v = Plain(c[0]);
                return v.Kind switch
                {
                    SqlTypeKind.Date when !timeUnit => Strict(t, "Part", [v], BigInt, constants: [unit]),
                    SqlTypeKind.Time when timeUnit => Strict(t, "Part", [v], BigInt, constants: [unit]),
                    SqlTypeKind.Timestamp => Strict(t, "Part", [v], BigInt, constants: [unit]),
                    SqlTypeKind.TimestampLtz => Strict(t, "Part", [v], BigInt, constants: [unit], context: true),
                    _ => null,
                };
            });
        }
        Add("TIMESTAMPADD", "'TIMESTAMPADD(<UNIT>, <INTEGER>, <DATETIME>)'", c =>
        {
            if (c.Count != 3 || !IsString(c[0]) || !IsInteger(c[1]))
                return null;
            var v = Plain(c[2]);
            var dateUnit = c.Literal(0) is string u && u.ToUpperInvariant() is "DAY" or "WEEK" or "MONTH" or "QUARTER" or "YEAR";
            return v.Kind switch
            {
                SqlTypeKind.Timestamp => Strict(t, "TimestampAdd", [Str, BigInt, v], v),
                SqlTypeKind.Date when dateUnit => Strict(t, "TimestampAddToDate", [Str, BigInt, v], v),
                SqlTypeKind.Date => Strict(t, "TimestampAdd", [Str, BigInt, v], SqlType.Timestamp(0)),
                SqlTypeKind.TimestampLtz => Strict(t, "TimestampAdd", [Str, BigInt, v], v, context: true),
                _ => null,
            };
        });
        Add("TIMESTAMPDIFF", "'TIMESTAMPDIFF(<UNIT>, <DATETIME>, <DATETIME>)'", c =>
        {
            if (c.Count != 3 || !IsString(c[0]) || !c[1].IsDateTime || !c[2].IsDateTime || c[1].Kind == SqlTypeKind.Time || c[2].Kind == SqlTypeKind.Time)
                return null;
            var common = SqlTypeRules.LeastRestrictive([Plain(c[1]), Plain(c[2])]);
            if (common is null)
                return null;
            return Strict(t, "TimestampDiff", [Str, common, common], Int, context: common.Kind == SqlTypeKind.TimestampLtz);
        });
        Add("CURRENT_DATE", "'CURRENT_DATE'", c => c.Count == 0 ? Strict(t, "CurrentDate", [], SqlType.Date.NotNull(), context: true) : null, false);
        Add("CURRENT_TIME", "'CURRENT_TIME'", c => c.Count == 0 ? Strict(t, "CurrentTime", [], SqlType.Time(0).NotNull(), context: true) : null, false);
        alias("LOCALTIME", "CURRENT_TIME");
        Add("CURRENT_TIMESTAMP", "'CURRENT_TIMESTAMP'", c => c.Count == 0 ? Strict(t, "CurrentTimestamp", [], ltz3.NotNull(), context: true) : null, false);
        alias("NOW", "CURRENT_TIMESTAMP");
        alias("CURRENT_ROW_TIMESTAMP", "CURRENT_TIMESTAMP");
        Add("LOCALTIMESTAMP", "'LOCALTIMESTAMP'", c => c.Count == 0 ? Strict(t, "LocalTimestamp", [], ts3.NotNull(), context: true) : null, false);
    }

    private static void AddJsonAndCollections(Action<string, string, Func<Call, Binding?>, bool> add)
    {
        void Add(string name, string forms, Func<Call, Binding?> bind) => add(name, forms, bind, true);
        var json = typeof(JsonFunctions);
        Add("JSON_VALUE", "'JSON_VALUE(<STRING>, <STRING>)'", c =>
            c.Count == 2 && c.Types.All(IsString) ? Lenient(json, "JsonValue", [Str, Str], Str.WithNullability(true)) : null);
        Add("JSON_EXISTS", "'JSON_EXISTS(<STRING>, <STRING>)'", c =>
            c.Count == 2 && c.Types.All(IsString) ? Lenient(json, "JsonExists", [Str, Str], Bool.WithNullability(c[0].IsNullable || c[1].IsNullable)) : null);
        Add("JSON_QUERY", "'JSON_QUERY(<STRING>, <STRING>)'", c =>
            c.Count == 2 && c.Types.All(IsString) ? Lenient(json, "JsonQuery", [Str, Str], Str.WithNullability(true)) : null);
        Add("JSON_STRING", "'JSON_STRING(<ANY>)'", c =>
            c.Count == 1 ? new Binding(Find(json, "JsonString", typeof(FunctionContext), typeof(object), typeof(SqlType)), [c[0]], Str.WithNullability(c[0].IsNullable), Strict: false, Constants: [c[0]]) : null);

        var coll = typeof(CollectionFunctions);
        Add("CARDINALITY", "'CARDINALITY(<ARRAY>)', 'CARDINALITY(<MAP>)', 'CARDINALITY(<MULTISET>)'", c =>
            c.Count != 1 ? null
            : c[0].Kind == SqlTypeKind.Array ? Strict(coll, "Cardinality", [Plain(c[0])], Int)
            : c[0].Kind == SqlTypeKind.Map ? Strict(coll, "Cardinality", [Plain(c[0])], Int)
            : c[0].Kind == SqlTypeKind.Multiset ? Strict(coll, "MultisetCardinality", [Plain(c[0])], Int)
            : null);
        Add("ELEMENT", "'ELEMENT(<ARRAY>)'", c =>
            c.Count == 1 && c[0].Kind == SqlTypeKind.Array ? Strict(coll, "Element", [Plain(c[0])], c[0].ElementType!.WithNullability(true)) : null);
        Add("ITEM", "'<ARRAY>[<INTEGER>]', '<MAP>[<ANY>]'", c =>
        {
            if (c.Count != 2)
                return null;
            if (c[0].Kind == SqlTypeKind.Array && IsSmallInteger(c[1]))
                return new Binding(Find(coll, "Item", typeof(object?[]), typeof(int)), [Plain(c[0]), Int], c[0].ElementType!.WithNullability(true), MayReturnNull: true);
            if (c[0].Kind == SqlTypeKind.Map && SqlTypeRules.LeastRestrictive([c[0].ElementType!, c[1]]) is not null)
                return new Binding(Find(coll, "Item", typeof(Dictionary<object, object?>), typeof(object)), [Plain(c[0]), Plain(c[0].ElementType!)], c[0].ValueType!.WithNullability(true), MayReturnNull: true);
            return null;
        });
        Add("ARRAY_CONTAINS", "'ARRAY_CONTAINS(<ARRAY>, <ANY>)'", c =>
            c.Count == 2 && c[0].Kind == SqlTypeKind.Array && SqlTypeRules.LeastRestrictive([c[0].ElementType!, c[1]]) is not null
                ? new Binding(Find(coll, "ArrayContains", typeof(object?[]), typeof(object)), [Plain(c[0]), Plain(c[0].ElementType!)], Bool.WithNullability(c[0].IsNullable), Strict: false)
                : null);
        Add("MAP_KEYS", "'MAP_KEYS(<MAP>)'", c =>
            c.Count == 1 && c[0].Kind == SqlTypeKind.Map ? Strict(coll, "MapKeys", [Plain(c[0])], SqlType.Array(c[0].ElementType!)) : null);
        Add("MAP_VALUES", "'MAP_VALUES(<MAP>)'", c =>
            c.Count == 1 && c[0].Kind == SqlTypeKind.Map ? Strict(coll, "MapValues", [Plain(c[0])], SqlType.Array(c[0].ValueType!)) : null);
        Add("ARRAY_DISTINCT", "'ARRAY_DISTINCT(<ARRAY>)'", c =>
            c.Count == 1 && c[0].Kind == SqlTypeKind.Array ? Strict(coll, "ArrayDistinct", [Plain(c[0])], Plain(c[0])) : null);
        Add("ARRAY", "'ARRAY[<ANY>, ...]'", c =>
        {
            if (c.Count == 0 || SqlTypeRules.LeastRestrictive(c.Types) is not { } e)
                return null;
            return new Binding(Find(coll, "ArrayOf", typeof(object?[])), Repeat(e, c.Count), SqlType.Array(e).NotNull(), Strict: false, VariadicStart: 0);
        });
        Add("MAP", "'MAP[<ANY>, <ANY>, ...]'", c =>
        {
            if (c.Count == 0 || c.Count % 2 != 0)
                return null;
            var keys = SqlTypeRules.LeastRestrictive([.. c.Types.Where((_, i) => i % 2 == 0)]);
            var values = SqlTypeRules.LeastRestrictive([.. c.Types.Where((_, i) => i % 2 == 1)]);
            if (keys is null || values is null)
                return null;
            var parameters = c.Types.Select((_, i) => i % 2 == 0 ? keys : values).ToArray();
            return new Binding(Find(coll, "MapOf", typeof(object?[])), parameters, SqlType.Map(keys, values).NotNull(), Strict: false, VariadicStart: 0);
        });
    }

    /// <summary>A text listing every name with its forms (for the documentation test).</summary>
    internal static string Describe()
    {
        var text = new StringBuilder();
        foreach (var (name, definition) in Definitions.OrderBy(d => d.Key, StringComparer.Ordinal))
            text.Append(name).Append(": ").AppendLine(definition.Forms);
        return text.ToString();
    }
}

/// <summary>Calls that take their seeded generator as the constant after the (ignored) seed argument.</summary>
internal static class SeededCalls
{
    public static double Rand(long seed, JavaRandom random) => random.NextDouble();

    public static int RandInteger(long seed, int bound, JavaRandom random) => ArithmeticFunctions.RandInteger(random, bound);
}

/// <summary>Unary minus and number × interval on intervals.</summary>
internal static class IntervalNegation
{
    public static TimeSpan Negate(TimeSpan a) => -a;
    public static int Negate(int months) => unchecked(-months);
    public static TimeSpan Multiply(double factor, TimeSpan a) => TimeSpan.FromTicks((long)(a.Ticks * factor));
    public static int Multiply(double factor, int months) => (int)(months * factor);
}
