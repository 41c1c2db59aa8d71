using System.Globalization;
using CsCheck;
using Eddy.Sql.Functions;
using Eddy.Sql.Types;
using static Eddy.Sql.Tests.Functions.FunctionInvoker;

namespace Eddy.Sql.Tests.Functions;

[Trait("Category", "Unit")]
public sealed class ArithmeticFunctionTests : IDisposable
{
    private readonly DuckDbOracle _duck = new();

    public void Dispose() => _duck.Dispose();

    [Fact]
    public void Integer_arithmetic_matches_DuckDB_where_nothing_overflows() =>
        Gen.Int[-40_000, 40_000].Select(Gen.Int[-40_000, 40_000]).Sample((a, b) =>
        {
            Assert.Equal(Convert.ToInt64(_duck.Scalar($"SELECT {a}::BIGINT + {b}"), CultureInfo.InvariantCulture), Call("+", I(a), I(b)) is int s ? s : -1);
            Assert.Equal(Convert.ToInt64(_duck.Scalar($"SELECT {a}::BIGINT * {b}"), CultureInfo.InvariantCulture), (long)(int)Call("*", I(a), I(b))!);
            if (b != 0)
            {
                // DuckDB's // and % truncate toward zero, as Java's integer / and %.
                Assert.Equal(Convert.ToInt64(_duck.Scalar($"SELECT {a}::INT // {b}::INT"), CultureInfo.InvariantCulture), (long)(int)Call("/", I(a), I(b))!);
                Assert.Equal(Convert.ToInt64(_duck.Scalar($"SELECT {a}::INT % {b}::INT"), CultureInfo.InvariantCulture), (long)(int)Call("MOD", I(a), I(b))!);
            }
        }, iter: 200);

    [Fact]
    public void Integer_overflow_wraps_as_Java()
    {
        Assert.Equal(int.MinValue, Call("+", I(int.MaxValue), I(1)));
        Assert.Equal(long.MinValue, Call("*", L(long.MinValue), L(-1)));
        Assert.Equal(int.MinValue, Call("/", I(int.MinValue), I(-1)));
        Assert.Equal(0, Call("%", I(int.MinValue), I(-1)));
        Assert.Equal((sbyte)-128, Call("+", ((sbyte)127, SqlType.TinyInt), ((sbyte)1, SqlType.TinyInt)));
        Assert.Equal(int.MinValue, Call("ABS", I(int.MinValue)));
    }

    [Fact]
    public void Integer_division_by_zero_is_an_error_and_double_division_is_infinite()
    {
        Assert.Throws<SqlFunctionException>(() => Call("/", I(1), I(0)));
        Assert.Equal(double.PositiveInfinity, Call("/", D(1), I(0)));
    }

    [Fact]
    public void Decimal_arithmetic_rounds_half_up_to_the_derived_scale_and_overflows_to_NULL()
    {
        Assert.Equal(SqlType.Decimal(19, 8), Resolve("/", SqlType.Decimal(10, 2), SqlType.Decimal(5, 3)).ReturnType);
        Assert.Equal(0.33333333m, Call("/", Dec(1.00m, 10, 2), Dec(3.000m, 5, 3)));
        Assert.Equal(0.66666667m, Call("/", Dec(2.00m, 10, 2), Dec(3.000m, 5, 3)));
        Assert.Equal(3.25m, Call("+", Dec(1.25m, 5, 2), I(2)));
        // INT is DECIMAL(10, 0): scale 2, max(10, 3) + 2 + 1 digits.
        Assert.Equal(SqlType.Decimal(13, 2), Resolve("+", SqlType.Decimal(5, 2), SqlType.Int).ReturnType);
        Assert.Equal(0.5m, Call("%", Dec(5.5m, 3, 1), I(1)));
        Assert.Null(Call("*", Dec(99999999999999999999m, 20, 0), Dec(99999999999999999999m, 20, 0)));
        Assert.Throws<SqlFunctionException>(() => Call("/", Dec(1m, 3, 0), Dec(0m, 3, 0)));
    }

    [Theory]
    [InlineData("1.5", "2.25", "+")]
    [InlineData("10.75", "3.5", "-")]
    [InlineData("1.25", "-4.5", "*")]
    [InlineData("7.5", "2.5", "/")]
    public void Decimal_results_match_DuckDB(string a, string b, string op)
    {
        var expected = Convert.ToDecimal(_duck.Scalar($"SELECT CAST({a} AS DECIMAL(10,2)) {op} CAST({b} AS DECIMAL(10,2))"), CultureInfo.InvariantCulture);
        var actual = (decimal)Call(op, Dec(decimal.Parse(a, CultureInfo.InvariantCulture), 10, 2), Dec(decimal.Parse(b, CultureInfo.InvariantCulture), 10, 2))!;
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Numeric_functions_match_DuckDB() =>
        Gen.Double[0.001, 1e6].Sample(x =>
        {
            var text = x.ToString("R", CultureInfo.InvariantCulture);
            foreach (var (name, duck) in new[] { ("SQRT", "sqrt"), ("LN", "ln"), ("LOG10", "log10"), ("LOG2", "log2"), ("SIN", "sin"), ("COS", "cos"), ("ATAN", "atan"), ("DEGREES", "degrees"), ("RADIANS", "radians") })
            {
                var expected = Convert.ToDouble(_duck.Scalar($"SELECT {duck}({text}::DOUBLE)"), CultureInfo.InvariantCulture);
                Assert.Equal(expected, (double)Call(name, D(x))!, 1e-12 * Math.Max(1, Math.Abs(expected)));
            }
        }, iter: 50);

    [Fact]
    public void Flinks_documented_numeric_examples_hold()
    {
        Assert.Equal(125.32m, Call("ROUND", Dec(125.315m, 6, 3), I(2)));
        Assert.Equal(42.32m, Call("TRUNCATE", Dec(42.324m, 5, 3), I(2)));
        Assert.Equal(SqlType.Decimal(6, 2), BuiltInFunctions.Resolve("ROUND", [SqlType.Decimal(6, 3), SqlType.Int], [null, 2]).ReturnType);
        Assert.Equal(-130.0, Call("ROUND", D(-125.315), I(-1)));
        Assert.Equal(3.0, Call("ROUND", D(2.5)));
        Assert.Equal(-3.0, Call("ROUND", D(-2.5)));
        Assert.Equal(1.0, Call("LOG", D(10), D(10)));
        Assert.Equal(8.0, Call("POWER", I(2), I(3)));
        Assert.Equal(-1, Call("SIGN", I(-42)));
        Assert.Equal(4L, Call("CEIL", L(4)));
        Assert.Equal(4.0, Call("CEIL", D(3.2)));
        Assert.Equal(-4m, Call("FLOOR", Dec(-3.5m, 3, 1)));
        Assert.Equal(SqlType.Decimal(3, 0), Resolve("FLOOR", SqlType.Decimal(3, 1)).ReturnType);
        Assert.Equal("1100", Call("BIN", I(12)));
        Assert.Equal("1111111111111111111111111111111111111111111111111111111111111111", Call("BIN", I(-1)));
        Assert.Equal("64", Call("HEX", I(100)));
        Assert.Equal("68656C6C6F20776F726C64", Call("HEX", S("hello world")));
        Assert.Equal(Math.PI, Call("PI"));
    }

    [Fact]
    public void LOG_refuses_a_non_positive_argument() =>
        Assert.Throws<SqlFunctionException>(() => Call("LOG", D(2), D(-1)));

    [Fact]
    public void Seeded_RAND_gives_Javas_sequence_for_the_seed()
    {
        // java.util.Random(42).nextDouble() and new Random(42).nextInt(10), computed with the JDK.
        Assert.Equal(0.7275636800328681, new JavaRandom(42).NextDouble());
        Assert.Equal(0, new JavaRandom(42).NextInt(10));
        var first = Call("RAND", I(7));
        Assert.Equal(new JavaRandom(7).NextDouble(), first);
        Assert.False(Resolve("RAND").IsDeterministic);
        var n = (int)Call("RAND_INTEGER", I(10))!;
        Assert.InRange(n, 0, 9);
    }
}
