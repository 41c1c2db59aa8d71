using CsCheck;
using Eddy.Sql.Binding;
using Eddy.Sql.Functions;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Translation;
using Eddy.Engine.Testing;
using Oracle = Eddy.Sql.Tests.Planning.DuckDbOracle;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Functions;

/// <summary>
/// User-defined scalar and aggregate functions: CREATE FUNCTION names a class of a loaded assembly (these tests' own),
/// calls resolve the Eval/Accumulate overload for the argument types, run compiled into the job, and every way a
/// registration can be wrong is Flink's error at the call's line and column.
/// </summary>
[Trait("Category", "Unit")]
public class UserDefinedFunctionTests
{
    private const string Bid =
        "CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP(3), extra STRING, " +
        "WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH ('connector' = 'kafka', 'topic' = 'bid', 'format' = 'json')";

    private static readonly SqlType[] BidTypes =
        [SqlType.BigInt, SqlType.BigInt, SqlType.BigInt, SqlType.String, SqlType.String, SqlType.Timestamp(3), SqlType.String];

    private static readonly (string, string)[] BidInDuckDb =
        [("auction", "BIGINT"), ("bidder", "BIGINT"), ("price", "BIGINT"), ("channel", "VARCHAR"), ("url", "VARCHAR"), ("dateTime", "TIMESTAMP"), ("extra", "VARCHAR")];

    private const string Orders =
        "CREATE TABLE orders (id BIGINT, customer STRING, amount INT, weight INT) WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json')";

    private static readonly SqlType[] OrderTypes = [SqlType.BigInt, SqlType.String, SqlType.Int, SqlType.Int];

    private static string Fn(string name) => $"CREATE FUNCTION {name} AS 'Eddy.Sql.Tests.Functions.{name}'";

    internal static readonly Gen<object?[][]> Bids =
        Gen.Select(Gen.Long[1, 6], Gen.Long[1, 5], Gen.Long[0, 60_000_000], Gen.Int[0, 3], Gen.Int[0, 200_000], Gen.String[Gen.Char["abcxyz"], 0, 12], Gen.Int[0, 9])
            .Select((auction, bidder, price, channel, minutes, extra, nulls) => new object?[]
            {
                auction, bidder, nulls == 0 ? null : price, channel == 3 ? null : "ch" + channel, "http://x/" + auction,
                new DateTime(2026, 12, 7, 0, 0, 0).AddMinutes(minutes * 0.07), nulls == 1 ? null : extra,
            }).Array[1, 40];

    [Fact]
    public async Task Nexmark_q14_runs_with_its_count_char_function_and_matches_duckdb()
    {
        var script = await SqlScript.Of(
            Bid,
            "CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar'",
            "CREATE TABLE nexmark_q14 (auction BIGINT, bidder BIGINT, price DECIMAL(23, 3), bidTimeType VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR, c_counts BIGINT) " +
            "WITH ('connector' = 'kafka', 'topic' = 'q14', 'format' = 'json')");
        // Nexmark's q14, as written (its prices are scaled down here so that both branches of the filter are taken).
        var sink = script.Insert("""
            INSERT INTO nexmark_q14
            SELECT
                auction,
                bidder,
                0.908 * price as price,
                CASE
                    WHEN HOUR(dateTime) >= 8 AND HOUR(dateTime) <= 18 THEN 'dayTime'
                    WHEN HOUR(dateTime) <= 6 OR HOUR(dateTime) >= 20 THEN 'nightTime'
                    ELSE 'otherTime'
                END AS bidTimeType,
                dateTime,
                extra,
                count_char(extra, 'c') AS c_counts
            FROM bid
            WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000
            """);
        Bids.Sample(bids =>
        {
            var expected = Oracle.Query("bid", BidInDuckDb, bids, """
                SELECT auction, bidder, 0.908 * price,
                       CASE WHEN hour(dateTime) >= 8 AND hour(dateTime) <= 18 THEN 'dayTime'
                            WHEN hour(dateTime) <= 6 OR hour(dateTime) >= 20 THEN 'nightTime' ELSE 'otherTime' END,
                       dateTime, extra, COALESCE(length(extra) - length(replace(extra, 'c', '')), 0)
                FROM bid WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000
                """);
            Assert.Equal(expected, SqlScript.Run(sink, bids.Select((b, i) => ("bid", (IReadOnlyList<SqlType>)BidTypes, b, i % 3))));
        }, iter: 20, threads: 1);
    }

    [Fact]
    public void Count_char_counts_the_utf8_bytes_equal_to_the_first_byte_of_the_character_as_the_java_original()
    {
        var function = new NexmarkCountChar();
        Assert.Equal(3, function.Eval("cacbcc"[..5], "c"));
        Assert.Equal(0, function.Eval(null, "c"));
        // 'é' is C3 A9 and 'ã' C3 A3 in UTF-8: the original compares bytes, so both count for a character starting with C3.
        Assert.Equal(2, function.Eval("éaã", "é"));
        Assert.Throws<SqlFunctionException>(() => function.Eval("abc", ""));
    }

    [Fact]
    public async Task A_call_runs_the_eval_overload_that_takes_the_arguments_types()
    {
        var script = await SqlScript.Of(Orders, Fn(nameof(DescribeValue)),
            "CREATE TABLE out (a STRING, b STRING, c STRING, d STRING, e STRING) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'json')");
        // INT takes Eval(int); BIGINT Eval(long); STRING Eval(string); SMALLINT widens to Eval(int); INT and DOUBLE Eval(double, double).
        var sink = script.Insert("""
            INSERT INTO out SELECT DescribeValue(amount), DescribeValue(id), DescribeValue(customer),
                                   DescribeValue(CAST(amount AS SMALLINT)), describevalue(amount, 0.5E0) FROM orders
            """);
        var rows = SqlScript.Run(sink, [("orders", OrderTypes, [7L, "ann", 3, 1], 0), ("orders", OrderTypes, [8L, null, null, 1], 1)]);
        Assert.Equal(["NULL | long 8 | string null | NULL | NULL", "int 3 | long 7 | string ann | int 3 | doubles 3.5"], rows);
    }

    [Fact]
    public async Task A_null_argument_skips_a_non_nullable_value_parameter_and_reaches_a_nullable_one()
    {
        var script = await SqlScript.Of(Orders, Fn(nameof(PlusOne)), Fn(nameof(NullMarker)),
            "CREATE TABLE out (id BIGINT, a BIGINT, b STRING) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'json')");
        var sink = script.Insert("INSERT INTO out SELECT id, PlusOne(amount), NullMarker(amount) FROM orders");
        Assert.Equal(SqlType.BigInt, sink.Input.FieldTypes[1]);
        var rows = SqlScript.Run(sink, [("orders", OrderTypes, [1L, "a", 41, 1], 0), ("orders", OrderTypes, [2L, "b", null, 1], 0)]);
        Assert.Equal(["1 | 42 | was 41", "2 | NULL | was null"], rows);
    }

    [Fact]
    public async Task A_temporary_system_function_shadows_the_built_in_function_of_its_name_as_in_flink()
    {
        var script = await SqlScript.Of(Orders, "CREATE TEMPORARY SYSTEM FUNCTION upper AS 'Eddy.Sql.Tests.Functions.Shout'",
            "CREATE FUNCTION lower AS 'Eddy.Sql.Tests.Functions.Shout'",
            "CREATE TABLE out (a STRING, b STRING) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'json')");
        // A catalog function does not shadow the built-in LOWER; a temporary system function does shadow UPPER.
        var sink = script.Insert("INSERT INTO out SELECT UPPER(customer), LOWER(customer) FROM orders");
        Assert.Equal(["ANN! | ann"], SqlScript.Run(sink, [("orders", OrderTypes, [1L, "Ann", 1, 1], 0)]));
    }

    [Fact]
    public async Task A_qualified_call_names_the_catalog_function()
    {
        var script = await SqlScript.Of(Orders, Fn(nameof(PlusOne)),
            "CREATE TABLE out (a BIGINT) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'json')");
        var sink = script.Insert("INSERT INTO out SELECT default_catalog.default_database.PlusOne(id) FROM orders");
        Assert.Equal(["6"], SqlScript.Run(sink, [("orders", OrderTypes, [5L, "a", 1, 1], 0)]));
    }

    [Theory]
    [InlineData("Eddy.Sql.Tests.Functions.Missing",
        "Cannot instantiate user-defined function 'f'. Class 'Eddy.Sql.Tests.Functions.Missing' was not found in the loaded assemblies")]
    [InlineData("Eddy.Sql.Tests.Functions.NotAFunction", "Cannot instantiate user-defined function 'f'. Class 'Eddy.Sql.Tests.Functions.NotAFunction' is not a user-defined function")]
    [InlineData("Eddy.Sql.Tests.Functions.HiddenFunction", "Function class 'Eddy.Sql.Tests.Functions.HiddenFunction' is not public.")]
    [InlineData("Eddy.Sql.Tests.Functions.AbstractFunction", "Function class 'Eddy.Sql.Tests.Functions.AbstractFunction' must not be abstract.")]
    [InlineData("Eddy.Sql.Tests.Functions.NeedsArgument", "Function class 'Eddy.Sql.Tests.Functions.NeedsArgument' must have a public default constructor.")]
    [InlineData("Eddy.Sql.Tests.Functions.NoEval", "Function class 'Eddy.Sql.Tests.Functions.NoEval' does not implement a method named 'Eval'.")]
    [InlineData("Eddy.Sql.Tests.Functions.PrivateEval", "Method 'Eval' of function class 'Eddy.Sql.Tests.Functions.PrivateEval' is not public.")]
    public async Task A_function_whose_class_cannot_be_used_is_refused_at_the_call_with_flinks_message(string className, string message)
    {
        var script = await SqlScript.Of(Orders, $"CREATE FUNCTION f AS '{className}'");
        var error = script.Error("SELECT id,\n  f(customer) FROM orders");
        Assert.StartsWith(message, error.Detail, StringComparison.Ordinal);
        Assert.Equal((2, 3), (error.Position.Line, error.Position.Column));
    }

    [Fact]
    public async Task A_call_no_eval_overload_takes_lists_the_signatures_the_class_offers()
    {
        var script = await SqlScript.Of(Orders, "CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar'");
        var error = script.Error("SELECT count_char(amount, 'c') FROM orders");
        Assert.Equal(
            "Invalid function call:\ncount_char(INT, CHAR(1) NOT NULL)\nInvalid input arguments. Expected signatures are:\ncount_char(text STRING, character STRING)",
            error.Detail);
        Assert.Equal((1, 8), (error.Position.Line, error.Position.Column));
    }

    [Fact]
    public async Task A_function_in_another_language_is_refused_by_name()
    {
        var script = await SqlScript.Of(Orders, "CREATE FUNCTION py AS 'my.module.f' LANGUAGE PYTHON");
        Assert.StartsWith("Cannot instantiate user-defined function 'py'. Unknown function language: PYTHON",
            script.Error("SELECT py(customer) FROM orders").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_qualified_function_is_flinks_no_match_found()
    {
        var script = await SqlScript.Of(Orders);
        var error = script.Error("SELECT db1.nope(id) FROM orders");
        Assert.Equal("No match found for function signature db1.nope(<BIGINT>)", error.Detail);
    }

    [Fact]
    public async Task A_table_function_called_as_a_scalar_is_refused_with_where_it_belongs()
    {
        var script = await SqlScript.Of(Orders, Fn(nameof(SplitWords)));
        Assert.Equal("Table function 'SplitWords' can only be called in FROM, as LATERAL TABLE(SplitWords(...))",
            script.Error("SELECT SplitWords(customer) FROM orders").Detail);
    }

    [Fact]
    public void Clr_types_map_to_sql_types_by_the_sql_type_convention_with_flinks_defaults()
    {
        Assert.Equal(SqlType.Int.NotNull(), UserDefinedFunctions.SqlTypeOf(typeof(int)));
        Assert.Equal(SqlType.Int, UserDefinedFunctions.SqlTypeOf(typeof(int?)));
        Assert.Equal(SqlType.String, UserDefinedFunctions.SqlTypeOf(typeof(string)));
        Assert.Equal(SqlType.Decimal(38, 18).NotNull(), UserDefinedFunctions.SqlTypeOf(typeof(decimal)));
        Assert.Equal(SqlType.Timestamp(9).NotNull(), UserDefinedFunctions.SqlTypeOf(typeof(DateTime)));
        Assert.Equal(SqlType.TimestampLtz(9), UserDefinedFunctions.SqlTypeOf(typeof(DateTimeOffset?)));
        Assert.Equal(SqlType.Bytes, UserDefinedFunctions.SqlTypeOf(typeof(byte[])));
        Assert.Null(UserDefinedFunctions.SqlTypeOf(typeof(Guid)));
    }

    // ---- aggregate functions

    private static readonly Gen<object?[][]> OrderRows =
        Gen.Select(Gen.Int[0, 3], Gen.Int[-50, 50], Gen.Int[1, 4], Gen.Int[0, 9])
            .Select((customer, amount, weight, nulls) => new object?[] { 0L, customer == 3 ? null : "c" + customer, nulls == 0 ? null : amount, weight })
            .Array[1, 40];

    [Fact]
    public async Task A_user_defined_aggregate_groups_as_duckdbs_weighted_average()
    {
        var script = await SqlScript.Of(Orders, Fn(nameof(WeightedAvg)),
            "CREATE TABLE out (customer STRING, w BIGINT, n BIGINT) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'debezium-json')");
        // The INT amount is widened to Accumulate's BIGINT parameter; rows with a NULL amount are skipped (long is not nullable).
        var sink = script.Insert("INSERT INTO out SELECT customer, WeightedAvg(amount, weight), COUNT(*) FROM orders GROUP BY customer");
        OrderRows.Sample(rows =>
        {
            for (var i = 0; i < rows.Length; i++)
                rows[i][0] = (long)i;
            var expected = Oracle.Query("orders", [("id", "BIGINT"), ("customer", "VARCHAR"), ("amount", "INTEGER"), ("weight", "INTEGER")], rows, """
                SELECT customer, CAST(trunc(SUM(amount * weight) FILTER (WHERE amount IS NOT NULL) / SUM(weight) FILTER (WHERE amount IS NOT NULL)) AS BIGINT), COUNT(*)
                FROM orders GROUP BY customer
                """);
            Assert.Equal(expected, SqlScript.Run(sink, rows.Select((r, i) => ("orders", (IReadOnlyList<SqlType>)OrderTypes, r, i % 3))));
        }, iter: 20, threads: 1);
    }

    [Fact]
    public async Task A_user_defined_aggregate_with_retract_follows_an_updating_input()
    {
        var script = await SqlScript.Of(
            "CREATE TABLE latest (id BIGINT, customer STRING, amount INT, weight INT, PRIMARY KEY (id) NOT ENFORCED) " +
            "WITH ('connector' = 'upsert-kafka', 'topic' = 'latest', 'key.format' = 'json', 'value.format' = 'json')",
            Fn(nameof(WeightedAvg)),
            "CREATE TABLE out (customer STRING, w BIGINT) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'debezium-json')");
        var sink = script.Insert("INSERT INTO out SELECT customer, WeightedAvg(amount, weight) FROM latest GROUP BY customer");
        using var driver = new JobTestDriver(JobTranslator.Translate("udaf", sink), new() { Partitions = 2 });
        var input = driver.Input<Row, Row>("latest");
        SqlType[] key = [SqlType.BigInt.NotNull()];
        input.Pipe(Row.Of(key, 1L), Row.Of(OrderTypes, 1L, "a", 10, 1), 1);
        input.Pipe(Row.Of(key, 2L), Row.Of(OrderTypes, 2L, "a", 40, 2), 2);
        input.Pipe(Row.Of(key, 1L), Row.Of(OrderTypes, 1L, "a", 70, 1), 3);
        input.Pipe(Row.Of(key, 2L), null!, 4);
        // Only id 1 (70, weight 1) is left: the update retracted (10, 1), the delete (40, 2).
        Assert.Equal(["a | 70"], Translation.Harness.Materialize(driver, sink));
    }

    [Fact]
    public async Task A_user_defined_aggregate_without_retract_is_refused_over_an_updating_input()
    {
        var script = await SqlScript.Of(
            "CREATE TABLE latest (id BIGINT, customer STRING, PRIMARY KEY (id) NOT ENFORCED) " +
            "WITH ('connector' = 'upsert-kafka', 'topic' = 'latest', 'key.format' = 'json', 'value.format' = 'json')",
            Fn(nameof(LongestString)),
            "CREATE TABLE out (s STRING) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'debezium-json')");
        var sink = script.Insert("INSERT INTO out SELECT LongestString(customer) FROM latest");
        var failure = Assert.Throws<PlanningException>(() => JobTranslator.Translate("udaf", sink));
        Assert.Equal("Could not find an implementation method 'Retract' in class 'Eddy.Sql.Tests.Functions.LongestString' for function 'LongestString' of kind AGGREGATE.", failure.Message);
    }

    [Fact]
    public async Task A_user_defined_aggregate_is_refused_where_an_aggregate_is_illegal()
    {
        var script = await SqlScript.Of(Orders, Fn(nameof(LongestString)));
        Assert.Equal("Aggregate expression is illegal in WHERE clause", script.Error("SELECT id FROM orders WHERE LongestString(customer) = 'x'").Detail);
        var mismatch = script.Error("SELECT LongestString(amount) FROM orders");
        Assert.StartsWith("Invalid function call:\nLongestString(INT)", mismatch.Detail, StringComparison.Ordinal);
    }

    // ---- table functions

    /// <summary>Customers holding comma-separated words, some empty or NULL, with DuckDB's unnest(string_split(...)) as the oracle.</summary>
    private static readonly Gen<object?[][]> WordRows =
        Gen.Select(Gen.String[Gen.Char["ab,"], 0, 8], Gen.Int[0, 9]).Select((text, nulls) => new object?[] { 0L, nulls == 0 ? null : text, 1, 1 }).Array[1, 30];

    [Theory]
    [InlineData("FROM orders, LATERAL TABLE(SplitWords(customer))", false)]
    [InlineData("FROM orders CROSS JOIN LATERAL TABLE(SplitWords(customer))", false)]
    [InlineData("FROM orders JOIN LATERAL TABLE(SplitWords(customer)) ON TRUE", false)]
    [InlineData("FROM orders LEFT JOIN LATERAL TABLE(SplitWords(customer)) ON TRUE", true)]
    public async Task A_table_function_joins_each_row_with_the_rows_it_collects_as_duckdbs_unnest(string from, bool left)
    {
        var script = await SqlScript.Of(Orders, Fn(nameof(SplitWords)),
            "CREATE TABLE out (id BIGINT, customer STRING, word STRING, len INT) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'json')");
        var sink = script.Insert($"INSERT INTO out SELECT id, customer, Text, Length {from}");
        WordRows.Sample(rows =>
        {
            for (var i = 0; i < rows.Length; i++)
                rows[i][0] = (long)i;
            var words = "(SELECT id, customer, unnest(list_filter(string_split(customer, ','), w -> w <> '')) AS w FROM orders)";
            var duck = left
                ? $"SELECT o.id, o.customer, w.w, length(w.w) FROM orders o LEFT JOIN (SELECT id, w FROM {words}) w ON o.id = w.id"
                : $"SELECT id, customer, w, length(w) FROM {words}";
            var expected = Oracle.Query("orders", [("id", "BIGINT"), ("customer", "VARCHAR"), ("amount", "INTEGER"), ("weight", "INTEGER")], rows, duck);
            Assert.Equal(expected, SqlScript.Run(sink, rows.Select((r, i) => ("orders", (IReadOnlyList<SqlType>)OrderTypes, r, i % 3))));
        }, iter: 20, threads: 1);
    }

    [Fact]
    public async Task A_table_functions_columns_take_the_aliases_written_after_it()
    {
        var script = await SqlScript.Of(Orders, Fn(nameof(SplitWords)));
        var plan = script.Plan("SELECT T.w, T.n * 2 AS twice FROM orders, LATERAL TABLE(SplitWords(customer)) AS T(w, n)");
        Assert.Equal(["w", "twice"], plan.Fields.Select(f => f.Name));
        Assert.Equal([SqlType.String, SqlType.Int], plan.FieldTypes);
        var error = script.Error("SELECT * FROM orders, LATERAL TABLE(SplitWords(customer)) AS T(w)");
        Assert.StartsWith("List of column aliases must have same degree as table; table has 2 columns ('Text', 'Length')", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scalar_function_in_lateral_table_and_a_condition_other_than_true_are_refused()
    {
        var script = await SqlScript.Of(Orders, Fn(nameof(SplitWords)), Fn(nameof(PlusOne)));
        Assert.StartsWith("Function 'PlusOne' is not a table function", script.Error("SELECT * FROM orders, LATERAL TABLE(PlusOne(id))").Detail, StringComparison.Ordinal);
        Assert.Equal("A LATERAL TABLE join condition other than ON TRUE is not supported yet.",
            script.Error("SELECT * FROM orders LEFT JOIN LATERAL TABLE(SplitWords(customer)) ON Length > 1").Detail);
        Assert.StartsWith("Invalid function call:\nSplitWords(BIGINT)", script.Error("SELECT * FROM orders, LATERAL TABLE(SplitWords(id))").Detail, StringComparison.Ordinal);
    }
}
