using System.Text;
using System.Text.Json;

namespace Eddy.Avro;

/// <summary>
/// Writes JSON the way Jackson's generator does with its default settings, so that our output matches Avro Java's
/// byte for byte: compact, only quotes, backslashes and control characters escaped, numbers as Jackson re-prints them.
/// </summary>
internal static class JavaJson
{
    private const string Hex = "0123456789ABCDEF";

    public static void WriteString(StringBuilder output, string value)
    {
        output.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\b': output.Append("\\b"); break;
                case '\t': output.Append("\\t"); break;
                case '\n': output.Append("\\n"); break;
                case '\f': output.Append("\\f"); break;
                case '\r': output.Append("\\r"); break;
                default:
                    if (c < 0x20)
                    {
                        output.Append("\\u00").Append(Hex[c >> 4]).Append(Hex[c & 0xF]);
                    }
                    else
                    {
                        output.Append(c);
                    }

                    break;
            }
        }

        output.Append('"');
    }

    /// <summary>Writes a JSON value read from a schema; with <paramref name="sortKeys"/> object keys come out in ordinal order.</summary>
    public static void WriteValue(StringBuilder output, JsonElement value, bool sortKeys = false)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                output.Append('{');
                var properties = JsonObjects.Properties(value);
                if (sortKeys)
                {
                    properties.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                }

                for (var i = 0; i < properties.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Append(',');
                    }

                    WriteString(output, properties[i].Key);
                    output.Append(':');
                    WriteValue(output, properties[i].Value, sortKeys);
                }

                output.Append('}');
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                    {
                        output.Append(',');
                    }

                    first = false;
                    WriteValue(output, item, sortKeys);
                }

                output.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(output, value.GetString()!);
                break;
            case JsonValueKind.Number:
                // A literal too large for a double reads as an infinity, which Jackson writes as a string.
                var number = JsonNumbers.Format(value);
                if (number is "Infinity" or "-Infinity")
                {
                    WriteString(output, number);
                }
                else
                {
                    output.Append(number);
                }

                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            default:
                output.Append("null");
                break;
        }
    }

    public static string ToJson(JsonElement value)
    {
        var output = new StringBuilder();
        WriteValue(output, value);
        return output.ToString();
    }
}

/// <summary>
/// JSON objects as Jackson's tree model sees them: a key given twice keeps its first position and its last value.
/// System.Text.Json keeps both, so everything that reads schema objects goes through here.
/// </summary>
internal static class JsonObjects
{
    public static List<KeyValuePair<string, JsonElement>> Properties(JsonElement obj)
    {
        var result = new List<KeyValuePair<string, JsonElement>>();
        foreach (var property in obj.EnumerateObject())
        {
            var index = result.FindIndex(p => p.Key == property.Name);
            if (index >= 0)
            {
                result[index] = new(property.Name, property.Value);
            }
            else
            {
                result.Add(new(property.Name, property.Value));
            }
        }

        return result;
    }

    public static JsonElement? Get(List<KeyValuePair<string, JsonElement>> properties, string name)
    {
        foreach (var property in properties)
        {
            if (property.Key == name)
            {
                return property.Value;
            }
        }

        return null;
    }

    /// <summary>Jackson's <c>textValue()</c>: the string if the value is a string, else null.</summary>
    public static string? Text(List<KeyValuePair<string, JsonElement>> properties, string name) =>
        Get(properties, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
