using System.Collections.Immutable;
using CsCheck;
using Eddy.Sql.Connectors;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Connectors;

/// <summary>The datagen connector's column generators, by Flink's <c>fields.#.*</c> options and defaults, without a broker.</summary>
[Trait("Category", "Unit")]
public class DataGenFieldTests
{
    private static Dictionary<string, string> Options(params (string Key, string Value)[] options) => options.ToDictionary(o => o.Key, o => o.Value);

    private static List<object?> Values(DataGenField field, int count, int seed = 7)
    {
        var random = new Random(seed);
        var row = new Row(1);
        var values = new List<object?>(count);
        for (var i = 0; i < count; i++)
        {
            field.Write(row, 0, i, random);
            values.Add(row.GetValue(0, field.Type));
        }
        return values;
    }

    [Fact]
    public void Random_integers_stay_within_min_and_max_and_reach_both()
    {
        var field = DataGenField.Of("n", SqlType.Int, Options(("fields.n.min", "-3"), ("fields.n.max", "4")));
        var values = Values(field, 2000).Cast<int>().ToList();
        Assert.All(values, v => Assert.InRange(v, -3, 4));
        Assert.Equal(Enumerable.Range(-3, 8), values.Distinct().Order());
    }

    [Fact]
    public void Random_integers_of_any_bounds_stay_within_them()
    {
        Gen.Select(Gen.Long, Gen.Long).Sample((a, b) =>
        {
            var (min, max) = a <= b ? (a, b) : (b, a);
            var field = DataGenField.Of("n", SqlType.BigInt, Options(("fields.n.min", min.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("fields.n.max", max.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            return Values(field, 20).Cast<long>().All(v => v >= min && v <= max);
        });
    }

    [Fact]
    public void A_bigint_without_bounds_takes_negative_and_positive_values()
    {
        var values = Values(DataGenField.Of("n", SqlType.BigInt, Options()), 200).Cast<long>().ToList();
        Assert.Contains(values, v => v < 0);
        Assert.Contains(values, v => v > 0);
    }

    [Fact]
    public void Random_doubles_stay_within_min_and_max()
    {
        var field = DataGenField.Of("d", SqlType.Double, Options(("fields.d.min", "1.5"), ("fields.d.max", "2.5")));
        Assert.All(Values(field, 1000).Cast<double>(), v => Assert.InRange(v, 1.5, 2.5));
    }

    [Fact]
    public void Random_decimals_fit_their_precision_and_scale()
    {
        var field = DataGenField.Of("d", SqlType.Decimal(5, 2), Options());
        Assert.All(Values(field, 1000).Cast<decimal>(), v =>
        {
            Assert.InRange(v, 0m, 999.99m);
            Assert.Equal(v, Math.Round(v, 2));
        });
    }

    [Fact]
    public void A_null_rate_makes_about_that_share_of_nulls()
    {
        var field = DataGenField.Of("s", SqlType.String, Options(("fields.s.null-rate", "0.3"), ("fields.s.length", "5")));
        var values = Values(field, 10000);
        var nulls = values.Count(v => v is null);
        // 10 000 draws at p = 0.3: the standard deviation is about 46.
        Assert.InRange(nulls, 2700, 3300);
        Assert.All(values.OfType<string>(), s => Assert.Matches("^[0-9a-f]{5}$", s));
    }

    [Fact]
    public void A_string_is_100_hexadecimal_characters_by_default_and_shorter_with_var_len()
    {
        Assert.All(Values(DataGenField.Of("s", SqlType.String, Options()), 10).Cast<string>(), s => Assert.Equal(100, s.Length));
        var varying = Values(DataGenField.Of("s", SqlType.String, Options(("fields.s.length", "10"), ("fields.s.var-len", "true"))), 500).Cast<string>().ToList();
        Assert.All(varying, s => Assert.InRange(s.Length, 1, 9));
        Assert.True(varying.Select(s => s.Length).Distinct().Count() > 3);
        Assert.All(Values(DataGenField.Of("c", SqlType.Char(4), Options()), 10).Cast<string>(), s => Assert.Equal(4, s.Length));
    }

    [Fact]
    public void A_sequence_is_start_plus_the_row_index_for_every_numeric_and_text_type()
    {
        var options = Options(("fields.x.kind", "sequence"), ("fields.x.start", "5"), ("fields.x.end", "9"));
        Assert.Equal([5, 6, 7], Values(DataGenField.Of("x", SqlType.Int, options), 3).Cast<int>());
        Assert.Equal([5L, 6L, 7L], Values(DataGenField.Of("x", SqlType.BigInt, options), 3).Cast<long>());
        Assert.Equal(["5", "6", "7"], Values(DataGenField.Of("x", SqlType.String, options), 3).Cast<string>());
        Assert.Equal([5d, 6d], Values(DataGenField.Of("x", SqlType.Double, options), 2).Cast<double>());
        Assert.Equal([5m, 6m], Values(DataGenField.Of("x", SqlType.Decimal(4, 1), options), 2).Cast<decimal>());
        Assert.Equal(5, DataGenField.Of("x", SqlType.Int, options).Length);
    }

    [Fact]
    public void A_random_timestamp_lies_within_max_past_of_now()
    {
        var before = DateTime.UtcNow;
        var values = Values(DataGenField.Of("ts", SqlType.Timestamp(3), Options(("fields.ts.max-past", "10 min"))), 500).Cast<DateTime>().ToList();
        var after = DateTime.UtcNow;
        Assert.All(values, v => Assert.InRange(v, before.AddMinutes(-10).AddMilliseconds(-1), after));
        Assert.Contains(values, v => v < before.AddMinutes(-1));
        // Without max-past, the time of generation.
        Assert.All(Values(DataGenField.Of("ts", SqlType.TimestampLtz(3), Options()), 5).Cast<DateTimeOffset>(),
            v => Assert.InRange(v.UtcDateTime, before.AddMilliseconds(-1), DateTime.UtcNow));
    }

    [Fact]
    public void Collections_and_rows_are_generated_with_their_elements_defaults()
    {
        var array = Values(DataGenField.Of("a", SqlType.Array(SqlType.Int), Options()), 3).Cast<object?[]>().ToList();
        Assert.All(array, a => Assert.Equal(3, a.Length));
        var row = Values(DataGenField.Of("r", SqlType.Row([new("x", SqlType.Boolean), new("y", SqlType.String)]), Options(("fields.r.y.length", "2"))), 3);
        Assert.All(row.Cast<Row>(), r => Assert.Equal(2, r.GetString(1)!.Length));
    }

    [Theory]
    [InlineData("fields.n.min", "ten", "Could not parse value 'ten' for key 'fields.n.min'.")]
    [InlineData("fields.n.max", "99999999999", "The bounds -2147483648..99999999999 of 'n' do not fit its type (-2147483648..2147483647).")]
    [InlineData("fields.n.null-rate", "1.5", "'fields.n.null-rate' must be between 0 and 1, but is 1.5.")]
    public void A_bad_field_option_is_a_precise_error(string key, string value, string message)
    {
        var error = Assert.Throws<PlanningException>(() => DataGenField.Of("n", SqlType.Int, Options((key, value))));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Min_above_max_and_a_type_without_a_generator_are_refused()
    {
        Assert.Equal("'fields.n.min' (5) must not be greater than 'fields.n.max' (1).",
            Assert.Throws<PlanningException>(() => DataGenField.Of("n", SqlType.Int, Options(("fields.n.min", "5"), ("fields.n.max", "1")))).Message);
        Assert.Equal("Unsupported type: DATE", Assert.Throws<PlanningException>(() => DataGenField.Of("d", SqlType.Date, Options())).Message);
    }

    [Fact]
    public void A_datagen_table_with_a_bad_field_option_fails_when_the_statement_is_translated()
    {
        var table = new CatalogTable("default_catalog.default_database.gen", [new("n", SqlType.Int)],
            ImmutableDictionary<string, string>.Empty.Add("connector", "datagen").Add("fields.n.min", "x"));
        var sink = new CatalogTable("default_catalog.default_database.out", [new("n", SqlType.Int)],
            ImmutableDictionary<string, string>.Empty.Add("connector", "blackhole"));
        var error = Assert.Throws<PlanningException>(() => JobTranslator.Translate("j", new SinkNode(new TableScanNode(table), sink)));
        Assert.Contains("Could not parse value 'x' for key 'fields.n.min'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_generators_of_a_job_are_its_datagen_tables_once_each()
    {
        var gen = new CatalogTable("default_catalog.default_database.gen", [new("n", SqlType.Int)],
            ImmutableDictionary<string, string>.Empty.Add("connector", "datagen").Add("number-of-rows", "7").Add("rows-per-second", "3"));
        var sink = new CatalogTable("default_catalog.default_database.out", [new("n", SqlType.Int)],
            ImmutableDictionary<string, string>.Empty.Add("connector", "blackhole"));
        var generators = JobTranslator.DataGenerators("j", new SinkNode(new TableScanNode(gen), sink), new SinkNode(new TableScanNode(gen), sink));
        var generator = Assert.Single(generators);
        Assert.Equal(("j-gen-datagen", 7L, 3L), (generator.Topic, generator.RowLimit!.Value, generator.RowsPerSecond));
    }

    [Theory]
    [InlineData("500", 500)]
    [InlineData("10 s", 10_000)]
    [InlineData("5min", 300_000)]
    [InlineData("1 h", 3_600_000)]
    [InlineData("2 d", 172_800_000)]
    public void Durations_read_as_flink_reads_them(string text, long millis) => Assert.Equal(TimeSpan.FromMilliseconds(millis), DataGenDuration.Parse(text));
}
