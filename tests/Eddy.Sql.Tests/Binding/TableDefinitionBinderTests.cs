using Eddy.Sql.Binding;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Binding;

[Trait("Category", "Unit")]
public class TableDefinitionBinderTests
{
    private static SqlValidationException Error(string ddl) => Assert.Throws<SqlValidationException>(() => new TestCatalog(ddl).Table("t"));

    [Fact]
    public void Physical_columns_keep_their_declared_types_and_the_options_their_values()
    {
        var table = new TestCatalog(
            "CREATE TABLE t (id BIGINT NOT NULL, name STRING, price DECIMAL(10, 2), ts TIMESTAMP(3)) WITH ('connector' = 'kafka', 'topic' = 'events', 'format' = 'json')")
            .Table("t");
        Assert.Equal("default_catalog.default_database.t", table.Name);
        Assert.Equal(["id", "name", "price", "ts"], table.Schema.Select(f => f.Name));
        Assert.Equal([SqlType.BigInt.NotNull(), SqlType.String, SqlType.Decimal(10, 2), SqlType.Timestamp(3)], table.Schema.Select(f => f.Type));
        Assert.Equal("kafka", table.Connector);
        Assert.Equal("events", table.Topic);
        Assert.Equal("json", table.Options["format"]);
        Assert.Null(table.RowtimeColumn);
        Assert.Empty(table.DeclaredOrder.ToArray());
    }

    [Fact]
    public void Metadata_columns_follow_the_physical_ones_in_the_source_row_with_their_keys()
    {
        var table = new TestCatalog(
            "CREATE TABLE t (id BIGINT, event_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL, `partition` INT METADATA, name STRING) WITH ('connector' = 'kafka')")
            .Table("t");
        Assert.Equal(["id", "name"], table.Schema.Select(f => f.Name));
        Assert.Equal(
            [new("event_time", SqlType.TimestampLtz(3), "timestamp", true), new("partition", SqlType.Int, "partition", false)],
            table.Metadata.ToArray());
        Assert.Equal(["id", "name", "event_time", "partition"], table.SourceFields.Select(f => f.Name));
        Assert.Equal(["id", "event_time", "partition", "name"], table.DeclaredOrder.ToArray());
    }

    [Fact]
    public void A_computed_column_is_bound_over_the_source_row_and_can_be_the_rowtime()
    {
        var table = new TestCatalog(
            "CREATE TABLE t (ms BIGINT, tag STRING METADATA FROM 'topic', ts AS TO_TIMESTAMP_LTZ(ms, 3), label AS UPPER(tag), " +
            "WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'kafka')")
            .Table("t");
        Assert.Equal(["ts", "label"], table.Computed.Select(c => c.Name));
        Assert.Equal("TO_TIMESTAMP_LTZ($0, 3)", table.Computed[0].Expression.ToString());
        Assert.Equal(SqlType.TimestampLtz(3), table.Computed[0].Expression.Type);
        // tag is the source row's column 1 (after the one physical column).
        Assert.Equal("UPPER($1)", table.Computed[1].Expression.ToString());
        Assert.Equal("ts", table.RowtimeColumn);
        Assert.Equal(TimeSpan.FromSeconds(2), table.WatermarkDelay);
        Assert.Same(table.Computed[0].Expression, table.RowtimeExpression);
    }

    [Fact]
    public void A_table_with_computed_columns_is_scanned_then_projected_in_declared_order()
    {
        var catalog = new TestCatalog("CREATE TABLE t (a INT, b AS a + 1, c STRING METADATA) WITH ('connector' = 'kafka')");
        Assert.Equal(
            """
            LogicalProject(a=[$0], b=[+($0, 1)], c=[$1])
            +- LogicalTableScan(table=[[default_catalog, default_database, t]])

            """.ReplaceLineEndings("\n"),
            catalog.Plan("SELECT * FROM t").Explain());
    }

    [Theory]
    [InlineData("ts AS ts", 0)]
    [InlineData("ts AS ts - INTERVAL '5' SECOND", 5_000)]
    [InlineData("ts AS ts - INTERVAL '1' MINUTE", 60_000)]
    [InlineData("ts AS ts - INTERVAL '0.25' SECOND", 250)]
    public void The_watermark_delay_is_the_interval_subtracted_from_the_rowtime(string watermark, int milliseconds)
    {
        var table = new TestCatalog($"CREATE TABLE t (id INT, ts TIMESTAMP(3), WATERMARK FOR {watermark}) WITH ('connector' = 'kafka')").Table("t");
        Assert.Equal("ts", table.RowtimeColumn);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), table.WatermarkDelay);
        Assert.Null(table.RowtimeExpression);
    }

    [Fact]
    public void The_primary_key_columns_become_not_null()
    {
        var table = new TestCatalog("CREATE TABLE t (id BIGINT, region STRING, v INT, PRIMARY KEY (id, region) NOT ENFORCED) WITH ('connector' = 'upsert-kafka')").Table("t");
        Assert.Equal(["id", "region"], table.PrimaryKey.ToArray());
        Assert.Equal([0, 1], table.PrimaryKeyIndices.ToArray());
        Assert.False(table.Schema[0].Type.IsNullable);
        Assert.False(table.Schema[1].Type.IsNullable);
        Assert.True(table.Schema[2].Type.IsNullable);
    }

    [Fact]
    public void An_enforced_primary_key_is_refused_with_flinks_reason()
    {
        var error = Error("CREATE TABLE t (id BIGINT, PRIMARY KEY (id) ENFORCED) WITH ('connector' = 'kafka')");
        Assert.StartsWith("Flink doesn't support ENFORCED mode for PRIMARY KEY constraint.", error.Detail, StringComparison.Ordinal);
        Assert.Equal((1, 28), (error.Line, error.Column));
    }

    [Fact]
    public void A_primary_key_on_an_unknown_or_computed_column_is_refused()
    {
        Assert.Equal("Invalid primary key 'PK_nope'. Column 'nope' does not exist.",
            Error("CREATE TABLE t (id BIGINT, PRIMARY KEY (nope) NOT ENFORCED) WITH ('connector' = 'kafka')").Detail);
        Assert.Equal("Invalid primary key 'pk'. Column 'c' is not a physical column.",
            Error("CREATE TABLE t (id BIGINT, c AS id + 1, CONSTRAINT pk PRIMARY KEY (c) NOT ENFORCED) WITH ('connector' = 'kafka')").Detail);
    }

    [Fact]
    public void A_duplicate_column_name_is_refused_at_the_second_one()
    {
        var error = Error("CREATE TABLE t (id BIGINT,\n  id STRING) WITH ('connector' = 'kafka')");
        Assert.Equal("Schema must not contain duplicate column names. Found duplicates: [id]", error.Detail);
        Assert.Equal((2, 3), (error.Line, error.Column));
        Assert.Equal("From line 2, column 3 to line 2, column 4: Schema must not contain duplicate column names. Found duplicates: [id]", error.Message);
    }

    [Fact]
    public void A_watermark_on_an_unknown_column_lists_the_available_fields()
    {
        var error = Error("CREATE TABLE t (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR tss AS tss) WITH ('connector' = 'kafka')");
        Assert.Equal("The rowtime attribute field 'tss' is not defined in the table schema, at line 1, column 45\nAvailable fields: ['id', 'ts']", error.Detail);
    }

    [Theory]
    [InlineData("BIGINT", "BIGINT")]
    [InlineData("TIMESTAMP(6)", "TIMESTAMP(6)")]
    [InlineData("DATE", "DATE")]
    public void A_rowtime_that_is_not_a_timestamp_of_precision_up_to_3_is_refused(string type, string printed)
    {
        var error = Error($"CREATE TABLE t (ts {type}, WATERMARK FOR ts AS ts) WITH ('connector' = 'kafka')");
        Assert.Equal(
            $"Invalid data type of time field for watermark definition. The field must be of type TIMESTAMP(p) or TIMESTAMP_LTZ(p), the supported precision 'p' is from 0 to 3, but the time field type is {printed}",
            error.Detail);
    }

    [Fact]
    public void Other_watermark_strategies_are_refused_by_name()
    {
        var error = Error("CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts + INTERVAL '1' SECOND) WITH ('connector' = 'kafka')");
        Assert.Equal("Watermark strategy 'ts + INTERVAL '1' SECOND' (only 'ts' and 'ts - INTERVAL ...' are supported) is not supported yet.", error.Detail);
    }

    [Fact]
    public void A_computed_column_over_an_unknown_column_names_it_with_a_suggestion()
    {
        var error = Error("CREATE TABLE t (amount INT, doubled AS amont * 2) WITH ('connector' = 'kafka')");
        Assert.Equal("Column 'amont' not found in any table\nDid you mean 'amount'?", error.Detail);
        Assert.Equal((1, 40), (error.Line, error.Column));
    }

    [Fact]
    public void A_proctime_column_is_a_timestamp_ltz_3_computed_per_row()
    {
        var table = new TestCatalog("CREATE TABLE t (id INT, pt AS PROCTIME()) WITH ('connector' = 'kafka')").Table("t");
        var proctime = Assert.Single(table.Computed);
        Assert.Equal(SqlType.TimestampLtz(3).NotNull(), proctime.Expression.Type);
        Assert.False(proctime.Expression.IsDeterministic);
        Assert.IsType<RexFunctionCall>(proctime.Expression);
    }
}
