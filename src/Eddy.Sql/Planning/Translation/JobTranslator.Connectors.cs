using System.Collections.Immutable;
using Eddy.Engine;
using Eddy.Engine.Records;
using Eddy.Sql.Connectors;
using Eddy.Sql.Formats;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Planning.Changelog;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Runtime;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Translation;

/// <summary>
/// The connectors' side of the translation: a scanned table becomes a source reading its topics through the table's
/// key and value formats, an <c>INSERT INTO</c> a sink writing through them (or printing, or discarding). The options
/// are validated by the table's connector first, with Flink's messages.
/// </summary>
internal sealed partial class JobTranslator
{
    private Translated Scan(TableScanNode scan)
    {
        var table = scan.Table;
        var (factory, options) = ConnectorRegistry.Default.ForSource(table);
        if (!table.Metadata.IsEmpty && factory.Identifier != "kafka")
            throw new PlanningException(
                $"Table '{table.Name}': metadata columns ({string.Join(", ", table.Metadata.Select(m => m.Name))}) are read from 'kafka' tables only, not from '{factory.Identifier}' yet.");
        return factory.Identifier switch
        {
            "kafka" or "upsert-kafka" => ScanKafka(table, ConnectorRegistry.Creating(table, forSource: true, () => KafkaTable.Of(table, options))),
            "datagen" => ScanDataGen(table, options),
            "nexmark" => ScanNexmark(table, options),
            _ => throw new PlanningException($"Table '{table.Name}': connector '{factory.Identifier}' is not translated to the engine yet."),
        };
    }

    private Translated ScanKafka(CatalogTable table, KafkaTable kafka)
    {
        if (kafka.ValueFormat.ChangelogMode != FormatChangelogMode.InsertOnly)
            throw new PlanningException($"Table '{table.Name}': changelog formats ('{kafka.ValueFormat.Identifier}') are not read by the engine yet.");
        if (kafka.IsUpsert && kafka.StartAt is not null)
            throw new PlanningException($"Table '{table.Name}': an 'upsert-kafka' table is read from the earliest offset ('properties.auto.offset.reset' = 'latest' is not supported).");
        if (table.Options.TryGetValue("scan.bounded.mode", out var bounded) && !bounded.Equals("unbounded", StringComparison.OrdinalIgnoreCase))
            throw new PlanningException($"Table '{table.Name}': 'scan.bounded.mode' = '{bounded}' is not supported: an Eddy job reads its topics unbounded.");

        var valueType = kafka.RowType(table, kafka.ValueFields, stripPrefix: false);
        var keyType = kafka.KeyFormat is null ? null : kafka.RowType(table, kafka.KeyFields, stripPrefix: true);
        // Only EXCEPT_KEY leaves columns out of the value: the key's columns are then read from the key.
        var split = kafka.ValueFields.Length != table.Schema.Length;
        var types = table.Schema.Select(f => f.Type).ToImmutableArray();
        if (!table.Metadata.IsEmpty)
            return ScanWithMetadata(table, kafka, keyType is null ? null : new FormatRowSerde(kafka.KeyFormat!, keyType), new FormatRowSerde(kafka.ValueFormat, valueType));
        var (watermarks, timestampOf) = EventTimeOf(table, kafka.KeyFields, kafka.ValueFields);

        if (kafka.IsUpsert)
        {
            if (kafka.Topics.Length != 1)
                throw new PlanningException($"Table '{table.Name}': an 'upsert-kafka' table reads one topic, not {kafka.Topics.Length}.");
            if (split)
                throw new PlanningException(
                    $"Table '{table.Name}': 'value.fields-include' = 'EXCEPT_KEY' is not read by Eddy's upsert-kafka source yet; use 'ALL'.");
            var keyIndices = table.PrimaryKeyIndices;
            var keyTypes = keyIndices.Select(i => types[i]).ToImmutableArray();
            // A record the value format would skip cannot be skipped in a table (the key's row would be left as it was
            // without a trace), so the upsert source dead-letters it instead.
            var upserts = _job.Table(kafka.Topics[0], new FormatRowSerde(kafka.KeyFormat!, keyType!), new FormatRowSerde(kafka.ValueFormat, valueType, skipIsError: true),
                watermarks, timestampOf, name: table.Name);
            return new UpdatingRows(upserts, keyTypes, keyIndices);
        }

        ISerde<Row> keySerde = keyType is null ? RawKeySerde.Instance : new FormatRowSerde(kafka.KeyFormat!, keyType);
        var valueSerde = new FormatRowSerde(kafka.ValueFormat, valueType);
        Stream<Row, Row>? rows = null;
        foreach (var topic in kafka.Topics)
        {
            var source = _job.Source(topic, keySerde, valueSerde, watermarks, timestampOf, name: kafka.Topics.Length == 1 ? table.Name : $"{table.Name}-{topic}",
                startAt: kafka.StartAt);
            rows = rows is null ? source : rows.Union(source, name: Name("union"));
        }
        // A tombstone, or a message the format skipped (ignore-parse-errors), has no row.
        rows = rows!.Filter(static (_, value) => value is not null, name: Name("scan"));
        if (split)
        {
            var physical = new BinaryRowSerde(types);
            var valueFields = kafka.ValueFields;
            var keyFields = kafka.KeyFields;
            rows = rows.Map((key, value) => ((Row)null!, Combine(key, keyFields, value, valueFields, types)), RawKeySerde.Instance, physical, name: Name("scan-row"));
        }
        return new AppendRows(rows);
    }

    /// <summary>
    /// A kafka table with metadata columns: the engine's record reader builds each source row (the physical columns
    /// from the key and value formats, then the metadata from the record), so the event time and everything after
    /// see the whole source row. Without metadata columns the plain source path stays (no reader, no copy).
    /// </summary>
    private AppendRows ScanWithMetadata(CatalogTable table, KafkaTable kafka, FormatRowSerde? keySerde, FormatRowSerde valueSerde)
    {
        var sourceTypes = table.SourceFields.Select(f => f.Type).ToImmutableArray();
        var physical = table.Schema.Length;
        var writers = table.Metadata.Select(m => KafkaMetadata.Writer(table, m)).ToArray();
        var keyFields = kafka.KeyFields;
        var valueFields = kafka.ValueFields;
        RecordReader<Row, Row> reader = (in ConsumedRecord record, out Row key, out Row value) =>
        {
            key = null!;
            var valueRow = record.Value is null ? null : valueSerde.Deserialize(record.Value);
            if (valueRow is null)
            {
                // A tombstone, or a message the format skipped: no row.
                value = null!;
                return;
            }
            var keyRow = keySerde is null || record.Key is null ? null : keySerde.Deserialize(record.Key);
            var row = new Row(sourceTypes.Length);
            for (var i = 0; i < valueFields.Length; i++)
                RowColumns.Copy(valueRow, i, row, valueFields[i], sourceTypes[valueFields[i]]);
            if (keyRow is not null && valueFields.Length != physical)
            {
                for (var i = 0; i < keyFields.Length; i++)
                    RowColumns.Copy(keyRow, i, row, keyFields[i], sourceTypes[keyFields[i]]);
            }
            for (var i = 0; i < writers.Length; i++)
                writers[i](record, row, physical + i);
            value = row;
        };
        var (watermarks, timestampOf) = SourceRowEventTime(table);
        var rowSerde = new BinaryRowSerde(sourceTypes);
        Stream<Row, Row>? rows = null;
        foreach (var topic in kafka.Topics)
        {
            var source = _job.RecordSource(topic, reader, RawKeySerde.Instance, rowSerde, watermarks, timestampOf,
                name: kafka.Topics.Length == 1 ? table.Name : $"{table.Name}-{topic}", startAt: kafka.StartAt);
            rows = rows is null ? source : rows.Union(source, name: Name("union"));
        }
        return new AppendRows(rows!.Filter(static (_, value) => value is not null, name: Name("scan")));
    }

    /// <summary>The event time over a whole source row (physical and metadata columns, or a computed rowtime over them).</summary>
    private static (WatermarkStrategy? Watermarks, Func<Row, Row, long, long>? TimestampOf) SourceRowEventTime(CatalogTable table)
    {
        if (table.RowtimeColumn is not { } rowtime)
            return (null, null);
        var bound = table.WatermarkDelay >= TimeSpan.FromMilliseconds(1) ? table.WatermarkDelay - TimeSpan.FromMilliseconds(1) : TimeSpan.Zero;
        var watermarks = WatermarkStrategy.BoundedOutOfOrderness(bound);
        if (table.RowtimeExpression is { } expression)
        {
            var compute = ExpressionCompiler.CompileProjection([expression]);
            return (watermarks, (_, value, kafkaTimestamp) => value is null ? kafkaTimestamp : EventTime.Of(compute(value), 0));
        }
        var fields = table.SourceFields;
        var column = -1;
        for (var i = 0; i < fields.Length && column < 0; i++)
        {
            if (fields[i].Name == rowtime)
                column = i;
        }
        if (column < 0)
            throw new PlanningException($"Table '{table.Name}' has no rowtime column '{rowtime}'.");
        return (watermarks, (_, value, kafkaTimestamp) => value is null ? kafkaTimestamp : EventTime.Of(value, column));
    }

    /// <summary>The physical row of a record whose key carries some columns and whose value the others.</summary>
    private static Row Combine(Row? key, ImmutableArray<int> keyFields, Row value, ImmutableArray<int> valueFields, ImmutableArray<SqlType> types)
    {
        var row = new Row(types.Length);
        for (var i = 0; i < valueFields.Length; i++)
            RowColumns.Copy(value, i, row, valueFields[i], types[valueFields[i]]);
        if (key is not null)
        {
            for (var i = 0; i < keyFields.Length; i++)
                RowColumns.Copy(key, i, row, keyFields[i], types[keyFields[i]]);
        }
        return row;
    }

    /// <summary>
    /// The watermark strategy and the event time of a record: a physical rowtime column read where the format put
    /// it (value or key), or a computed rowtime (<see cref="CatalogTable.RowtimeExpression"/>) compiled once over the
    /// source row. A record without a value (a tombstone) keeps its Kafka timestamp.
    /// </summary>
    private static (WatermarkStrategy? Watermarks, Func<Row, Row, long, long>? TimestampOf) EventTimeOf(CatalogTable table, ImmutableArray<int> keyFields,
        ImmutableArray<int> valueFields)
    {
        if (table.RowtimeColumn is not { } rowtime)
            return (null, null);
        // Flink SQL's watermark is the expression's value (rowtime - delay); the engine's bounded strategy subtracts
        // one more millisecond, so the bound is the delay less 1 ms (a delay of 0 keeps the engine's 1 ms).
        var bound = table.WatermarkDelay >= TimeSpan.FromMilliseconds(1) ? table.WatermarkDelay - TimeSpan.FromMilliseconds(1) : TimeSpan.Zero;
        var watermarks = WatermarkStrategy.BoundedOutOfOrderness(bound);
        if (table.RowtimeExpression is { } expression)
        {
            var compute = ExpressionCompiler.CompileProjection([expression]);
            if (valueFields.Length == table.Schema.Length)
                return (watermarks, (_, value, kafkaTimestamp) => value is null ? kafkaTimestamp : EventTime.Of(compute(value), 0));
            var types = table.Schema.Select(f => f.Type).ToImmutableArray();
            return (watermarks, (key, value, kafkaTimestamp) =>
                value is null ? kafkaTimestamp : EventTime.Of(compute(Combine(key, keyFields, value, valueFields, types)), 0));
        }
        var column = table.IndexOf(rowtime);
        if (column < 0)
            throw new PlanningException($"Table '{table.Name}' has no rowtime column '{rowtime}'.");
        var inValue = valueFields.IndexOf(column);
        if (inValue >= 0)
            return (watermarks, (_, value, kafkaTimestamp) => value is null ? kafkaTimestamp : EventTime.Of(value, inValue));
        var inKey = keyFields.IndexOf(column);
        return (watermarks, (key, value, kafkaTimestamp) => value is null || key is null ? kafkaTimestamp : EventTime.Of(key, inKey));
    }

    /// <summary>
    /// A datagen table: the rows its generator (<see cref="DataGenTopic"/>) writes into the job's own topic, in JSON,
    /// read as any Kafka source, so a generated table runs the same code path as a real one.
    /// </summary>
    private AppendRows ScanDataGen(CatalogTable table, ConnectorOptions options)
    {
        // The generator's field options are checked now, with the statement, rather than when the host starts it.
        _ = new DataGenerator(_job.Name, table, options);
        var types = table.Schema.Select(f => f.Type).ToImmutableArray();
        var values = DataGenTopic.Serde(table);
        var (watermarks, timestampOf) = EventTimeOf(table, [], [.. Enumerable.Range(0, types.Length)]);
        var rows = _job.Source(DataGenTopic.Of(_job.Name, table.Name), RawKeySerde.Instance, values, watermarks, timestampOf, name: table.Name)
            .Filter(static (_, value) => value is not null, name: Name("scan"));
        return new AppendRows(rows);
    }

    /// <summary>
    /// The generators of the datagen tables the statements read (one per table): whatever hosts the job runs them
    /// beside it (<see cref="DataGenerator.RunAsync"/>), starting the job once each is <see cref="DataGenerator.Ready"/>.
    /// </summary>
    /// <param name="jobName">The job's name, as given to <see cref="Translate(string, SinkNode[])"/> (it names the tables' topics).</param>
    /// <param name="sinks">The job's statements, as given to <see cref="Translate(string, SinkNode[])"/>.</param>
    /// <exception cref="PlanningException">A datagen table's options do not make a generator.</exception>
    public static IReadOnlyList<DataGenerator> DataGenerators(string jobName, params SinkNode[] sinks) => DataGenerator.Of(jobName, sinks);

    private void TranslateSink(SinkNode sink, ChangelogInference changelog)
    {
        var table = sink.Table;
        var (factory, options) = ConnectorRegistry.Default.ForSink(table);
        var input = Translate(sink.Input);
        switch (factory.Identifier)
        {
            case "kafka" or "upsert-kafka":
                SinkKafka(sink, ConnectorRegistry.Creating(table, forSource: false, () => KafkaTable.Of(table, options)), input, changelog);
                break;
            case "print":
                SinkPrint(sink, input, new RowPrinter(sink.FieldTypes, options.GetString(PrintConnectorFactory.PrintIdentifier),
                    options.GetBoolean(PrintConnectorFactory.StandardError)));
                break;
            case "blackhole":
                SinkDiscarding(sink, input, null);
                break;
            default:
                throw new PlanningException($"Table sink '{table.Name}': connector '{factory.Identifier}' is not translated to the engine yet.");
        }
    }

    private void SinkKafka(SinkNode sink, KafkaTable kafka, Translated input, ChangelogInference changelog)
    {
        var table = sink.Table;
        if (kafka.Topics.Length != 1)
            throw new PlanningException($"Table sink '{table.Name}': a sink writes one topic, not {kafka.Topics.Length}.");
        var topic = kafka.Topics[0];
        if (kafka.ValueFormat.ChangelogMode != FormatChangelogMode.InsertOnly)
        {
            // A changelog format needs each row's kind, which the engine's serdes do not see: the rows go in the
            // engine's own changelog encoding (binary rows, the kind in a header) until the formats write them.
            var changes = new BinaryRowSerde(sink.FieldTypes);
            switch (input)
            {
                case UpdatingRows updating:
                    updating.Table.ToChangelog(topic, new BinaryRowSerde(updating.KeyTypes), changes, name: table.Name);
                    break;
                case AppendRows append:
                    append.Stream.To(topic, RawKeySerde.Instance, changes, name: table.Name);
                    break;
            }
            return;
        }
        var all = kafka.ValueFields.Length == table.Schema.Length;
        var values = new FormatRowSerde(kafka.ValueFormat, kafka.RowType(table, kafka.ValueFields, stripPrefix: false), all ? null : kafka.ValueFields);
        var keyType = kafka.KeyFormat is null ? null : kafka.RowType(table, kafka.KeyFields, stripPrefix: true);
        switch (table.Changelog, input)
        {
            case (TableChangelog.InsertOnly, AppendRows append) when keyType is null:
                // Flink's kafka sink without a key format writes records without key.
                append.Stream.Map(static (_, row) => ((Row)null!, row), RawKeySerde.Instance, values, name: Name("sink-rows")).To(topic, name: table.Name);
                break;
            case (TableChangelog.InsertOnly or TableChangelog.Upsert, AppendRows append):
                // The key serde writes the key columns straight from the row: no key row is built.
                append.Stream.Map(static (_, row) => (row, row), new FormatRowSerde(kafka.KeyFormat!, keyType!, kafka.KeyFields), values, name: Name("sink-rows"))
                    .To(topic, name: table.Name);
                break;
            case (TableChangelog.Upsert, UpdatingRows updating):
                if (updating.KeyColumns is not { } key || !key.SequenceEqual(table.PrimaryKeyIndices))
                    throw new PlanningException(
                        $"Table sink '{table.Name}': the query's upsert key {changelog[sink.Input].UpsertKey?.ToString() ?? "(none)"} is not the sink's primary key ({string.Join(", ", table.PrimaryKey)}); writing it needs Flink's upsert materializer, not translated yet.");
                updating.Table.To(topic, new FormatRowSerde(kafka.KeyFormat!, keyType!), values, name: table.Name);
                break;
            default:
                // The changelog inference refuses these first; kept as a guard.
                throw new PlanningException($"Table sink '{table.Name}' doesn't support consuming update changes which is produced by node {sink.Input.PhysicalDescription}");
        }
    }

    private void SinkPrint(SinkNode sink, Translated input, RowPrinter printer)
    {
        if (input is UpdatingRows)
            throw new PlanningException($"Table sink '{sink.Table.Name}': printing an updating result is not translated to the engine yet.");
        SinkDiscarding(sink, input, printer);
    }

    /// <summary>
    /// A sink that writes no topic (print, blackhole): the rows are printed or not, then dropped before an engine sink
    /// (a job needs one), whose topic <c>{job}-{table}-discarded</c> therefore stays empty.
    /// </summary>
    private void SinkDiscarding(SinkNode sink, Translated input, RowPrinter? printer)
    {
        var stream = input switch
        {
            AppendRows append => append.Stream,
            UpdatingRows updating => updating.Table.ToStream().AsStream(),
            _ => throw new PlanningException("Unknown translation."),
        };
        Func<Row, Row, bool> keep = printer is null
            ? static (_, _) => false
            : (_, row) =>
            {
                printer.Print(RowKind.Insert, row);
                return false;
            };
        stream.Filter(keep, name: Name(printer is null ? "blackhole" : "print"))
            .To($"{_job.Name}-{ShortName(sink.Table.Name)}-discarded", RawKeySerde.Instance, new BinaryRowSerde(sink.FieldTypes), name: sink.Table.Name);
    }

    private static string ShortName(string name) => name[(name.LastIndexOf('.') + 1)..];
}
