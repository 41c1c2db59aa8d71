using System.Collections.Immutable;
using System.Globalization;
using Eddy.Engine;
using Eddy.Sql.Formats;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Connectors;

/// <summary>Where a kafka source starts reading when its job has no committed offsets yet.</summary>
internal enum KafkaStartupMode
{
    /// <summary>The committed offsets of the job's group; where there are none, the earliest offset.</summary>
    GroupOffsets,

    /// <summary>The earliest offset.</summary>
    EarliestOffset,

    /// <summary>The end of each partition.</summary>
    LatestOffset,

    /// <summary>The first record at or after a timestamp.</summary>
    Timestamp,

    /// <summary>Given offsets per partition.</summary>
    SpecificOffsets,
}

/// <summary>
/// A kafka or upsert-kafka table resolved from its validated options: its topics, the key and value formats and
/// which physical columns each carries (Flink's key and value projections), and where a new job starts reading.
/// </summary>
internal sealed record KafkaTable(
    ImmutableArray<string> Topics,
    RowFormat ValueFormat,
    ImmutableArray<int> ValueFields,
    RowFormat? KeyFormat,
    ImmutableArray<int> KeyFields,
    string KeyFieldsPrefix,
    bool IsUpsert,
    KafkaStartupMode StartupMode,
    StartPosition? StartAt,
    string? BootstrapServers,
    string SinkPartitioner)
{
    /// <summary>Resolves a validated kafka or upsert-kafka table.</summary>
    /// <exception cref="PlanningException">The formats do not take their options or the columns' types.</exception>
    public static KafkaTable Of(CatalogTable table, ConnectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        var upsert = options.Connector == "upsert-kafka";
        if (options.Has(KafkaOptions.TopicPattern))
            throw new PlanningException($"Table '{table.Name}': 'topic-pattern' is not supported by Eddy's engine yet, which subscribes to topics by name; list them in 'topic' separated by ';'.");
        var topics = options.GetString(KafkaOptions.Topic)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (topics.Length == 0)
            throw new PlanningException($"Table '{table.Name}': option 'topic' names no topic.");
        var keyFields = KeyProjection(table, options);
        var valueFields = ValueProjection(table, options, keyFields);
        var topic = topics.Length == 1 ? topics[0] : null;
        var valueKey = options.All.ContainsKey("value.format") ? "value.format" : "format";
        var valueFormat = CreateFormat(table, options, valueKey, new FormatContext(topic, IsKey: false));
        var keyFormat = options.All.ContainsKey("key.format") ? CreateFormat(table, options, "key.format", new FormatContext(topic, IsKey: true)) : null;
        if (!upsert && valueFormat.ChangelogMode != FormatChangelogMode.InsertOnly && keyFormat is not null)
            throw new PlanningException($"Table '{table.Name}': a changelog value format cannot be combined with a key format.");
        var mode = options.GetEnum(KafkaOptions.StartupMode) switch
        {
            "earliest-offset" => KafkaStartupMode.EarliestOffset,
            "latest-offset" => KafkaStartupMode.LatestOffset,
            "timestamp" => KafkaStartupMode.Timestamp,
            "specific-offsets" => KafkaStartupMode.SpecificOffsets,
            _ => KafkaStartupMode.GroupOffsets,
        };
        return new KafkaTable([.. topics], valueFormat, valueFields, keyFormat, keyFields, options.GetString(KafkaOptions.KeyFieldsPrefix) ?? "", upsert, mode,
            StartPositionOf(table, options, mode), options.GetString(KafkaOptions.BootstrapServers), options.GetString(KafkaOptions.SinkPartitioner) ?? "default");
    }

    /// <summary>
    /// Where the engine's source starts a partition the job has not committed (null: the earliest offset). As Flink's
    /// <c>group-offsets</c>, a partition without a committed offset falls back to <c>properties.auto.offset.reset</c>,
    /// which in Eddy defaults to <c>earliest</c> (Flink's <c>none</c> fails the job instead).
    /// </summary>
    private static StartPosition? StartPositionOf(CatalogTable table, ConnectorOptions options, KafkaStartupMode mode)
    {
        switch (mode)
        {
            case KafkaStartupMode.LatestOffset:
                return StartPosition.Latest;
            case KafkaStartupMode.Timestamp:
                return StartPosition.AtTimestamp(options.GetLong(KafkaOptions.StartupTimestampMillis)!.Value);
            case KafkaStartupMode.SpecificOffsets:
                return StartPosition.AtOffsets(ParseSpecificOffsets(options.GetString(KafkaOptions.StartupSpecificOffsets)!, KafkaOptions.StartupSpecificOffsets.Key));
            case KafkaStartupMode.GroupOffsets when options.All.TryGetValue("properties.auto.offset.reset", out var reset):
                return reset.Trim().ToLowerInvariant() switch
                {
                    "earliest" => null,
                    "latest" => StartPosition.Latest,
                    _ => throw new PlanningException(
                        $"Table '{table.Name}': 'properties.auto.offset.reset' = '{reset}' is not supported: a partition without a committed offset starts at 'earliest' or 'latest'."),
                };
            default:
                return null;
        }
    }

    private static RowFormat CreateFormat(CatalogTable table, ConnectorOptions options, string key, FormatContext context)
    {
        try
        {
            return FormatRegistry.Default.CreateFromTableOptions(options.All, key, context);
        }
        catch (FormatValidationException e)
        {
            throw new PlanningException(e.Message, e);
        }
    }

    /// <summary>The physical row type of the columns at <paramref name="fields"/>, named as the format writes them (the key prefix stripped from key columns).</summary>
    public SqlType RowType(CatalogTable table, ImmutableArray<int> fields, bool stripPrefix)
    {
        ArgumentNullException.ThrowIfNull(table);
        var row = new SqlField[fields.Length];
        for (var i = 0; i < row.Length; i++)
        {
            var field = table.Schema[fields[i]];
            row[i] = stripPrefix && KeyFieldsPrefix.Length > 0 ? field with { Name = field.Name[KeyFieldsPrefix.Length..] } : field;
        }
        return SqlType.Row(row);
    }

    /// <summary>
    /// The physical columns the key carries, in key order: <c>key.fields</c> for kafka, the primary key for
    /// upsert-kafka; empty without a key format. Errors as Flink's <c>createKeyFormatProjection</c>.
    /// </summary>
    public static ImmutableArray<int> KeyProjection(CatalogTable table, ConnectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        var hasFormat = options.All.ContainsKey("key.format");
        List<string> names;
        if (options.Connector == "upsert-kafka")
        {
            names = [.. table.PrimaryKey];
        }
        else
        {
            var declared = options.GetString(KafkaOptions.KeyFields);
            if (!hasFormat && declared is not null)
                throw new PlanningException("The option 'key.fields' can only be declared if a key format is defined using 'key.format'.");
            names = declared is null ? [] : [.. declared.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            if (hasFormat && names.Count == 0)
                throw new PlanningException("A key format 'key.format' requires the declaration of one or more of key fields using 'key.fields'.");
        }
        if (!hasFormat)
            return [];
        var prefix = options.GetString(KafkaOptions.KeyFieldsPrefix) ?? "";
        var projection = ImmutableArray.CreateBuilder<int>(names.Count);
        foreach (var name in names)
        {
            var position = table.IndexOf(name);
            if (position < 0)
                throw new PlanningException(
                    $"Could not find the field '{name}' in the table schema for usage in the key format. A key field must be a regular, physical column. "
                    + $"The following columns can be selected in the 'key.fields' option:\n[{string.Join(", ", table.Schema.Select(f => f.Name))}]");
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
                throw new PlanningException(
                    $"All fields in 'key.fields' must be prefixed with '{prefix}' when option 'key.fields-prefix' is set but field '{name}' is not prefixed.");
            projection.Add(position);
        }
        return projection.MoveToImmutable();
    }

    /// <summary>The physical columns the value carries: all (ALL), or all but the key's (EXCEPT_KEY).</summary>
    public static ImmutableArray<int> ValueProjection(CatalogTable table, ConnectorOptions options, ImmutableArray<int> keyFields)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.GetString(KafkaOptions.KeyFieldsPrefix) ?? "";
        var all = options.GetEnum(KafkaOptions.ValueFieldsInclude) == "ALL";
        if (all && prefix.Length > 0)
            throw new PlanningException(
                "A key prefix is not allowed when option 'value.fields-include' is set to 'ALL'. Set it to 'EXCEPT_KEY' instead to avoid field overlaps.");
        var fields = ImmutableArray.CreateBuilder<int>(table.Schema.Length);
        for (var i = 0; i < table.Schema.Length; i++)
        {
            if (all || !keyFields.Contains(i))
                fields.Add(i);
        }
        return fields.ToImmutable();
    }

    /// <summary>Parses <c>partition:0,offset:42;partition:1,offset:300</c>, with Flink's error.</summary>
    public static IReadOnlyDictionary<int, long> ParseSpecificOffsets(string text, string key)
    {
        ArgumentNullException.ThrowIfNull(text);
        var error = $"Invalid properties '{key}' should follow the format 'partition:0,offset:42;partition:1,offset:300', but is '{text}'.";
        var offsets = new Dictionary<int, long>();
        var pairs = text.Split(';');
        foreach (var pair in pairs)
        {
            var parts = pair.Split(',');
            if (parts.Length != 2 || !parts[0].StartsWith("partition:", StringComparison.Ordinal) || !parts[1].StartsWith("offset:", StringComparison.Ordinal)
                || !int.TryParse(parts[0].AsSpan("partition:".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var partition)
                || !long.TryParse(parts[1].AsSpan("offset:".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var offset))
                throw new PlanningException(error);
            offsets[partition] = offset;
        }
        return offsets;
    }
}
