using System.Buffers;
using System.Globalization;
using CsCheck;
using Eddy.Engine;
using Eddy.Sql.Functions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Functions;

[Trait("Category", "Unit")]
public sealed class SqlAggregatesTests : IDisposable
{
    private readonly DuckDbOracle _duck = new();

    public void Dispose() => _duck.Dispose();

    private static TOut Run<TIn, TAcc, TOut>(IAggregateFunction<TIn, TAcc, TOut> function, IEnumerable<TIn> added, IEnumerable<TIn>? retracted = null)
    {
        var acc = function.CreateAccumulator();
        foreach (var value in added)
        {
            acc = function.Add(acc, value);
            // Every step goes through the state serde, as the operator keeps it.
            acc = function.AccumulatorSerde.Deserialize(function.AccumulatorSerde.Serialize(acc));
        }
        foreach (var value in retracted ?? [])
            acc = function.Retract(acc, value);
        return function.GetResult(acc);
    }

    [Fact]
    public void Result_types_are_Flinks()
    {
        Assert.Equal(SqlType.Int, SqlAggregates.ResultType("SUM", SqlType.Int.NotNull()));
        Assert.Equal(SqlType.Int, SqlAggregates.ResultType("AVG", SqlType.Int));
        Assert.Equal(SqlType.Decimal(38, 2), SqlAggregates.ResultType("SUM", SqlType.Decimal(10, 2)));
        Assert.Equal(SqlType.Decimal(38, 6), SqlAggregates.ResultType("AVG", SqlType.Decimal(10, 2)));
        Assert.Equal(SqlType.BigInt.NotNull(), SqlAggregates.ResultType("COUNT", null));
        Assert.Equal(SqlType.Double.NotNull(), SqlAggregates.ResultType("SUM0", SqlType.Double));
        Assert.Null(SqlAggregates.ResultType("SUM", SqlType.String));
    }

    [Fact]
    public void Aggregates_ignore_NULLs_and_are_NULL_over_nothing()
    {
        Assert.Equal(2L, Run(SqlAggregates.Count<int?>(), [1, null, 3]));
        Assert.Equal(3L, Run(SqlAggregates.CountRows<int?>(), [1, null, 3]));
        Assert.Equal(4, Run(SqlAggregates.Sum<int>(), [1, null, 3]));
        Assert.Null(Run(SqlAggregates.Sum<int>(), [null, null]));
        Assert.Equal(0, Run(SqlAggregates.Sum0<int>(), [null]));
        Assert.Equal(2, Run(SqlAggregates.Avg<int>(), [1, null, 4]));
        Assert.Null(Run(SqlAggregates.Avg<double>(), []));
    }

    [Fact]
    public void Integer_sums_wrap_and_decimal_averages_round_to_the_result_scale()
    {
        Assert.Equal(int.MinValue, Run(SqlAggregates.Sum<int>(), [int.MaxValue, 1]));
        Assert.Equal(0.333333m, Run(SqlAggregates.Avg<decimal>(SqlType.Decimal(38, 6)), [1m, 0m, 0m]));
    }

    [Fact]
    public void Retraction_takes_rows_back()
    {
        Assert.Equal(5, Run(SqlAggregates.Sum<int>(), [1, 2, 3, 4], [2, 3]));
        Assert.Null(Run(SqlAggregates.Sum<int>(), [1], [1]));
        Assert.Equal(7L, Run(SqlAggregates.MaxValue<long>(Serdes.Long), [7, 9, 9, null], [9, 9]));
        Assert.Equal("b", Run(SqlAggregates.Min<string>(Serdes.String), ["a", "b", null, "c"], ["a"]));
        Assert.Null(Run(SqlAggregates.MinValue<long>(Serdes.Long), [null, 3], [3]));
    }

    [Fact]
    public void Sum_average_and_deviations_match_DuckDB() =>
        Gen.Double[-1000, 1000].Array[2, 30].Sample(values =>
        {
            var list = string.Join(", ", values.Select(v => "(" + v.ToString("R", CultureInfo.InvariantCulture) + "::DOUBLE)"));
            double Duck(string f) => Convert.ToDouble(_duck.Scalar($"SELECT {f}(x) FROM (VALUES {list}) t(x)"), CultureInfo.InvariantCulture);
            var input = values.Select(v => (double?)v).ToArray();
            Assert.Equal(Duck("sum"), Run(SqlAggregates.Sum<double>(), input)!.Value, 1e-9);
            Assert.Equal(Duck("avg"), Run(SqlAggregates.Avg<double>(), input)!.Value, 1e-9);
            Assert.Equal(Duck("var_pop"), Run(SqlAggregates.Variance<double>("VAR_POP"), input)!.Value, 1e-6);
            Assert.Equal(Duck("var_samp"), Run(SqlAggregates.Variance<double>("VAR_SAMP"), input)!.Value, 1e-6);
            Assert.Equal(Duck("stddev_pop"), Run(SqlAggregates.Variance<double>("STDDEV_POP"), input)!.Value, 1e-6);
            Assert.Equal(Duck("stddev_samp"), Run(SqlAggregates.Variance<double>("STDDEV_SAMP"), input)!.Value, 1e-6);
        }, iter: 50);

    [Fact]
    public void FIRST_VALUE_LAST_VALUE_and_LISTAGG_keep_arrival_order_and_take_rows_back()
    {
        Assert.Equal("b", Run(SqlAggregates.FirstValue(Serdes.String), [null, "a", "b", "c"], ["a"]));
        Assert.Equal("b", Run(SqlAggregates.LastValue(Serdes.String), ["a", "b", "c", null], ["c"]));
        Assert.Equal("a,c,a", Run(SqlAggregates.ListAgg(), ["a", "b", null, "c", "a"], ["b"]));
        Assert.Equal("a;c", Run(SqlAggregates.ListAgg(";"), ["a", "c", "c"], ["c"]));
        Assert.Null(Run(SqlAggregates.ListAgg(), [null]));
        Assert.Equal(SqlType.String, SqlAggregates.ResultType("LISTAGG", SqlType.VarChar(3)));
    }

    [Fact]
    public void LISTAGG_matches_DuckDBs_string_agg()
    {
        var expected = _duck.Scalar("SELECT string_agg(x, '|' ORDER BY i) FROM (VALUES (1, 'x'), (2, NULL), (3, 'y'), (4, 'z')) t(i, x)");
        Assert.Equal(expected, Run(SqlAggregates.ListAgg("|"), ["x", null, "y", "z"]));
    }

    [Fact]
    public void A_sample_variance_of_one_row_is_NULL() =>
        Assert.Null(Run(SqlAggregates.Variance<double>("STDDEV_SAMP"), [4.0]));
}
