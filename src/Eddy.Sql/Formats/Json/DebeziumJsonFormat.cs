using System.Buffers;
using System.Text.Json;
using Eddy.Engine.Records;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Json;

/// <summary>
/// Flink's <c>debezium-json</c> format: Debezium's change events (<c>{"before": ..., "after": ..., "op": "u"}</c>, or
/// wrapped in <c>{"schema": ..., "payload": ...}</c> with <c>debezium-json.schema-include</c>) as a changelog.
/// </summary>
internal sealed class DebeziumJsonFormatFactory : FormatFactory
{
    /// <summary>The option of messages that carry their Kafka Connect schema.</summary>
    public static readonly FormatOption SchemaInclude = FormatOption.Boolean("debezium-json.schema-include", false,
        "Whether the messages carry their schema (Kafka Connect's JsonConverter with schemas.enable), as {\"schema\": ..., \"payload\": ...}.");

    private static readonly IReadOnlyList<FormatOption> AllOptions =
        [SchemaInclude, .. JsonSettings.Options("debezium-json.", withFailOnMissingField: false)];

    /// <inheritdoc/>
    public override string Identifier => "debezium-json";

    /// <inheritdoc/>
    public override IReadOnlyList<FormatOption> SupportedOptions => AllOptions;

    /// <inheritdoc/>
    protected override RowFormat CreateFormat(FormatOptions options, FormatContext context) =>
        new DebeziumJsonFormat(JsonSettings.From(options, AllOptions, "debezium-json."), options.GetBoolean(SchemaInclude));
}

/// <summary>The <c>debezium-json</c> format with its settings.</summary>
internal sealed class DebeziumJsonFormat(JsonSettings settings, bool schemaInclude) : RowFormat
{
    /// <inheritdoc/>
    public override string Identifier => "debezium-json";

    /// <inheritdoc/>
    public override FormatChangelogMode ChangelogMode => FormatChangelogMode.All;

    /// <inheritdoc/>
    public override IRowDeserializer CreateDeserializer(SqlType rowType, IReadOnlyList<int>? projection = null) =>
        new DebeziumJsonRowDeserializer(Project(rowType, projection), settings, schemaInclude);

    /// <inheritdoc/>
    public override IRowSerializer CreateSerializer(SqlType rowType)
    {
        CheckRowType(rowType);
        if (schemaInclude)
            throw new FormatValidationException("Debezium JSON serialization doesn't support 'debezium-json.schema-include' option been set to true.");
        return new DebeziumJsonRowSerializer(rowType, settings);
    }
}

/// <summary>Decodes Debezium change events: c and r are +I, u is -U then +U, d is -D; an empty message (a tombstone) is none.</summary>
internal sealed class DebeziumJsonRowDeserializer(SqlType rowType, JsonSettings settings, bool schemaInclude) : IRowDeserializer
{
    private readonly JsonDecoder _decoder = new(rowType, settings);

    /// <inheritdoc/>
    public SqlType ProducedType { get; } = rowType;

    /// <inheritdoc/>
    public void Deserialize(ReadOnlySpan<byte> message, IRowCollector output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (message.IsEmpty)
            return;
        Row? before = null;
        Row? after = null;
        var op = default(char);
        string? opText = null;
        try
        {
            var reader = new Utf8JsonReader(message);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new FieldError($"expected a JSON object, found {reader.TokenType}.");
            var sawEnvelope = false;
            var sawSchema = false;
            if (schemaInclude)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var isPayload = reader.ValueTextEquals("payload"u8);
                    reader.Read();
                    if (isPayload && reader.TokenType == JsonTokenType.StartObject)
                    {
                        sawEnvelope = true;
                        ReadEnvelope(ref reader, message, ref before, ref after, ref opText, ref sawSchema);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                if (!sawEnvelope)
                    throw new FieldError("the message has no \"payload\" object, which 'debezium-json.schema-include' = 'true' expects.");
            }
            else
            {
                ReadEnvelope(ref reader, message, ref before, ref after, ref opText, ref sawSchema);
                if (sawSchema && opText is null)
                    throw new FieldError("the message has a \"schema\" and a \"payload\" but no \"op\": "
                        + "it looks like a message with its schema, please set 'debezium-json.schema-include' to 'true'.");
            }
            op = opText is { Length: 1 } ? opText[0] : default;
        }
        catch (JsonException e)
        {
            if (settings.IgnoreParseErrors)
                return;
            throw new FormatParseException($"Corrupt Debezium JSON message '{JsonRowDeserializer.Excerpt(message)}': {e.Message}", "", e);
        }
        catch (FieldError e)
        {
            if (settings.IgnoreParseErrors)
                return;
            throw e.ToParseException($"Corrupt Debezium JSON message '{JsonRowDeserializer.Excerpt(message)}'");
        }
        switch (op)
        {
            case 'c' or 'r' when after is not null:
                output.Collect(RowKind.Insert, after);
                break;
            case 'u' when before is not null && after is not null:
                output.Collect(RowKind.UpdateBefore, before);
                output.Collect(RowKind.UpdateAfter, after);
                break;
            case 'd' when before is not null:
                output.Collect(RowKind.Delete, before);
                break;
            default:
                if (settings.IgnoreParseErrors)
                    return;
                throw Invalid(op, opText, before, after, message);
        }
    }

    private static FormatParseException Invalid(char op, string? opText, Row? before, Row? after, ReadOnlySpan<byte> message)
    {
        var text = JsonRowDeserializer.Excerpt(message);
        return op switch
        {
            'u' when before is null => new FormatParseException(
                "The \"before\" field of UPDATE message is null, if you are using Debezium Postgres Connector, please check the Postgres "
                + $"table has been set REPLICA IDENTITY to FULL level. The Debezium JSON message is '{text}'", "before"),
            'c' or 'r' or 'u' => new FormatParseException($"The \"after\" field of the \"{op}\" message is null. The Debezium JSON message is '{text}'", "after"),
            'd' => new FormatParseException($"The \"before\" field of DELETE message is null. The Debezium JSON message is '{text}'", "before"),
            _ => new FormatParseException($"Unknown \"op\" value \"{opText}\". The Debezium JSON message is '{text}'", "op"),
        };
    }

    private void ReadEnvelope(ref Utf8JsonReader reader, ReadOnlySpan<byte> message, ref Row? before, ref Row? after, ref string? op, ref bool sawSchema)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var field = reader.ValueTextEquals("before"u8) ? 1 : reader.ValueTextEquals("after"u8) ? 2 : reader.ValueTextEquals("op"u8) ? 3 : 0;
            if (reader.ValueTextEquals("schema"u8))
                sawSchema = true;
            reader.Read();
            switch (field)
            {
                case 1 or 2 when reader.TokenType == JsonTokenType.StartObject:
                    try
                    {
                        var row = _decoder.ReadRow(ref reader, message);
                        if (field == 1)
                            before = row;
                        else
                            after = row;
                    }
                    catch (FieldError error)
                    {
                        throw error.InField(field == 1 ? "before" : "after");
                    }
                    break;
                case 3 when reader.TokenType == JsonTokenType.String:
                    op = reader.GetString();
                    break;
                case 1 or 2 or 3 when reader.TokenType != JsonTokenType.Null:
                    throw new FieldError($"expected {(field == 3 ? "a string" : "an object or null")}, found {reader.TokenType}.")
                        .InField(field == 1 ? "before" : field == 2 ? "after" : "op");
                default:
                    reader.Skip();
                    break;
            }
        }
    }
}

/// <summary>
/// Encodes rows as Debezium envelopes, as Flink does: +I and +U as <c>{"before":null,"after":row,"op":"c"}</c>,
/// -U and -D as <c>{"before":row,"after":null,"op":"d"}</c>.
/// </summary>
internal sealed class DebeziumJsonRowSerializer(SqlType rowType, JsonSettings settings) : IRowSerializer, IDisposable
{
    private static readonly JsonEncodedText Before = JsonEncodedText.Encode("before");
    private static readonly JsonEncodedText After = JsonEncodedText.Encode("after");
    private static readonly JsonEncodedText Op = JsonEncodedText.Encode("op");

    private readonly JsonEncoder _encoder = new(rowType, settings);
    private Utf8JsonWriter? _writer;

    /// <summary>Releases the reused writer.</summary>
    public void Dispose() => _writer?.Dispose();

    /// <inheritdoc/>
    public bool Serialize(RowKind kind, Row row, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (_writer is null)
            _writer = new Utf8JsonWriter(output, JsonRowSerializer.WriterOptions);
        else
            _writer.Reset(output);
        var insert = kind is RowKind.Insert or RowKind.UpdateAfter;
        _writer.WriteStartObject();
        try
        {
            WriteSide(Before, insert ? null : row);
            WriteSide(After, insert ? row : null);
        }
        catch (FieldError e)
        {
            throw new FormatWriteException($"Failed to serialize Debezium JSON at field '{e.Path}': {e.Message}", e.Path);
        }
        _writer.WriteString(Op, insert ? "c" : "d");
        _writer.WriteEndObject();
        _writer.Flush();
        return true;
    }

    private void WriteSide(JsonEncodedText name, Row? row)
    {
        if (row is null)
        {
            if (!settings.IgnoreNullFields)
                _writer!.WriteNull(name);
            return;
        }
        _writer!.WritePropertyName(name);
        _encoder.WriteRow(_writer, row);
    }
}
