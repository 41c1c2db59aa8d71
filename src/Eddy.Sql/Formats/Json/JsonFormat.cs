using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Eddy.Engine.Records;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Json;

/// <summary>Flink's <c>json</c> format: one JSON object per row (or a top-level array of them, each a row).</summary>
internal sealed class JsonFormatFactory : FormatFactory
{
    private static readonly IReadOnlyList<FormatOption> AllOptions =
    [
        .. JsonSettings.Options("json.", withFailOnMissingField: true),
        FormatOption.Boolean("json.decode.json-parser.enabled", true,
            "Flink's switch between its streaming parser and its tree parser; Eddy always reads with a streaming reader."),
    ];

    /// <inheritdoc/>
    public override string Identifier => "json";

    /// <inheritdoc/>
    public override IReadOnlyList<FormatOption> SupportedOptions => AllOptions;

    /// <inheritdoc/>
    protected override RowFormat CreateFormat(FormatOptions options, FormatContext context) =>
        new JsonFormat(JsonSettings.From(options, AllOptions, "json."));
}

/// <summary>The <c>json</c> format with its settings.</summary>
internal sealed class JsonFormat(JsonSettings settings) : RowFormat
{
    /// <summary>The settings.</summary>
    public JsonSettings Settings { get; } = settings;

    /// <inheritdoc/>
    public override string Identifier => "json";

    /// <inheritdoc/>
    public override IRowDeserializer CreateDeserializer(SqlType rowType, IReadOnlyList<int>? projection = null) =>
        new JsonRowDeserializer(Project(rowType, projection), Settings);

    /// <inheritdoc/>
    public override IRowSerializer CreateSerializer(SqlType rowType)
    {
        CheckRowType(rowType);
        return new JsonRowSerializer(rowType, Settings);
    }
}

/// <summary>Decodes JSON messages into rows with a <see cref="Utf8JsonReader"/> (no document tree).</summary>
internal sealed class JsonRowDeserializer : IRowDeserializer
{
    private readonly JsonDecoder _decoder;
    private readonly JsonSettings _settings;
    private readonly List<Row> _pending = [];

    public JsonRowDeserializer(SqlType rowType, JsonSettings settings)
    {
        ProducedType = rowType;
        _settings = settings;
        _decoder = new JsonDecoder(rowType, settings);
    }

    /// <inheritdoc/>
    public SqlType ProducedType { get; }

    /// <inheritdoc/>
    public void Deserialize(ReadOnlySpan<byte> message, IRowCollector output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _pending.Clear();
        try
        {
            var reader = new Utf8JsonReader(message);
            if (!reader.Read())
                throw new FieldError("the message is empty.");
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                _pending.Add(_decoder.ReadRow(ref reader, message));
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                // Flink reads a top-level array of objects as one row per object.
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                        throw new FieldError($"expected an object in the top-level array, found {reader.TokenType}.").AtIndex(_pending.Count);
                    try
                    {
                        _pending.Add(_decoder.ReadRow(ref reader, message));
                    }
                    catch (FieldError error)
                    {
                        throw error.AtIndex(_pending.Count);
                    }
                }
            }
            else
            {
                throw new FieldError($"expected a JSON object, found {reader.TokenType}.");
            }
            if (reader.Read())
                throw new FieldError("unexpected content after the JSON value.");
        }
        catch (JsonException e)
        {
            if (_settings.IgnoreParseErrors)
                return;
            throw new FormatParseException($"Failed to deserialize JSON '{Excerpt(message)}': {e.Message}", "", e);
        }
        catch (FieldError e)
        {
            if (_settings.IgnoreParseErrors)
                return;
            throw e.ToParseException($"Failed to deserialize JSON '{Excerpt(message)}'");
        }
        foreach (var row in _pending)
            output.Collect(RowKind.Insert, row);
        _pending.Clear();
    }

    /// <summary>The message as text for an error, cut to a readable length.</summary>
    public static string Excerpt(ReadOnlySpan<byte> message) =>
        message.Length <= 200 ? Encoding.UTF8.GetString(message) : Encoding.UTF8.GetString(message[..200]) + "...";
}

/// <summary>Encodes rows as JSON objects with a reused <see cref="Utf8JsonWriter"/>.</summary>
internal sealed class JsonRowSerializer(SqlType rowType, JsonSettings settings) : IRowSerializer, IDisposable
{
    /// <summary>Jackson's escaping: only what JSON requires, non-ASCII text as it is.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly JsonEncoder _encoder = new(rowType, settings);
    private Utf8JsonWriter? _writer;

    /// <summary>Releases the reused writer.</summary>
    public void Dispose() => _writer?.Dispose();

    /// <inheritdoc/>
    public bool Serialize(RowKind kind, Row row, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(row);
        var writer = Writer(output);
        try
        {
            _encoder.WriteRow(writer, row);
        }
        catch (FieldError e)
        {
            throw new FormatWriteException($"Failed to serialize JSON at field '{e.Path}': {e.Message}", e.Path);
        }
        catch (InvalidCastException e)
        {
            throw new FormatWriteException($"Failed to serialize JSON: a column holds a value of another type than its SQL type's ({e.Message}).", e);
        }
        writer.Flush();
        return true;
    }

    private Utf8JsonWriter Writer(IBufferWriter<byte> output)
    {
        if (_writer is null)
            _writer = new Utf8JsonWriter(output, WriterOptions);
        else
            _writer.Reset(output);
        return _writer;
    }
}
