using System.Collections.Immutable;
using System.Text;
using CsCheck;
using Eddy.Engine;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;
using Eddy.Sql.Connectors;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Connectors;

/// <summary>
/// Kafka tables read and written through their formats, driven in process: the bytes piped in are what a Kafka
/// producer would have written (JSON, CSV, raw keys), the bytes out what a consumer would read, and a record that
/// does not fit its table's format lands in the dead-letter list with the field that failed.
/// </summary>
[Trait("Category", "Unit")]
public class KafkaConnectorTests
{
    private static string Catalog(string name) => "default_catalog.default_database." + name;

    private static ImmutableDictionary<string, string> Options(params (string Key, string Value)[] options) =>
        options.ToImmutableDictionary(o => o.Key, o => o.Value);

    private static SinkNode Identity(CatalogTable source, CatalogTable sink) => new(new TableScanNode(source), sink);

    private static readonly ISerde<string?> Text = new NullableText();

    /// <summary>UTF-8 text, null for a missing key or a tombstone.</summary>
    private sealed class NullableText : ISerde<string?>
    {
        public byte[] Serialize(string? value) => Encoding.UTF8.GetBytes(value!);

        public string? Deserialize(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);
    }

    private static readonly ImmutableArray<SqlField> Clicks =
        [new("k_user", SqlType.String), new("url", SqlType.String), new("n", SqlType.Int)];

    [Fact]
    public void Key_fields_come_from_the_key_and_the_rest_from_the_value_with_except_key_and_a_prefix()
    {
        var source = new CatalogTable(Catalog("clicks"), Clicks, Options(("connector", "kafka"), ("topic", "clicks"), ("key.format", "json"),
            ("key.fields", "k_user"), ("key.fields-prefix", "k_"), ("value.fields-include", "EXCEPT_KEY"), ("value.format", "json")));
        var scan = new TableScanNode(source);
        var filter = new FilterNode(scan, Rex.Compare(SqlOperator.GreaterThan, Rex.Input(2, SqlType.Int), Rex.Int(1)));
        // The sink keys its records by the user in raw text and writes the url and count as CSV.
        var sinkTable = new CatalogTable(Catalog("out"), Clicks, Options(("connector", "kafka"), ("topic", "out"), ("key.format", "raw"),
            ("key.fields", "k_user"), ("key.fields-prefix", "k_"), ("value.fields-include", "EXCEPT_KEY"), ("value.format", "csv")));
        using var driver = new JobTestDriver(JobTranslator.Translate("clicks", new SinkNode(filter, sinkTable)));
        var input = driver.Input("clicks", Text, Text);
        input.Pipe("""{"user":"ann"}""", """{"url":"/a","n":3}""", 1);
        input.Pipe("""{"user":"bob"}""", """{"url":"/b","n":1}""", 2);
        input.Pipe(null, """{"url":"/c","n":7}""", 3);

        var output = driver.Output("out", Text, Text).ReadAll();
        Assert.Equal([("ann", "/a,3"), (null, "/c,7")], output.Select(r => (r.Key, r.Value)).ToArray());
        Assert.Empty(driver.DeadLetters);
    }

    [Fact]
    public void A_record_that_does_not_fit_the_format_is_dead_lettered_with_the_field_and_the_job_goes_on()
    {
        var source = new CatalogTable(Catalog("clicks"), Clicks, Options(("connector", "kafka"), ("topic", "clicks"), ("format", "json")));
        var sinkTable = new CatalogTable(Catalog("out"), Clicks, Options(("connector", "kafka"), ("topic", "out"), ("format", "json")));
        using var driver = new JobTestDriver(JobTranslator.Translate("clicks", Identity(source, sinkTable)));
        var input = driver.Input("clicks", Text, Text);
        input.Pipe(null, """{"k_user":"ann","url":"/a","n":"three"}""", 1);
        input.Pipe(null, """{"k_user":"bob","url":"/b","n":2}""", 2);

        var dead = Assert.Single(driver.DeadLetters);
        Assert.Equal("clicks", dead.Topic);
        Assert.Equal(0, dead.Offset);
        Assert.Contains("at field 'n'", dead.Error, StringComparison.Ordinal);
        Assert.StartsWith("FormatParseException: Failed to deserialize JSON", dead.Error, StringComparison.Ordinal);
        Assert.Equal("""{"k_user":"ann","url":"/a","n":"three"}""", Encoding.UTF8.GetString(dead.Value!));
        Assert.Equal(["""{"k_user":"bob","url":"/b","n":2}"""], driver.Output("out", Text, Text).ReadValues());
    }

    [Fact]
    public void Ignored_parse_errors_skip_the_record_as_flink_does()
    {
        var source = new CatalogTable(Catalog("clicks"), Clicks,
            Options(("connector", "kafka"), ("topic", "clicks"), ("format", "json"), ("json.ignore-parse-errors", "true")));
        var sinkTable = new CatalogTable(Catalog("out"), Clicks, Options(("connector", "kafka"), ("topic", "out"), ("format", "json")));
        using var driver = new JobTestDriver(JobTranslator.Translate("clicks", Identity(source, sinkTable)));
        var input = driver.Input("clicks", Text, Text);
        input.Pipe(null, "{not json", 1);
        input.Pipe(null, """{"k_user":"bob","url":"/b","n":"two"}""", 2);
        input.Pipe(null, """{"k_user":"cy","url":"/c","n":4}""", 3);

        Assert.Empty(driver.DeadLetters);
        // A field that does not parse is NULL with ignore-parse-errors (Flink's JSON format), a message that does not parse is skipped.
        Assert.Equal(["""{"k_user":"bob","url":"/b","n":null}""", """{"k_user":"cy","url":"/c","n":4}"""], driver.Output("out", Text, Text).ReadValues());
    }

    [Fact]
    public void An_upsert_kafka_table_reads_its_key_as_the_primary_key_and_a_tombstone_as_a_delete()
    {
        ImmutableArray<SqlField> accounts = [new("id", SqlType.BigInt.NotNull()), new("owner", SqlType.String), new("balance", SqlType.Int)];
        var source = new CatalogTable(Catalog("accounts"), accounts,
            Options(("connector", "upsert-kafka"), ("topic", "accounts"), ("key.format", "json"), ("value.format", "json")), PrimaryKey: ["id"]);
        var sinkTable = new CatalogTable(Catalog("mirror"), accounts,
            Options(("connector", "upsert-kafka"), ("topic", "mirror"), ("key.format", "json"), ("value.format", "csv"),
                ("value.fields-include", "EXCEPT_KEY")), PrimaryKey: ["id"]);
        using var driver = new JobTestDriver(JobTranslator.Translate("mirror", Identity(source, sinkTable)));
        var input = driver.Input("accounts", Text, Text);
        input.Pipe("""{"id":1}""", """{"id":1,"owner":"ann","balance":10}""", 1);
        input.Pipe("""{"id":2}""", """{"id":2,"owner":"bob","balance":5}""", 2);
        input.Pipe("""{"id":1}""", """{"id":1,"owner":"ann","balance":12}""", 3);
        input.Pipe("""{"id":2}""", null, 4);

        var output = driver.Output("mirror", Text, Text).ReadAll();
        Assert.Equal(
            [("""{"id":1}""", "ann,10"), ("""{"id":2}""", "bob,5"), ("""{"id":1}""", "ann,12"), ("""{"id":2}""", null)],
            output.Select(r => (r.Key, r.Value)).ToArray());
    }

    [Fact]
    public void A_kafka_table_over_several_topics_reads_them_all()
    {
        var source = new CatalogTable(Catalog("clicks"), Clicks, Options(("connector", "kafka"), ("topic", "eu;us"), ("format", "csv")));
        var sinkTable = new CatalogTable(Catalog("out"), Clicks, Options(("connector", "kafka"), ("topic", "out"), ("format", "csv")));
        using var driver = new JobTestDriver(JobTranslator.Translate("clicks", Identity(source, sinkTable)));
        driver.Input("eu", Text, Text).Pipe(null, "ann,/a,1", 1);
        driver.Input("us", Text, Text).Pipe(null, "bob,/b,2", 2);
        Assert.Equal(["ann,/a,1", "bob,/b,2"], driver.Output("out", Text, Text).ReadValues());
    }

    [Theory]
    [InlineData("earliest-offset", null, null)]
    [InlineData("group-offsets", null, null)]
    [InlineData("latest-offset", null, "from latest")]
    [InlineData("timestamp", "scan.startup.timestamp-millis=1700000000000", "from timestamp 1700000000000")]
    [InlineData("specific-offsets", "scan.startup.specific-offsets=partition:1,offset:300;partition:0,offset:42", "from offsets 0:42;1:300")]
    [InlineData("group-offsets", "properties.auto.offset.reset=latest", "from latest")]
    [InlineData("group-offsets", "properties.auto.offset.reset=earliest", null)]
    public void Each_startup_mode_becomes_the_start_position_of_the_engine_source(string mode, string? option, string? expected)
    {
        var options = new List<(string, string)> { ("connector", "kafka"), ("topic", "clicks"), ("format", "json"), ("scan.startup.mode", mode) };
        if (option is not null)
            options.Add((option[..option.IndexOf('=', StringComparison.Ordinal)], option[(option.IndexOf('=', StringComparison.Ordinal) + 1)..]));
        var source = new CatalogTable(Catalog("clicks"), Clicks, Options([.. options]));
        var sinkTable = new CatalogTable(Catalog("out"), Clicks, Options(("connector", "blackhole")));
        var plan = JobTranslator.Translate("clicks", Identity(source, sinkTable));
        var scan = Assert.Single(plan.Operators, o => o.Kind == Eddy.Engine.Plan.OperatorKind.Source);
        Assert.Equal(expected, scan.StartAt?.ToString());
    }

    [Fact]
    public void An_auto_offset_reset_other_than_earliest_or_latest_is_refused()
    {
        var source = new CatalogTable(Catalog("clicks"), Clicks, Options(("connector", "kafka"), ("topic", "clicks"), ("format", "json"),
            ("properties.auto.offset.reset", "none")));
        var sinkTable = new CatalogTable(Catalog("out"), Clicks, Options(("connector", "blackhole")));
        var error = Assert.Throws<Eddy.Sql.Planning.PlanningException>(() => JobTranslator.Translate("clicks", Identity(source, sinkTable)));
        Assert.EndsWith(
            "Table 'default_catalog.default_database.clicks': 'properties.auto.offset.reset' = 'none' is not supported: a partition without a committed offset starts at 'earliest' or 'latest'.",
            error.Message, StringComparison.Ordinal);
    }

    private static readonly ImmutableArray<SqlField> Typed =
    [
        new("id", SqlType.BigInt.NotNull()), new("name", SqlType.String), new("amount", SqlType.Decimal(10, 2)), new("ratio", SqlType.Double),
        new("day", SqlType.Date), new("at", SqlType.Timestamp(3)), new("ok", SqlType.Boolean),
    ];

    private static readonly Gen<object?[]> TypedRow = Gen.Select(Gen.Long, Gen.String["abc, \"é\n"].Null(), Gen.Int[-99_999_999, 99_999_999].Nullable(),
            Gen.Double[-1e6, 1e6].Nullable(), Gen.Int[0, 40_000].Nullable(), Gen.Long[0, 4_000_000_000_000].Nullable(), Gen.Bool.Nullable())
        .Select((id, name, cents, ratio, day, at, ok) => new object?[]
        {
            id, name, cents is { } c ? c / 100m : null, ratio, day is { } d ? DateOnly.FromDayNumber(719_162 + d) : null,
            at is { } ms ? DateTime.UnixEpoch.AddMilliseconds(ms) : null, ok,
        });

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    [InlineData("avro")]
    public void Rows_written_by_a_sink_read_back_the_same_through_each_format(string format)
    {
        var types = Typed.Select(f => f.Type).ToArray();
        // CSV writes NULL as an empty field, which reads back as an empty STRING (as in Flink) unless a null literal is set.
        var options = format == "csv"
            ? ImmutableDictionary<string, string>.Empty.Add("format", "csv").Add("csv.null-literal", "\\N")
            : ImmutableDictionary<string, string>.Empty.Add("format", format);
        var source = new CatalogTable(Catalog("in"), Typed, options.Add("connector", "kafka").Add("topic", "in"));
        var sinkTable = new CatalogTable(Catalog("out"), Typed, options.Add("connector", "kafka").Add("topic", "out"));
        var plan = JobTranslator.Translate("copy", Identity(source, sinkTable));
        // The input rows are encoded by the source table's format, the output decoded by the sink's: a row survives
        // the source's decoding and the sink's encoding unchanged.
        TypedRow.Array[1, 20].Sample(rows =>
        {
            using var driver = new JobTestDriver(plan);
            var input = driver.Input<Row, Row>("in");
            foreach (var values in rows)
                input.Pipe(null!, Row.Of(types, values), 0);
            var output = driver.Output<Row, Row>("out").ReadValues();
            Assert.Empty(driver.DeadLetters);
            Assert.Equal(rows.Select(r => Row.Of(types, r)), output);
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void A_raw_value_is_the_single_column_and_a_raw_key_the_key_column()
    {
        ImmutableArray<SqlField> lines = [new("k", SqlType.String), new("line", SqlType.String)];
        var source = new CatalogTable(Catalog("logs"), lines, Options(("connector", "kafka"), ("topic", "logs"), ("key.format", "raw"), ("key.fields", "k"),
            ("value.format", "raw"), ("value.fields-include", "EXCEPT_KEY")));
        var upper = new ProjectNode(new TableScanNode(source), [Rex.Input(0, SqlType.String), Rex.Input(1, SqlType.String)], ["k", "line"]);
        var sinkTable = new CatalogTable(Catalog("out"), lines, Options(("connector", "kafka"), ("topic", "out"), ("format", "json")));
        using var driver = new JobTestDriver(JobTranslator.Translate("logs", new SinkNode(upper, sinkTable)));
        driver.Input("logs", Text, Text).Pipe("host-1", "disk full", 1);
        Assert.Equal(["""{"k":"host-1","line":"disk full"}"""], driver.Output("out", Text, Text).ReadValues());
    }

    [Fact]
    public void A_rowtime_read_from_the_key_stamps_the_row()
    {
        ImmutableArray<SqlField> events = [new("at", SqlType.Timestamp(3)), new("what", SqlType.String)];
        var source = new CatalogTable(Catalog("events"), events, Options(("connector", "kafka"), ("topic", "events"), ("key.format", "json"),
            ("key.fields", "at"), ("value.format", "json"), ("value.fields-include", "EXCEPT_KEY")), RowtimeColumn: "at");
        var sinkTable = new CatalogTable(Catalog("out"), events, Options(("connector", "kafka"), ("topic", "out"), ("format", "json")));
        using var driver = new JobTestDriver(JobTranslator.Translate("events", Identity(source, sinkTable)));
        driver.Input("events", Text, Text).Pipe("""{"at":"2024-01-02 03:04:05.678"}""", """{"what":"x"}""", 1);
        var record = Assert.Single(driver.Output("out", Text, Text).ReadAll());
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).ToUnixTimeMilliseconds(), record.Timestamp);
        Assert.Equal("""{"at":"2024-01-02 03:04:05.678","what":"x"}""", record.Value);
    }

    [Fact]
    public void The_datagen_table_reads_the_topic_its_generator_writes()
    {
        var source = new CatalogTable(Catalog("gen"), Clicks, Options(("connector", "datagen")));
        var sinkTable = new CatalogTable(Catalog("out"), Clicks, Options(("connector", "kafka"), ("topic", "out"), ("format", "json")));
        var plan = JobTranslator.Translate("j", Identity(source, sinkTable));
        using var driver = new JobTestDriver(plan);
        Assert.Equal("j-gen-datagen", DataGenTopic.Of("j", source.Name));
        driver.Input("j-gen-datagen", Text, Text).Pipe(null, """{"k_user":"a","url":"/","n":1}""", 1);
        Assert.Equal(["""{"k_user":"a","url":"/","n":1}"""], driver.Output("out", Text, Text).ReadValues());
    }

    [Fact]
    public void Print_writes_flinks_row_text_with_the_identifier_and_blackhole_nothing()
    {
        ImmutableArray<SqlField> fields = [new("id", SqlType.Int), new("name", SqlType.String), new("at", SqlType.Timestamp(3)), new("score", SqlType.Double)];
        var source = new CatalogTable(Catalog("in"), fields, Options(("connector", "kafka"), ("topic", "in"), ("format", "json")));
        var print = new CatalogTable(Catalog("shown"), fields, Options(("connector", "print"), ("print-identifier", "id")));
        var hole = new CatalogTable(Catalog("gone"), fields, Options(("connector", "blackhole")));
        var scan = new TableScanNode(source);
        var plan = JobTranslator.Translate("show", new SinkNode(scan, print), new SinkNode(scan, hole));
        using var printed = new StringWriter();
        RowPrinter.Redirect.Value = printed;
        try
        {
            using var driver = new JobTestDriver(plan);
            var input = driver.Input("in", Text, Text);
            input.Pipe(null, """{"id":1,"name":"abc","at":"2024-01-02 03:04:00","score":1.5}""", 1);
            input.Pipe(null, """{"id":2,"name":null,"at":"2024-01-02 03:04:05.120","score":1e10}""", 2);
            Assert.Empty(driver.Output("show-shown-discarded", Text, Text).ReadAll());
            Assert.Empty(driver.Output("show-gone-discarded", Text, Text).ReadAll());
        }
        finally
        {
            RowPrinter.Redirect.Value = null;
        }
        Assert.Equal("id> +I[1, abc, 2024-01-02T03:04, 1.5]\nid> +I[2, null, 2024-01-02T03:04:05.120, 1.0E10]\n", printed.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_printer_spells_each_row_kind_as_flink()
    {
        var printer = new RowPrinter([SqlType.Int], null, standardError: false);
        var row = Row.Of([SqlType.Int], 7);
        Assert.Equal(["+I[7]", "-U[7]", "+U[7]", "-D[7]"],
            new[] { RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter, RowKind.Delete }.Select(k => printer.Format(k, row)));
    }
}
