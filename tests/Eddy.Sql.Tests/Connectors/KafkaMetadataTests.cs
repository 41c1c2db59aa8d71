using System.Collections.Immutable;
using System.Text;
using Eddy.Engine;
using Eddy.Engine.Testing;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Connectors;

/// <summary>
/// Metadata columns of a kafka table (<c>ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp'</c>, ...) read from each
/// consumed record through the engine's record reader, after the physical columns, as Flink's kafka source does.
/// </summary>
[Trait("Category", "Unit")]
public class KafkaMetadataTests
{
    private static string Catalog(string name) => "default_catalog.default_database." + name;

    private static readonly ISerde<string?> Text = new NullableText();

    private sealed class NullableText : ISerde<string?>
    {
        public byte[] Serialize(string? value) => Encoding.UTF8.GetBytes(value!);

        public string? Deserialize(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);
    }

    private static CatalogTable Clicks(params CatalogMetadataColumn[] metadata) =>
        new CatalogTable(Catalog("clicks"), [new("url", SqlType.String), new("n", SqlType.Int)],
            ImmutableDictionary<string, string>.Empty.Add("connector", "kafka").Add("topic", "clicks").Add("format", "json")) { Metadata = [.. metadata] };

    private static SinkNode IntoJson(CatalogTable source)
    {
        var scan = new TableScanNode(source);
        return new SinkNode(scan, new CatalogTable(Catalog("out"), scan.Fields,
            ImmutableDictionary<string, string>.Empty.Add("connector", "kafka").Add("topic", "out").Add("format", "json")));
    }

    [Fact]
    public void Topic_partition_offset_and_timestamp_follow_the_physical_columns()
    {
        var source = Clicks(
            new CatalogMetadataColumn("ts", SqlType.TimestampLtz(3), "timestamp", IsVirtual: false),
            new CatalogMetadataColumn("part", SqlType.Int, "partition", IsVirtual: true),
            new CatalogMetadataColumn("off", SqlType.BigInt, "offset", IsVirtual: true),
            new CatalogMetadataColumn("origin", SqlType.String, "topic", IsVirtual: true));
        using var driver = new JobTestDriver(JobTranslator.Translate("meta", IntoJson(source)), new JobTestDriverOptions { Partitions = 2 });
        var input = driver.Input("clicks", Text, Text);
        var at = new DateTimeOffset(2024, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).ToUnixTimeMilliseconds();
        input.Pipe(null, """{"url":"/a","n":1}""", at, partition: 1);
        input.Pipe(null, """{"url":"/b","n":2}""", at + 1000, partition: 1);
        input.Pipe(null, """{"url":"/c","n":3}""", at + 2000, partition: 0);

        Assert.Equal(
        [
            """{"url":"/a","n":1,"ts":"2024-01-02 03:04:05.678Z","part":1,"off":0,"origin":"clicks"}""",
            """{"url":"/b","n":2,"ts":"2024-01-02 03:04:06.678Z","part":1,"off":1,"origin":"clicks"}""",
            """{"url":"/c","n":3,"ts":"2024-01-02 03:04:07.678Z","part":0,"off":0,"origin":"clicks"}""",
        ], driver.Output("out", Text, Text).ReadValues());
    }

    [Fact]
    public void A_metadata_timestamp_can_be_the_rowtime()
    {
        var source = Clicks(new CatalogMetadataColumn("ts", SqlType.Timestamp(3), "timestamp", IsVirtual: false)) with { RowtimeColumn = "ts" };
        using var driver = new JobTestDriver(JobTranslator.Translate("meta", IntoJson(source)));
        driver.Input("clicks", Text, Text).Pipe(null, """{"url":"/a","n":1}""", 86_400_000);
        var record = Assert.Single(driver.Output("out", Text, Text).ReadAll());
        Assert.Equal(86_400_000, record.Timestamp);
        Assert.Equal("""{"url":"/a","n":1,"ts":"1970-01-02 00:00:00"}""", record.Value);
    }

    [Fact]
    public void A_bad_record_with_metadata_columns_is_still_dead_lettered_with_its_field()
    {
        var source = Clicks(new CatalogMetadataColumn("off", SqlType.BigInt, "offset", IsVirtual: true));
        using var driver = new JobTestDriver(JobTranslator.Translate("meta", IntoJson(source)));
        driver.Input("clicks", Text, Text).Pipe(null, """{"url":"/a","n":"one"}""", 1);
        Assert.Contains("at field 'n'", Assert.Single(driver.DeadLetters).Error, StringComparison.Ordinal);
        Assert.Empty(driver.Output("out", Text, Text).ReadAll());
    }

    [Fact]
    public void An_unknown_metadata_key_lists_the_readable_ones()
    {
        var error = Assert.Throws<PlanningException>(() => JobTranslator.Translate("meta",
            IntoJson(Clicks(new CatalogMetadataColumn("p", SqlType.Int, "partiton", IsVirtual: true)))));
        Assert.Equal(
            "Invalid metadata key 'partiton' in column 'p' of table 'default_catalog.default_database.clicks'. The kafka connector supports the following metadata keys for reading:\ntopic\npartition\nheaders\nleader-epoch\noffset\ntimestamp\ntimestamp-type",
            error.Message);
    }

    [Fact]
    public void A_metadata_column_of_another_type_is_refused_naming_both_types()
    {
        var error = Assert.Throws<PlanningException>(() => JobTranslator.Translate("meta",
            IntoJson(Clicks(new CatalogMetadataColumn("off", SqlType.String, "offset", IsVirtual: true)))));
        Assert.Equal(
            "Invalid data type for metadata column 'off' of table 'default_catalog.default_database.clicks'. The column cannot be declared as 'STRING' because Eddy reads metadata key 'offset' as 'BIGINT NOT NULL'.",
            error.Message);
    }

    [Fact]
    public void Headers_are_refused_by_name_until_the_engine_gives_them()
    {
        var error = Assert.Throws<PlanningException>(() => JobTranslator.Translate("meta",
            IntoJson(Clicks(new CatalogMetadataColumn("h", SqlType.Map(SqlType.String.NotNull(), SqlType.Bytes), "headers", IsVirtual: false)))));
        Assert.Equal(
            "Table 'default_catalog.default_database.clicks': metadata key 'headers' (column 'h') is not read by Eddy's engine yet; it reads topic, partition, offset and timestamp.",
            error.Message);
    }
}
