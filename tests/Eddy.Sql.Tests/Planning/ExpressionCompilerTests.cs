using CsCheck;
using Eddy.Sql.Functions;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Planning;

[Trait("Category", "Unit")]
public class ExpressionCompilerTests
{
    private static readonly SqlType[] Columns =
    [
        SqlType.Int, SqlType.BigInt, SqlType.Double, SqlType.Boolean, SqlType.String, SqlType.Decimal(10, 2),
        SqlType.Int.NotNull(), SqlType.BigInt,
    ];

    private static RexInputRef Col(int i) => Rex.Input(i, Columns[i]);

    private static Row RowOf(params object?[] values) => Row.Of(Columns, values);

    private static object? Eval(RexNode expression, Row row) => ExpressionCompiler.CompileProjection([expression])(row).GetValue(0, expression.Type);

    private static readonly Row Sample = RowOf(7, 10L, 2.5, true, "b", 1.25m, -3, null);

    [Fact]
    public void Expressions_print_as_flinks_explain_prints_them()
    {
        Assert.Equal("+($0, 1)", Rex.Plus(Col(0), Rex.Int(1)).ToString());
        Assert.Equal("AND(>($1, 10:BIGINT), IS NOT NULL($4))",
            Rex.And(Rex.Compare(SqlOperator.GreaterThan, Col(1), Rex.BigInt(10)), Rex.IsNotNull(Col(4))).ToString());
        Assert.Equal("CAST($0):BIGINT", Rex.Cast(Col(0), SqlType.BigInt).ToString());
        Assert.Equal("CASE(=($4, 'a'), 1, null:INT)", Rex.Case(Rex.Equal(Col(4), Rex.String("a")), Rex.Int(1), Rex.Null(SqlType.Int)).ToString());
        Assert.Equal("MOD(-($6), 3)", Rex.Arithmetic(SqlOperator.Mod, Rex.Negate(Col(6)), Rex.Int(3)).ToString());
        Assert.Equal("$0.x", Rex.Field(Rex.Input(0, SqlType.Row(new SqlField("x", SqlType.Int))), "x").ToString());
    }

    [Fact]
    public void Arithmetic_result_types_follow_flinks_rules()
    {
        Assert.Equal(SqlType.BigInt, Rex.Plus(Col(0), Col(1)).Type);
        Assert.Equal(SqlType.Int.NotNull(), Rex.Plus(Col(6), Rex.Int(1)).Type);
        Assert.Equal(SqlType.Double, Rex.Arithmetic(SqlOperator.Times, Col(5), Col(2)).Type);
        // DECIMAL(10, 2) + INT (as DECIMAL(10, 0)): scale 2, integer digits 10, one more for the carry.
        Assert.Equal(SqlType.Decimal(13, 2), Rex.Plus(Col(5), Col(0)).Type);
        // DECIMAL(10, 2) / INT: scale max(6, 2 + 10 + 1) = 13, precision 10 - 2 + 0 + 13 = 21.
        Assert.Equal(SqlType.Decimal(21, 13), Rex.Arithmetic(SqlOperator.Divide, Col(5), Col(0)).Type);
        // DECIMAL(10, 2) * DECIMAL(10, 2) = DECIMAL(10 + 10 + 1, 4) (Flink's findMultiplicationDecimalType); INT % BIGINT has the divisor's type.
        Assert.Equal(SqlType.Decimal(21, 4), Rex.Arithmetic(SqlOperator.Times, Col(5), Col(5)).Type);
        Assert.Equal(SqlType.BigInt, Rex.Arithmetic(SqlOperator.Mod, Col(0), Col(1)).Type);
        Assert.Equal(SqlType.Int, Rex.Arithmetic(SqlOperator.Mod, Col(1), Col(0)).Type);
    }

    [Fact]
    public void Operands_of_the_wrong_type_are_refused_with_calcites_message()
    {
        var plus = Assert.Throws<PlanningException>(() => Rex.Plus(Col(4), Col(0)));
        Assert.Equal("Cannot apply '+' to arguments of type '<STRING> + <INT>'. Supported form(s): '<NUMERIC> + <NUMERIC>'", plus.Message);
        var compare = Assert.Throws<PlanningException>(() => Rex.Compare(SqlOperator.LessThan, Col(0), Col(4)));
        Assert.Equal("Cannot apply '<' to arguments of type '<INT> < <STRING>'. Supported form(s): '<COMPARABLE_TYPE> < <COMPARABLE_TYPE>'", compare.Message);
        var mod = Assert.Throws<PlanningException>(() => Rex.Arithmetic(SqlOperator.Mod, Col(2), Col(0)));
        Assert.Equal("Cannot apply 'MOD' to arguments of type 'MOD(<DOUBLE>, <INT>)'. Supported form(s): 'MOD(<EXACT_NUMERIC>, <EXACT_NUMERIC>)'", mod.Message);
        Assert.Throws<PlanningException>(() => Rex.And(Col(0), Col(3)));
    }

    [Fact]
    public void Logic_is_three_valued()
    {
        var nul = Rex.Null(SqlType.Boolean);
        var t = Rex.Boolean(true);
        var f = Rex.Boolean(false);
        Assert.Equal(false, Eval(Rex.And(nul, f), Sample));
        Assert.Null(Eval(Rex.And(nul, t), Sample));
        Assert.Equal(true, Eval(Rex.Or(nul, t), Sample));
        Assert.Null(Eval(Rex.Or(f, nul), Sample));
        Assert.Null(Eval(Rex.Not(nul), Sample));
        Assert.Equal(true, Eval(Rex.Test(SqlOperator.IsNotTrue, nul), Sample));
        Assert.Equal(false, Eval(Rex.Test(SqlOperator.IsFalse, nul), Sample));
        Assert.Equal(false, Eval(Rex.Compare(SqlOperator.IsDistinctFrom, Col(7), Rex.Null(SqlType.BigInt)), Sample));
        Assert.Equal(true, Eval(Rex.Compare(SqlOperator.IsDistinctFrom, Col(7), Rex.BigInt(1)), Sample));
        Assert.Null(Eval(Rex.Equal(Col(7), Rex.BigInt(1)), Sample));
    }

    [Fact]
    public void And_or_case_and_coalesce_evaluate_an_operand_only_when_needed()
    {
        var divideByZero = Rex.Equal(Rex.Arithmetic(SqlOperator.Divide, Col(0), Rex.Int(0)), Rex.Int(1));
        Assert.Equal(false, Eval(Rex.And(Rex.Boolean(false), divideByZero), Sample));
        Assert.Equal(true, Eval(Rex.Or(Rex.Boolean(true), divideByZero), Sample));
        Assert.Equal(1, Eval(Rex.Case(Rex.Boolean(true), Rex.Int(1), Rex.Arithmetic(SqlOperator.Divide, Col(0), Rex.Int(0))), Sample));
        Assert.Equal(7, Eval(Rex.Coalesce(Col(0), Rex.Arithmetic(SqlOperator.Divide, Col(0), Rex.Int(0))), Sample));
        Assert.Throws<SqlEvaluationException>(() => Eval(Rex.And(Rex.Boolean(true), divideByZero), Sample));
    }

    [Fact]
    public void Integer_arithmetic_wraps_and_truncates_as_java_and_dividing_by_zero_is_an_error()
    {
        Assert.Equal(int.MinValue, Eval(Rex.Plus(Rex.Int(int.MaxValue), Rex.Int(1)), Sample));
        Assert.Equal(-3, Eval(Rex.Arithmetic(SqlOperator.Divide, Rex.Int(-7), Rex.Int(2)), Sample));
        Assert.Equal(-1, Eval(Rex.Arithmetic(SqlOperator.Mod, Rex.Int(-7), Rex.Int(2)), Sample));
        Assert.Equal(int.MinValue, Eval(Rex.Arithmetic(SqlOperator.Divide, Rex.Int(int.MinValue), Rex.Int(-1)), Sample));
        Assert.Equal(0, Eval(Rex.Arithmetic(SqlOperator.Mod, Rex.Int(int.MinValue), Rex.Int(-1)), Sample));
        Assert.Equal(long.MinValue, Eval(Rex.Negate(Rex.BigInt(long.MinValue)), Sample));
        var error = Assert.Throws<SqlEvaluationException>(() => Eval(Rex.Arithmetic(SqlOperator.Divide, Col(1), Rex.BigInt(0)), Sample));
        Assert.Contains("/ by zero", error.Message, StringComparison.Ordinal);
        Assert.True(double.IsPositiveInfinity((double)Eval(Rex.Arithmetic(SqlOperator.Divide, Col(2), Rex.Literal(0.0, SqlType.Double.NotNull())), Sample)!));
    }

    [Fact]
    public void Decimal_results_round_half_up_to_their_scale_and_overflow_to_null()
    {
        // 1.25 / 3 as DECIMAL(21, 13): 0.4166666666667 (the 13th digit rounded up).
        Assert.Equal(0.4166666666667m, Eval(Rex.Arithmetic(SqlOperator.Divide, Col(5), Rex.Int(3)), Sample));
        var big = Rex.Literal(99999999.99m, SqlType.Decimal(10, 2).NotNull());
        // DECIMAL(10, 2) * DECIMAL(10, 2) is DECIMAL(21, 4), exact; DECIMAL(20, 0) squared is past 28 digits: NULL.
        Assert.Equal(9999999998000000.0001m, Eval(Rex.Arithmetic(SqlOperator.Times, big, big), Sample));
        var huge = Rex.Literal(99999999999999999999m, SqlType.Decimal(20, 0).NotNull());
        Assert.Equal(SqlType.Decimal(38, 0).NotNull(), Rex.Arithmetic(SqlOperator.Times, huge, huge).Type);
        Assert.Null(Eval(Rex.Arithmetic(SqlOperator.Times, huge, huge), Sample));
        Assert.Equal(1.5625m, Eval(Rex.Arithmetic(SqlOperator.Times, Col(5), Col(5)), Sample));
        Assert.Null(Eval(Rex.Cast(big, SqlType.Decimal(4, 2)), Sample));
        Assert.Equal(1.3m, Eval(Rex.Cast(Col(5), SqlType.Decimal(3, 1)), Sample));
    }

    [Fact]
    public void Strings_compare_by_code_point_as_flinks_utf8_bytes_do()
    {
        var privateUse = Rex.String("\uE000");
        var emoji = Rex.String("\U0001F600");
        Assert.Equal(true, Eval(Rex.Compare(SqlOperator.LessThan, privateUse, emoji), Sample));
        Assert.Equal(true, Eval(Rex.Compare(SqlOperator.LessThan, Rex.String("a"), Rex.String("ab")), Sample));
        Assert.Equal(false, Eval(Rex.Compare(SqlOperator.LessThan, Rex.String("b"), Rex.String("B")), Sample));
    }

    [Fact]
    public void Mixed_numeric_comparisons_widen_before_comparing()
    {
        Assert.Equal(true, Eval(Rex.Compare(SqlOperator.LessThan, Col(0), Col(1)), Sample));
        Assert.Equal(true, Eval(Rex.Compare(SqlOperator.GreaterThan, Col(2), Col(5)), Sample));
        Assert.Equal(true, Eval(Rex.Equal(Rex.Literal(1.00m, SqlType.Decimal(3, 2).NotNull()), Rex.Int(1)), Sample));
        Assert.Equal(false, Eval(Rex.Equal(Rex.BigInt(long.MaxValue), Rex.BigInt(long.MaxValue - 1)), Sample));
    }

    [Fact]
    public void A_strict_built_in_function_is_called_only_without_null_arguments()
    {
        var upper = BuiltInFunctions.Resolve("UPPER", [SqlType.String]);
        Assert.Equal("B", Eval(Rex.Call(upper, Col(4)), Sample));
        Assert.Null(Eval(Rex.Call(upper, Rex.Null(SqlType.String)), Sample));
        Assert.Equal("UPPER($4)", Rex.Call(upper, Col(4)).ToString());
    }

    [Fact]
    public void A_non_strict_built_in_function_sees_null_arguments_itself()
    {
        // Flink's IS_DIGIT(NULL) is FALSE, not NULL.
        var isDigit = BuiltInFunctions.Resolve("IS_DIGIT", [SqlType.String]);
        Assert.Equal(false, Eval(Rex.Call(isDigit, Rex.Null(SqlType.String)), Sample));
        Assert.Equal(true, Eval(Rex.Call(isDigit, Rex.String("42")), Sample));
        Assert.Equal(false, Eval(Rex.Call(isDigit, Col(4)), Sample));
    }

    [Fact]
    public void Arguments_are_cast_to_the_resolved_parameter_types_and_the_context_is_passed_when_needed()
    {
        // POWER computes over DOUBLE: INT 7 and INT -3 are cast first; 7^-3 = 1/343.
        var power = BuiltInFunctions.Resolve("POWER", [Columns[0], Columns[6]]);
        Assert.Equal(1.0 / 343, (double)Eval(Rex.Call(power, Col(0), Col(6)), Sample)!, 12);
        var rand = BuiltInFunctions.Resolve("RAND", []);
        var value = (double)Eval(Rex.Call(rand), Sample)!;
        Assert.True(value is >= 0 and < 1, $"RAND() gave {value}");
        Assert.False(Rex.Call(rand).IsDeterministic);
    }

    [Fact]
    public void A_calc_filters_and_projects_in_one_delegate()
    {
        var calc = ExpressionCompiler.CompileCalc([Col(4), Rex.Plus(Col(1), Rex.BigInt(1))], Rex.Compare(SqlOperator.GreaterThan, Col(0), Rex.Int(5)));
        var passed = calc(Sample);
        Assert.NotNull(passed);
        Assert.Equal(Row.Of([SqlType.String, SqlType.BigInt], "b", 11L), passed);
        Assert.Null(calc(RowOf(1, 10L, 2.5, true, "b", 1.25m, -3, null)));
        Assert.Null(calc(RowOf(null, 10L, 2.5, true, "b", 1.25m, -3, null)));
    }

    [Fact]
    public void A_predicate_over_bigint_columns_allocates_nothing()
    {
        var types = new[] { SqlType.BigInt, SqlType.BigInt, SqlType.String, SqlType.Decimal(10, 2) };
        var a = Rex.Input(0, types[0]);
        var b = Rex.Input(1, types[1]);
        var s = Rex.Input(2, types[2]);
        var d = Rex.Input(3, types[3]);
        var simple = ExpressionCompiler.CompilePredicate(Rex.Compare(SqlOperator.GreaterThan, Rex.Plus(a, b), Rex.BigInt(10)));
        // And one with every kind of node on the hot path: logic, CASE, COALESCE, strings, decimals, division.
        var rich = ExpressionCompiler.CompilePredicate(Rex.Or(
            Rex.And(Rex.IsNotNull(s), Rex.Compare(SqlOperator.LessThan, s, Rex.String("m"))),
            Rex.Compare(SqlOperator.GreaterThan, Rex.Case(Rex.Compare(SqlOperator.GreaterThan, a, Rex.BigInt(0)),
                Rex.Arithmetic(SqlOperator.Divide, b, a), Rex.Coalesce(b, Rex.BigInt(0))), Rex.BigInt(3)),
            Rex.Compare(SqlOperator.GreaterThan, Rex.Plus(d, Rex.Arithmetic(SqlOperator.Times, d, Rex.Int(2))), Rex.Int(100))));
        var rows = new[]
        {
            Row.Of(types, 4L, 9L, "x", 12.5m), Row.Of(types, null, 1L, null, null), Row.Of(types, 20L, -30L, "a", 99.99m),
        };
        var hits = 0;
        long allocated = -1;
        // Warm up (tiered compilation and on-stack replacement of this loop allocate once), then measure.
        for (var round = 0; round < 2; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                var row = rows[i % rows.Length];
                hits += simple(row) ? 1 : 0;
                hits += rich(row) ? 1 : 0;
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(0, allocated);
        Assert.True(hits > 0);
    }

    // Random expressions over random rows with NULLs, compiled and interpreted: the two must agree on every value,
    // NULL and error.

    private static readonly object?[][] ColumnValues =
    [
        [null, 0, 1, -1, 7, int.MaxValue, int.MinValue],
        [null, 0L, 2L, -5L, 10L, long.MaxValue, long.MinValue],
        [null, 0.0, 2.5, -1.5, 10.0, double.NaN],
        [null, true, false],
        [null, "", "a", "b", "ab", "\uE000", "\U0001F600"],
        [null, 0m, 1.25m, -3.50m, 99999999.99m],
        [0, 3, -2],
        [null, 1L, -1L, 3L],
    ];

    private static readonly Gen<object?[]> RowGen = Gen.Int[0, 999].Array[Columns.Length]
        .Select(picks => picks.Select((pick, column) => ColumnValues[column][pick % ColumnValues[column].Length]).ToArray());

    private static Gen<RexNode> Numeric(int depth)
    {
        var leaf = Gen.Frequency(
            (1, Gen.OneOf(0, 1, 2, 5, 6, 7).Select(i => (RexNode)Col(i))),
            (1, Gen.OneOf<RexNode>(Rex.Int(0), Rex.Int(-1), Rex.Int(3), Rex.BigInt(long.MaxValue), Rex.Int(int.MinValue),
                Rex.Literal(2.5, SqlType.Double.NotNull()), Rex.Literal(0.5m, SqlType.Decimal(2, 1).NotNull()), Rex.Null(SqlType.Int))));
        if (depth == 0)
            return leaf;
        var inner = Numeric(depth - 1);
        var arithmetic = Gen.Select(Gen.OneOf(SqlOperator.Plus, SqlOperator.Minus, SqlOperator.Times, SqlOperator.Divide, SqlOperator.Mod), inner, inner)
            .Where(t => t.Item1 != SqlOperator.Mod || (IsExact(t.Item2) && IsExact(t.Item3)))
            .Select(t => Rex.Arithmetic(t.Item1, t.Item2, t.Item3));
        return Gen.Frequency(
            (3, leaf),
            (4, arithmetic),
            (1, inner.Select(Rex.Negate)),
            (1, Gen.Select(Boolean(depth - 1), inner, inner).Select((c, a, b) => Rex.Case(c, a, b))),
            (1, Gen.Select(inner, inner).Select((a, b) => Rex.Coalesce(a, b))),
            (1, Gen.Select(inner, Gen.OneOf(SqlType.Int, SqlType.BigInt, SqlType.Double, SqlType.Decimal(12, 2))).Select((a, t) => Rex.Cast(a, t))));
    }

    private static bool IsExact(RexNode node) => node.Type.IsInteger || node.Type.Kind == SqlTypeKind.Decimal;

    private static Gen<RexNode> Text(int depth)
    {
        var leaf = Gen.OneOf<RexNode>(Col(4), Rex.String("a"), Rex.String("\uE000"), Rex.Null(SqlType.String));
        if (depth == 0)
            return leaf;
        var inner = Text(depth - 1);
        return Gen.Frequency(
            (3, leaf),
            (1, Gen.Select(Boolean(depth - 1), inner, inner).Select((c, a, b) => Rex.Case(c, a, b))),
            (1, Gen.Select(inner, inner).Select((a, b) => Rex.Coalesce(a, b))),
            (1, Numeric(depth - 1).Where(n => n.Type.IsInteger).Select(n => Rex.Cast(n, SqlType.String))));
    }

    private static Gen<RexNode> Boolean(int depth)
    {
        var leaf = Gen.OneOf<RexNode>(Col(3), Rex.Boolean(true), Rex.Boolean(false), Rex.Null(SqlType.Boolean));
        if (depth == 0)
            return leaf;
        var inner = Boolean(depth - 1);
        var comparison = Gen.OneOf(SqlOperator.Equals, SqlOperator.NotEquals, SqlOperator.LessThan, SqlOperator.LessThanOrEqual,
            SqlOperator.GreaterThan, SqlOperator.GreaterThanOrEqual, SqlOperator.IsDistinctFrom, SqlOperator.IsNotDistinctFrom);
        var test = Gen.OneOf(SqlOperator.IsNull, SqlOperator.IsNotNull, SqlOperator.IsTrue, SqlOperator.IsNotTrue, SqlOperator.IsFalse,
            SqlOperator.IsNotFalse);
        return Gen.Frequency(
            (2, leaf),
            (3, Gen.Select(comparison, Numeric(depth - 1), Numeric(depth - 1)).Select((op, a, b) => Rex.Compare(op, a, b))),
            (2, Gen.Select(comparison, Text(depth - 1), Text(depth - 1)).Select((op, a, b) => Rex.Compare(op, a, b))),
            (2, inner.Array[2, 3].Select(Rex.And)),
            (2, inner.Array[2, 3].Select(Rex.Or)),
            (1, inner.Select(Rex.Not)),
            (1, Gen.Select(test, inner).Select((op, a) => Rex.Test(op, a))),
            (1, Gen.Select(inner, inner, inner).Select((c, a, b) => Rex.Case(c, a, b))));
    }

    private static void AgreesWithTheInterpreter(RexNode expression, object?[] values)
    {
        var row = Row.Of(Columns, values);
        object? expected;
        try
        {
            expected = RexInterpreter.Evaluate(expression, values);
        }
        catch (SqlEvaluationException)
        {
            // The planner's operators raise SqlEvaluationException, the functions layer's casts SqlFunctionException.
            var error = Record.Exception(() => Eval(expression, row));
            Assert.True(error is SqlEvaluationException or SqlFunctionException, $"{expression} should fail on [{string.Join(", ", values.Select(RexInterpreter.Show))}] but gave {error?.GetType().Name ?? "a value"}");
            return;
        }
        var actual = Eval(expression, row);
        Assert.True(Equals(RexInterpreter.To(expected, expression.Type), actual),
            $"{expression} : {expression.Type} on [{string.Join(", ", values.Select(RexInterpreter.Show))}]: interpreted {RexInterpreter.Show(expected)}, compiled {RexInterpreter.Show(actual)}");
        if (expression.Type.Kind == SqlTypeKind.Boolean)
            Assert.Equal(expected is true, ExpressionCompiler.CompilePredicate(expression)(row));
    }

    [Fact]
    public void Random_boolean_expressions_agree_with_the_interpreter_on_random_rows() =>
        Gen.Select(Boolean(3), RowGen.Array[8]).Sample((expression, rows) =>
        {
            foreach (var values in rows)
                AgreesWithTheInterpreter(expression, values);
        }, iter: 400, threads: 1);

    [Fact]
    public void Random_numeric_expressions_agree_with_the_interpreter_on_random_rows() =>
        Gen.Select(Numeric(3), RowGen.Array[8]).Sample((expression, rows) =>
        {
            foreach (var values in rows)
                AgreesWithTheInterpreter(expression, values);
        }, iter: 400, threads: 1);
}
