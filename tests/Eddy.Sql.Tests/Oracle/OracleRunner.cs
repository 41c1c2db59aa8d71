using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using DuckDB.NET.Data;
using Eddy.Engine;
using Eddy.Engine.Kafka;
using Eddy.Engine.Records;
using Eddy.Engine.Testing;
using Eddy.Sql.Catalog;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Session;
using Eddy.Sql.Types;
using Eddy.Testing;

namespace Eddy.Sql.Tests.OracleSuite;

/// <summary>
/// Runs a Flink SQL script (DDL, SET, one INSERT) through <see cref="SqlSession"/> over a bounded input, reads the sink
/// topic back and materializes it, and asks DuckDB the equivalent batch query over the same rows. Both answers are
/// rendered by the sink's column types into the same text, so they compare as multisets of lines.
/// </summary>
internal static class OracleRunner
{
    /// <summary>The watermark a bounded input ends with (Flink's end of input): every window fires.</summary>
    private const long EndOfInput = long.MaxValue / 2;

    /// <summary>
    /// The job on the engine's in-process test driver: records piped one by one in the input's order (each its own
    /// batch, so the watermark moves after every record and the harness can replay it), then the end of input.
    /// </summary>
    public static async Task<(List<string> Rows, SinkNode Sink)> RunOnDriverAsync(string script, OracleInput input, int partitions)
    {
        await using var session = new SqlSession(SqlCatalog.CreateInMemory(), sessionId: "oracle");
        var job = await session.RunScriptAsync(script) ?? throw new InvalidOperationException("The script has no INSERT.");
        var sink = Assert.Single(job.Sinks);
        using var driver = new JobTestDriver(job.BuildPlan(), new JobTestDriverOptions { Partitions = partitions });
        foreach (var e in input.Events)
        {
            driver.Input(e.Table.Name, Serdes.Bytes, Serdes.Bytes)
                .Pipe(OracleInput.KeyJson(e)!, OracleInput.ValueJson(e)!, OracleInput.Timestamp(e), e.Partition);
        }
        foreach (var table in input.Tables.Where(t => t.Rowtime is not null))
            driver.AdvanceWatermark(table.Name, EndOfInput);

        var materialized = new SinkMaterializer(sink);
        if (sink.Table.Connector == "kafka" && sink.Table.Options.GetValueOrDefault("format") is "debezium-json")
        {
            // A changelog sink: the engine's changelog encoding (binary rows, the kind beside them).
            foreach (var record in driver.Output<Row, Row>(sink.Table.Topic).ReadAll())
                materialized.Apply(record.Kind, DuckDbOracleText.Render(record.Value, sink.FieldTypes));
        }
        else
        {
            foreach (var record in driver.Output(sink.Table.Topic, Serdes.Bytes, Serdes.Bytes).ReadAll())
                materialized.Apply(record.Kind, record.Key, record.Value);
        }
        return (materialized.Rows(), sink);
    }

    /// <summary>
    /// The job on the Kafka runtime (a <see cref="JobWorker"/>, exactly-once) against an in-process broker: the input is
    /// produced first, then the worker runs until the sink's committed records materialize to <paramref name="expected"/>
    /// and stay so for a moment (a job that never gets there fails after a minute with the difference).
    /// </summary>
    public static async Task<List<string>> RunOnBrokerAsync(string script, OracleInput input, int partitions, Func<SinkNode, List<string>> expected)
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-sql-oracle");
        await using var session = new SqlSession(SqlCatalog.CreateInMemory(), sessionId: "oracle");
        var job = await session.RunScriptAsync(script) ?? throw new InvalidOperationException("The script has no INSERT.");
        var sink = Assert.Single(job.Sinks);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            var topics = input.Tables.Select(t => t.Name).Append(sink.Table.Topic)
                .Select(t => new TopicSpecification { Name = t, NumPartitions = partitions, ReplicationFactor = 1 });
            await admin.CreateTopicsAsync(topics);
        }
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true }).Build())
        {
            foreach (var e in input.Events)
            {
                var message = new Message<byte[]?, byte[]?>
                {
                    Key = OracleInput.KeyJson(e), Value = OracleInput.ValueJson(e), Timestamp = new Timestamp(OracleInput.Timestamp(e), TimestampType.CreateTime),
                };
                // An upsert table's key picks the partition (murmur2, as the driver and Kafka's default partitioner do).
                if (e.Partition is { } partition)
                    producer.Produce(new TopicPartition(e.Table.Name, partition), message);
                else
                    producer.Produce(e.Table.Name, message);
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var want = expected(sink);
        using var worker = new JobWorker(job.BuildPlan(), new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = state.Path, WorkerId = "w0" });
        await worker.StartAsync();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "oracle-reader",
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(sink.Table.Topic);
        var materialized = new SinkMaterializer(sink);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        DateTime? settled = null;
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } record)
            {
                var kind = record.Message.Headers?.TryGetLastBytes(SqlQuery.KindHeader, out var header) == true ? SqlQuery.KindOf(header) : RowKind.Insert;
                materialized.Apply(kind, record.Message.Key, record.Message.Value);
            }
            Assert.False(worker.Completion.IsCompleted, $"The worker stopped: {worker.Error}");
            if (materialized.Rows().SequenceEqual(want))
            {
                settled ??= DateTime.UtcNow + TimeSpan.FromSeconds(2);
                if (DateTime.UtcNow >= settled)
                    break;
            }
            else
            {
                settled = null;
            }
        }
        await worker.StopAsync();
        return materialized.Rows();
    }

    /// <summary>DuckDB's answer to <paramref name="query"/> over the input's final table contents, rendered by the sink's types.</summary>
    public static List<string> DuckDb(string query, OracleInput input, int partitions, IReadOnlyList<SqlType> types, params string[] setup)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        foreach (var statement in setup)
            Execute(connection, statement);
        foreach (var (table, rows) in input.FinalContents(partitions))
        {
            var columns = table.Columns.Select(c => c.Name + " " + c.DuckType);
            if (table.Rowtime is not null && !table.IsUpsert)
                columns = columns.Append("arrival_wm BIGINT");
            Execute(connection, $"CREATE TABLE {table.Name} ({string.Join(", ", columns)})");
            for (var start = 0; start < rows.Count; start += 500)
            {
                var values = rows.Skip(start).Take(500).Select(r => "(" + string.Join(", ", r.Select(Literal)) + ")");
                Execute(connection, $"INSERT INTO {table.Name} VALUES {string.Join(", ", values)}");
            }
        }
        using var command = connection.CreateCommand();
        command.CommandText = query;
        using var reader = command.ExecuteReader();
        Assert.Equal(types.Count, reader.FieldCount);
        var result = new List<string>();
        while (reader.Read())
        {
            var cells = new string[reader.FieldCount];
            for (var i = 0; i < cells.Length; i++)
                cells[i] = DuckDbOracleText.Render(reader.IsDBNull(i) ? null : reader.GetValue(i), types[i]);
            result.Add(string.Join(" | ", cells));
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Literal(object? value) => value switch
    {
        null => "NULL",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        DateTime t => "TIMESTAMP '" + t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "'",
        DateTimeOffset t => "TIMESTAMPTZ '" + t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+00'",
        bool b => b ? "TRUE" : "FALSE",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture) + "::DOUBLE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}

/// <summary>
/// A sink topic's records applied as Flink materializes them: an upsert-kafka sink by key (the last value, a tombstone
/// deletes the key if present), a changelog by row (inserts and update-afters add a row, update-befores and deletes take one back, and
/// taking back a row never added fails the test), an append sink row by row.
/// </summary>
internal sealed class SinkMaterializer(SinkNode sink)
{
    private readonly bool _upsert = sink.Table.Connector == "upsert-kafka";
    private readonly Dictionary<string, string> _byKey = new(StringComparer.Ordinal);
    private readonly List<string> _rows = [];

    public void Apply(RowKind kind, byte[]? key, byte[]? value)
    {
        if (_upsert)
        {
            var k = key is null ? "" : Convert.ToBase64String(key);
            // A tombstone for a key the topic does not hold deletes nothing (a compacted topic, and Flink's upsert-kafka
            // source, read it so).
            if (value is null)
                _byKey.Remove(k);
            else
                _byKey[k] = DuckDbOracleText.RenderJson(value, sink.Table.Schema);
            return;
        }
        Assert.NotNull(value);
        Apply(kind, DuckDbOracleText.RenderJson(value, sink.Table.Schema));
    }

    public void Apply(RowKind kind, string row)
    {
        if (kind is RowKind.Insert or RowKind.UpdateAfter)
            _rows.Add(row);
        else
            Assert.True(_rows.Remove(row), $"{kind} of a row never added: {row}");
    }

    public List<string> Rows()
    {
        var rows = _upsert ? [.. _byKey.Values] : new List<string>(_rows);
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}

/// <summary>
/// One text form for a value, whoever computed it (DuckDB's CLR values, the engine's row values, Flink's JSON), directed
/// by the SQL type of its column: integers as digits, DECIMAL without trailing zeros (the types themselves are checked
/// apart), DOUBLE round-trippable, timestamps to the millisecond (TIMESTAMP_LTZ in UTC with a Z).
/// </summary>
internal static class DuckDbOracleText
{
    public static string Render(Row row, IReadOnlyList<SqlType> types) =>
        string.Join(" | ", types.Select((t, i) => Render(row.GetValue(i, t), t)));

    public static string RenderJson(byte[] json, IReadOnlyList<SqlField> fields)
    {
        using var document = JsonDocument.Parse(json);
        var cells = new string[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            cells[i] = document.RootElement.TryGetProperty(fields[i].Name, out var element) && element.ValueKind != JsonValueKind.Null
                ? Render(FromJson(element, fields[i].Type), fields[i].Type)
                : "NULL";
        }
        return string.Join(" | ", cells);
    }

    private static object FromJson(JsonElement element, SqlType type) => type.Kind switch
    {
        SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt => element.GetInt64(),
        SqlTypeKind.Decimal => decimal.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture),
        SqlTypeKind.Float or SqlTypeKind.Double => element.ValueKind == JsonValueKind.String
            ? double.Parse(element.GetString()!, CultureInfo.InvariantCulture) : element.GetDouble(),
        SqlTypeKind.Boolean => element.GetBoolean(),
        SqlTypeKind.Timestamp => DateTime.Parse(element.GetString()!, CultureInfo.InvariantCulture),
        SqlTypeKind.TimestampLtz => DateTime.Parse(element.GetString()!.TrimEnd('Z'), CultureInfo.InvariantCulture),
        SqlTypeKind.Date => DateOnly.Parse(element.GetString()!, CultureInfo.InvariantCulture),
        _ => element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText(),
    };

    public static string Render(object? value, SqlType type)
    {
        if (value is null)
            return "NULL";
        switch (type.Kind)
        {
            case SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt:
                return value is BigInteger b ? b.ToString(CultureInfo.InvariantCulture) : Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            case SqlTypeKind.Decimal:
                var d = value is BigInteger big ? (decimal)big : Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                return (d / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
            case SqlTypeKind.Float:
                return Convert.ToSingle(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
            case SqlTypeKind.Double:
                return Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
            case SqlTypeKind.Boolean:
                return (bool)value ? "TRUE" : "FALSE";
            case SqlTypeKind.Timestamp:
                return Time(value).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
            case SqlTypeKind.TimestampLtz:
                return Time(value).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "Z";
            case SqlTypeKind.Date:
                return value switch
                {
                    DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    _ => Time(value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                };
            default:
                return Convert.ToString(value, CultureInfo.InvariantCulture) ?? "NULL";
        }
    }

    /// <summary>A timestamp's wall-clock value; a zoned one (TIMESTAMP_LTZ, DuckDB's TIMESTAMPTZ) in UTC.</summary>
    private static DateTime Time(object value) => value switch
    {
        DateTimeOffset t => t.UtcDateTime,
        DateTime { Kind: DateTimeKind.Local } t => t.ToUniversalTime(),
        DateTime t => t,
        DateOnly t => t.ToDateTime(TimeOnly.MinValue),
        _ => throw new ArgumentException($"Not a time: {value.GetType()}"),
    };
}

/// <summary>The comparison: equal multisets, or a failure naming the seed, the rows only one side has, and the query.</summary>
internal static class OracleAssert
{
    public static void SameRows(List<string> expected, List<string> actual, int seed, string sql)
    {
        if (expected.SequenceEqual(actual))
            return;
        var missing = new List<string>(expected);
        var extra = new List<string>();
        foreach (var row in actual)
        {
            if (!missing.Remove(row))
                extra.Add(row);
        }
        var message = new StringBuilder();
        message.AppendLine(CultureInfo.InvariantCulture, $"Eddy's materialized result differs from DuckDB's (seed {seed}; rerun with EDDY_ORACLE_SEED={seed}).");
        message.AppendLine(CultureInfo.InvariantCulture, $"Only in DuckDB's answer ({missing.Count}):");
        foreach (var row in missing.Take(20))
            message.AppendLine("  - " + row);
        message.AppendLine(CultureInfo.InvariantCulture, $"Only in Eddy's result ({extra.Count}):");
        foreach (var row in extra.Take(20))
            message.AppendLine("  + " + row);
        message.AppendLine(CultureInfo.InvariantCulture, $"Expected {expected.Count} rows, got {actual.Count}. SQL:");
        message.Append(sql);
        Assert.Fail(message.ToString());
    }

    /// <summary>The seeds to run: <c>EDDY_ORACLE_SEED</c> alone when set (to replay a failure), else <paramref name="count"/> from a fixed start.</summary>
    public static IEnumerable<int> Seeds(int count, int start = 1)
    {
        if (Environment.GetEnvironmentVariable("EDDY_ORACLE_SEED") is { } seed && int.TryParse(seed, CultureInfo.InvariantCulture, out var only))
            return [only];
        return Enumerable.Range(start, count);
    }
}
