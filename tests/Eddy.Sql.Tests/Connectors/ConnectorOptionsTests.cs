using System.Collections.Immutable;
using Eddy.Sql.Connectors;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Connectors;

/// <summary>
/// A table's connector options are validated before the job is built, with Flink's messages (FactoryUtil's
/// "Missing required options are:" and "Unsupported options found for", KafkaConnectorOptionsUtil's cross-option
/// checks), each prefixed as Flink does with the table the source or sink is created for.
/// </summary>
[Trait("Category", "Unit")]
public class ConnectorOptionsTests
{
    private const string Name = "default_catalog.default_database.t";

    private static CatalogTable Table(params (string Key, string Value)[] options) =>
        new(Name, [new("id", SqlType.BigInt.NotNull()), new("name", SqlType.String), new("k_id", SqlType.BigInt)],
            options.ToImmutableDictionary(o => o.Key, o => o.Value), PrimaryKey: ["id"]);

    private static string ScanError(CatalogTable table)
    {
        var scan = new TableScanNode(table);
        // A changelog sink takes whatever the scan produces, so the scan's own errors are the ones reported.
        var sink = new SinkNode(scan, new CatalogTable(Catalog("out"), table.Schema,
            ImmutableDictionary<string, string>.Empty.Add("connector", "kafka").Add("topic", "out").Add("format", "debezium-json")));
        return Assert.Throws<PlanningException>(() => JobTranslator.Translate("job", sink)).Message;
    }

    private static string SinkError(CatalogTable table)
    {
        var source = new CatalogTable(Catalog("in"), table.Schema,
            ImmutableDictionary<string, string>.Empty.Add("connector", "kafka").Add("topic", "in").Add("format", "json"));
        var sink = new SinkNode(new TableScanNode(source), table);
        return Assert.Throws<PlanningException>(() => JobTranslator.Translate("job", sink)).Message;
    }

    private static string Catalog(string name) => "default_catalog.default_database." + name;

    private const string SourcePrefix = $"Unable to create a source for reading table '{Name}'.\n\n";

    [Fact]
    public void An_unknown_option_is_listed_with_the_supported_ones_and_the_closest_name()
    {
        var message = ScanError(Table(("connector", "kafka"), ("topic", "t"), ("format", "json"), ("scan.startup.mod", "earliest-offset")));
        Assert.StartsWith(SourcePrefix + "Unsupported options found for 'kafka'.\n\nUnsupported options:\n\nscan.startup.mod\n\nSupported options:\n\nconnector\nformat\n", message);
        Assert.Contains("\nproperties.*\n", message);
        Assert.EndsWith("\n\nDid you mean 'scan.startup.mode' instead of 'scan.startup.mod'?", message);
    }

    [Fact]
    public void An_unknown_option_far_from_every_name_gets_no_suggestion()
    {
        var message = ScanError(Table(("connector", "kafka"), ("topic", "t"), ("format", "json"), ("colour", "blue")));
        Assert.Contains("Unsupported options:\n\ncolour\n\n", message);
        Assert.DoesNotContain("Did you mean", message);
    }

    [Fact]
    public void Missing_required_options_are_named_in_order()
    {
        var message = SinkError(Table(("connector", "upsert-kafka"), ("topic", "t")));
        Assert.Equal($"Unable to create a sink for writing table '{Name}'.\n\nOne or more required options are missing.\n\nMissing required options are:\n\nkey.format\nvalue.format", message);
    }

    [Fact]
    public void Client_properties_and_the_formats_own_options_pass_validation()
    {
        var table = Table(("connector", "kafka"), ("topic", "t"), ("properties.bootstrap.servers", "localhost:9092"), ("properties.client.id", "me"),
            ("value.format", "json"), ("value.json.ignore-parse-errors", "true"));
        var (_, options) = ConnectorRegistry.Default.ForSource(table);
        Assert.Equal("me", options.Properties["client.id"]);
        Assert.Equal("localhost:9092", options.Properties["bootstrap.servers"]);
    }

    [Fact]
    public void A_format_option_the_format_does_not_know_is_the_formats_error()
    {
        var message = ScanError(Table(("connector", "kafka"), ("topic", "t"), ("format", "json"), ("json.ignore-parse-error", "true")));
        Assert.StartsWith(SourcePrefix + "Unsupported options found for 'json'.\n\nUnsupported options:\n\njson.ignore-parse-error", message);
    }

    [Fact]
    public void Options_of_a_format_the_table_does_not_use_are_unsupported()
    {
        var message = ScanError(Table(("connector", "kafka"), ("topic", "t"), ("format", "json"), ("csv.field-delimiter", ";")));
        Assert.Contains("Unsupported options found for 'kafka'.\n\nUnsupported options:\n\ncsv.field-delimiter\n", message);
    }

    [Theory]
    [InlineData("scan.startup.mode", "first", "Could not parse value 'first' for key 'scan.startup.mode'.\n\nValue for config option 'scan.startup.mode' must be one of [earliest-offset, latest-offset, group-offsets, timestamp, specific-offsets].")]
    [InlineData("scan.startup.timestamp-millis", "yesterday", "Could not parse value 'yesterday' for key 'scan.startup.timestamp-millis'.")]
    [InlineData("value.fields-include", "SOME", "Could not parse value 'SOME' for key 'value.fields-include'.\n\nValue for config option 'value.fields-include' must be one of [ALL, EXCEPT_KEY].")]
    public void A_value_that_does_not_parse_names_its_key(string key, string value, string expected) =>
        Assert.Equal(SourcePrefix + expected, ScanError(Table(("connector", "kafka"), ("topic", "t"), ("format", "json"), (key, value))));

    [Fact]
    public void Enumeration_values_match_ignoring_case_as_in_flink()
    {
        var (_, options) = ConnectorRegistry.Default.ForSource(Table(("connector", "kafka"), ("topic", "t"), ("format", "json"), ("scan.startup.mode", "EARLIEST-OFFSET")));
        Assert.Equal("earliest-offset", options.GetEnum(KafkaOptions.StartupMode));
    }

    [Theory]
    [InlineData("Option 'topic' and 'topic-pattern' shouldn't be set together.", "topic", "t", "topic-pattern", "t.*")]
    [InlineData("Either 'topic' or 'topic-pattern' must be set.", "format", "json", "properties.group.id", "g")]
    [InlineData("'scan.startup.timestamp-millis' is required in 'timestamp' startup mode but missing.", "topic", "t", "scan.startup.mode", "timestamp")]
    [InlineData("'scan.startup.specific-offsets' is required in 'specific-offsets' startup mode but missing.", "topic", "t", "scan.startup.mode", "specific-offsets")]
    [InlineData("The option 'key.fields' can only be declared if a key format is defined using 'key.format'.", "topic", "t", "key.fields", "id")]
    [InlineData("A key format 'key.format' requires the declaration of one or more of key fields using 'key.fields'.", "topic", "t", "key.format", "raw")]
    [InlineData("A key prefix is not allowed when option 'value.fields-include' is set to 'ALL'. Set it to 'EXCEPT_KEY' instead to avoid field overlaps.",
        "topic", "t", "key.fields-prefix", "k_")]
    public void Kafka_cross_option_checks_use_flinks_messages(string expected, string key1, string value1, string key2, string value2)
    {
        var options = new List<(string, string)> { ("connector", "kafka"), (key1, value1), (key2, value2) };
        if (key1 != "format")
            options.Add(("format", "json"));
        Assert.Equal(SourcePrefix + expected, ScanError(Table([.. options])));
    }

    [Fact]
    public void Specific_offsets_must_follow_flinks_format()
    {
        var message = ScanError(Table(("connector", "kafka"), ("topic", "t"), ("format", "json"), ("scan.startup.mode", "specific-offsets"),
            ("scan.startup.specific-offsets", "partition:0,offset:4;partition:x,offset:2")));
        Assert.Equal(SourcePrefix
            + "Invalid properties 'scan.startup.specific-offsets' should follow the format 'partition:0,offset:42;partition:1,offset:300', but is 'partition:0,offset:4;partition:x,offset:2'.",
            message);
    }

    [Fact]
    public void Specific_offsets_parse_per_partition() =>
        Assert.Equal(new Dictionary<int, long> { [0] = 42, [1] = 300 }, KafkaTable.ParseSpecificOffsets("partition:0,offset:42;partition:1,offset:300", "k"));

    [Fact]
    public void A_key_field_must_be_a_physical_column_carrying_the_prefix()
    {
        var unknown = ScanError(Table(("connector", "kafka"), ("topic", "t"), ("format", "json"), ("key.format", "json"), ("key.fields", "nope")));
        Assert.Equal(SourcePrefix
            + "Could not find the field 'nope' in the table schema for usage in the key format. A key field must be a regular, physical column. The following columns can be selected in the 'key.fields' option:\n[id, name, k_id]",
            unknown);
        var unprefixed = ScanError(Table(("connector", "kafka"), ("topic", "t"), ("format", "json"), ("key.format", "json"), ("key.fields", "id"),
            ("key.fields-prefix", "k_"), ("value.fields-include", "EXCEPT_KEY")));
        Assert.Equal(SourcePrefix
            + "All fields in 'key.fields' must be prefixed with 'k_' when option 'key.fields-prefix' is set but field 'id' is not prefixed.", unprefixed);
    }

    [Fact]
    public void The_round_robin_partitioner_refuses_key_fields() =>
        Assert.EndsWith("Currently 'round-robin' partitioner only works when option 'key.fields' is not specified.",
            SinkError(Table(("connector", "kafka"), ("topic", "t"), ("format", "json"), ("key.format", "json"), ("key.fields", "id"), ("sink.partitioner", "round-robin"))));

    [Fact]
    public void An_upsert_kafka_table_needs_a_primary_key()
    {
        var table = Table(("connector", "upsert-kafka"), ("topic", "t"), ("key.format", "json"), ("value.format", "json")) with { PrimaryKey = [] };
        Assert.EndsWith("'upsert-kafka' tables require to define a PRIMARY KEY constraint. The PRIMARY KEY specifies which columns should be read from or write to the Kafka message key. The PRIMARY KEY also defines records in the 'upsert-kafka' table should update or delete on which keys.",
            ScanError(table));
    }

    [Fact]
    public void An_upsert_kafka_table_refuses_a_changelog_format() =>
        Assert.EndsWith("'upsert-kafka' connector doesn't support 'debezium-json' as value format, because 'debezium-json' is not in insert-only mode.",
            ScanError(Table(("connector", "upsert-kafka"), ("topic", "t"), ("key.format", "json"), ("value.format", "debezium-json"))));

    [Fact]
    public void An_unknown_connector_lists_the_available_ones() =>
        Assert.Equal(SourcePrefix
            + "Could not find any factory for identifier 'kafak' that implements 'DynamicTableFactory'.\n\nAvailable factory identifiers are:\n\nblackhole\ndatagen\nkafka\nnexmark\nprint\nupsert-kafka",
            ScanError(Table(("connector", "kafak"), ("topic", "t"))));

    [Fact]
    public void A_sink_only_connector_cannot_be_scanned() =>
        Assert.Equal(SourcePrefix + "Connector 'print' can only be used as a sink. It cannot be used as a source.", ScanError(Table(("connector", "print"))));

    [Fact]
    public void Print_takes_its_own_options_and_no_client_properties() =>
        Assert.Contains("Unsupported options:\n\nproperties.bootstrap.servers\n\nSupported options:\n\nconnector\nprint-identifier\nsink.parallelism\nstandard-error",
            SinkError(Table(("connector", "print"), ("properties.bootstrap.servers", "x"))));

    [Fact]
    public void A_datagen_sequence_needs_its_start_and_end()
    {
        var message = ScanError(Table(("connector", "datagen"), ("fields.id.kind", "sequence"), ("fields.id.start", "1")));
        Assert.Equal(SourcePrefix + "Could not find required property 'fields.id.end' for sequence generator.", message);
    }

    [Fact]
    public void Datagen_options_exist_per_column()
    {
        var message = ScanError(Table(("connector", "datagen"), ("fields.nam.length", "5")));
        Assert.EndsWith("Did you mean 'fields.name.length' instead of 'fields.nam.length'?", message);
    }
}
