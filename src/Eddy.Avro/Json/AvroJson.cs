using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Eddy.Avro;

/// <summary>
/// Avro's JSON encoding of values: for showing decoded messages (<c>eddy consume --value-format avro</c>) and for
/// reading values typed by people (<c>eddy produce --value-format avro</c>).
/// </summary>
public static class AvroJson
{
    // Bytes are strings of U+0000..U+00FF; writing those characters as they are (not \u00XX) matches Java's output.
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    /// <summary>The value as JSON; an <see cref="AvroDataException"/> if it does not fit the schema.</summary>
    public static string ToJson(AvroSchema schema, object? datum, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, indented ? Indented : Compact))
        {
            Write(writer, schema, datum);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Write(Utf8JsonWriter writer, AvroSchema schema, object? datum)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(schema);
        JsonDatumWriter.Write(writer, schema, datum);
    }

    /// <summary>
    /// Reads a value of <paramref name="schema"/> from JSON. Malformed JSON and values that do not fit are both an
    /// <see cref="AvroDataException"/> saying where.
    /// </summary>
    public static object? Parse(AvroSchema schema, string json)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new AvroDataException($"Malformed JSON at line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}", "", e);
        }

        using (document)
        {
            return JsonDatumReader.Read(document.RootElement, schema);
        }
    }

    public static object? Read(AvroSchema schema, JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return JsonDatumReader.Read(value, schema);
    }
}
