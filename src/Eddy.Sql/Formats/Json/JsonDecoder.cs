using System.Globalization;
using System.Text;
using System.Text.Json;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Json;

/// <summary>
/// Decodes the JSON value of one SQL type from a <see cref="Utf8JsonReader"/>, as Flink's
/// <c>JsonParserToRowDataConverters</c>: built once per type (nested decoders, field names as UTF-8), then each value
/// is read straight from the reader, primitives into the row's slots without boxing. Lenient where Flink is: a number
/// column takes a number or a string holding one, a string column takes any value (an object or array as its JSON text).
/// </summary>
internal sealed class JsonDecoder
{
    private readonly SqlType _type;
    private readonly SqlTypeKind _kind;
    private readonly JsonSettings _settings;
    private readonly JsonDecoder? _element;
    private readonly JsonDecoder? _value;
    private readonly JsonDecoder[] _fields = [];
    private readonly byte[][] _names = [];
    private readonly string[] _fieldNames = [];
    private readonly bool[] _seen = [];
    private readonly List<object?>? _elements;

    public JsonDecoder(SqlType type, JsonSettings settings)
    {
        _type = type;
        _kind = type.Kind;
        _settings = settings;
        switch (type.Kind)
        {
            case SqlTypeKind.Array:
                _element = new JsonDecoder(type.ElementType!, settings);
                _elements = [];
                break;
            case SqlTypeKind.Map or SqlTypeKind.Multiset:
                CheckMapKey(type);
                _element = new JsonDecoder(type.ElementType!, settings);
                _value = type.Kind == SqlTypeKind.Map ? new JsonDecoder(type.ValueType!, settings) : null;
                break;
            case SqlTypeKind.Row:
                _fields = new JsonDecoder[type.Fields.Length];
                _names = new byte[type.Fields.Length][];
                _fieldNames = new string[type.Fields.Length];
                _seen = new bool[type.Fields.Length];
                for (var i = 0; i < _fields.Length; i++)
                {
                    _fields[i] = new JsonDecoder(type.Fields[i].Type, settings);
                    _fieldNames[i] = type.Fields[i].Name;
                    _names[i] = Encoding.UTF8.GetBytes(type.Fields[i].Name);
                }
                break;
            case SqlTypeKind.Null:
                throw new FormatValidationException($"Unsupported type: {type}");
        }
    }

    /// <summary>Flink's JSON maps are objects, so their keys must be strings.</summary>
    public static void CheckMapKey(SqlType type)
    {
        if (!type.ElementType!.IsCharacterString)
            throw new FormatValidationException($"JSON format doesn't support non-string as key type of map. The type is: {type.ToNullableString()}");
    }

    /// <summary>Reads an object (the reader on its <c>{</c>) into a new row; fields not in the type are skipped.</summary>
    public Row ReadRow(ref Utf8JsonReader reader, ReadOnlySpan<byte> message)
    {
        var row = new Row(_fields.Length);
        System.Array.Clear(_seen);
        var expected = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var index = FindField(ref reader, expected);
            reader.Read();
            if (index < 0)
            {
                reader.Skip();
                continue;
            }
            expected = index + 1;
            _seen[index] = true;
            if (reader.TokenType == JsonTokenType.Null)
            {
                row.SetNull(index);
                continue;
            }
            try
            {
                _fields[index].ReadInto(ref reader, message, row, index);
            }
            catch (FieldError error)
            {
                throw error.InField(_fieldNames[index]);
            }
        }
        if (_settings.FailOnMissingField)
        {
            for (var i = 0; i < _seen.Length; i++)
            {
                if (!_seen[i])
                    throw new FieldError($"Could not find field with name '{_fieldNames[i]}'.").InField(_fieldNames[i]);
            }
        }
        return row;
    }

    private int FindField(ref Utf8JsonReader reader, int expected)
    {
        // Writers keep the declared order, so the next field is almost always the one after the last.
        if (expected < _names.Length && reader.ValueTextEquals(_names[expected]))
            return expected;
        for (var i = 0; i < _names.Length; i++)
        {
            if (i != expected && reader.ValueTextEquals(_names[i]))
                return i;
        }
        return -1;
    }

    /// <summary>Reads the value at the reader (not JSON null) into column <paramref name="i"/>.</summary>
    public void ReadInto(ref Utf8JsonReader reader, ReadOnlySpan<byte> message, Row row, int i)
    {
        if (_type.IsPrimitive)
        {
            if (TryReadPrimitive(ref reader, out var bits))
                row.SetRaw(i, bits);
            else
                row.SetNull(i);
        }
        else
        {
            row.SetValue(i, _type, ReadObject(ref reader, message));
        }
    }

    /// <summary>Reads the value at the reader as its CLR value (boxed: an element of an array or map), or null.</summary>
    public object? ReadValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> message)
    {
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        if (!_type.IsPrimitive)
            return ReadObject(ref reader, message);
        return TryReadPrimitive(ref reader, out var bits) ? Slots.Box(_kind, bits) : null;
    }

    private bool TryReadPrimitive(ref Utf8JsonReader reader, out long bits)
    {
        bits = 0;
        var token = reader.TokenType;
        Span<char> text = stackalloc char[TextForms.MaxLength];
        switch (_kind)
        {
            case SqlTypeKind.Boolean:
                if (token is JsonTokenType.True or JsonTokenType.False)
                {
                    bits = token == JsonTokenType.True ? 1 : 0;
                    return true;
                }
                if (token == JsonTokenType.String && TryText(ref reader, text, out var b) && bool.TryParse(text[..b].Trim(), out var boolean))
                {
                    bits = boolean ? 1 : 0;
                    return true;
                }
                return Fail(ref reader, "a boolean");
            case SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt or SqlTypeKind.IntervalYearMonth:
                {
                    long value;
                    if (token == JsonTokenType.Number && reader.TryGetInt64(out value)
                        || token == JsonTokenType.String && TryText(ref reader, text, out var n)
                            && long.TryParse(text[..n].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
                    {
                        var (min, max) = _kind switch
                        {
                            SqlTypeKind.TinyInt => (sbyte.MinValue, sbyte.MaxValue),
                            SqlTypeKind.SmallInt => (short.MinValue, short.MaxValue),
                            SqlTypeKind.BigInt => (long.MinValue, long.MaxValue),
                            _ => ((long)int.MinValue, (long)int.MaxValue),
                        };
                        if (value >= min && value <= max)
                        {
                            bits = value;
                            return true;
                        }
                    }
                    return Fail(ref reader, $"a number of type {_type.ToNullableString()}");
                }
            case SqlTypeKind.Float or SqlTypeKind.Double:
                {
                    double value;
                    if (token == JsonTokenType.Number && reader.TryGetDouble(out value)
                        || token == JsonTokenType.String && TryText(ref reader, text, out var n)
                            && double.TryParse(text[..n].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                    {
                        bits = _kind == SqlTypeKind.Float ? BitConverter.SingleToInt32Bits((float)value) : BitConverter.DoubleToInt64Bits(value);
                        return true;
                    }
                    return Fail(ref reader, $"a number of type {_type.ToNullableString()}");
                }
            case SqlTypeKind.Date:
                if (token == JsonTokenType.String && TryText(ref reader, text, out var d) && TextForms.TryParseDate(text[..d], out var date))
                {
                    bits = date.DayNumber;
                    return true;
                }
                return Fail(ref reader, "a date 'yyyy-MM-dd'");
            case SqlTypeKind.Time:
                if (token == JsonTokenType.String && TryText(ref reader, text, out var t) && TextForms.TryParseTime(text[..t], out var time))
                {
                    bits = TextForms.Truncate(time, _type.Precision);
                    return true;
                }
                return Fail(ref reader, "a time 'HH:mm:ss'");
            case SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz:
                {
                    var utc = _kind == SqlTypeKind.TimestampLtz;
                    var separator = _settings.TimestampStandard == TimestampStandard.Sql ? ' ' : 'T';
                    if (token == JsonTokenType.String && TryText(ref reader, text, out var s)
                        && TextForms.TryParseTimestamp(text[..s], separator, utc, out var ticks))
                    {
                        bits = ticks;
                        return true;
                    }
                    return Fail(ref reader, $"a timestamp '{TimestampPattern(_settings.TimestampStandard, utc)}'");
                }
            case SqlTypeKind.IntervalDayTime:
                if (token == JsonTokenType.Number && reader.TryGetInt64(out var millis) && millis is > long.MinValue / TimeSpan.TicksPerMillisecond and < long.MaxValue / TimeSpan.TicksPerMillisecond)
                {
                    bits = millis * TimeSpan.TicksPerMillisecond;
                    return true;
                }
                return Fail(ref reader, "a number of milliseconds");
            default:
                throw new InvalidOperationException($"{_type} is not primitive.");
        }
    }

    /// <summary>The pattern of a timestamp's text under a standard, for errors and documentation.</summary>
    public static string TimestampPattern(TimestampStandard standard, bool utc) =>
        (standard == TimestampStandard.Sql ? "yyyy-MM-dd HH:mm:ss.s{precision}" : "yyyy-MM-ddTHH:mm:ss.s{precision}") + (utc ? "'Z'" : "");

    private object? ReadObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> message)
    {
        var token = reader.TokenType;
        switch (_kind)
        {
            case SqlTypeKind.Char or SqlTypeKind.VarChar:
                if (token == JsonTokenType.String)
                    return reader.GetString();
                if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    // Flink gives a string column the JSON text of an object or array.
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    return Encoding.UTF8.GetString(message[start..(int)reader.BytesConsumed]);
                }
                return Encoding.UTF8.GetString(reader.ValueSpan);
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary:
                if (token == JsonTokenType.String && reader.TryGetBytesFromBase64(out var bytes))
                    return bytes;
                Fail(ref reader, "a base64 string");
                return null;
            case SqlTypeKind.Decimal:
                {
                    decimal value;
                    Span<char> text = stackalloc char[TextForms.MaxLength * 2];
                    if (token == JsonTokenType.Number)
                    {
                        // Beyond decimal's range is beyond any precision it holds: Flink's overflow, a NULL.
                        if (!reader.TryGetDecimal(out value))
                            return null;
                    }
                    else if (token != JsonTokenType.String || !TryText(ref reader, text, out var n)
                        || !decimal.TryParse(text[..n].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                    {
                        Fail(ref reader, $"a number of type {_type.ToNullableString()}");
                        return null;
                    }
                    return TextForms.TryFitDecimal(value, _type.Precision, _type.Scale, out var fitted) ? fitted : null;
                }
            case SqlTypeKind.Array:
                if (token != JsonTokenType.StartArray)
                {
                    Fail(ref reader, "an array");
                    return null;
                }
                return ReadArray(ref reader, message);
            case SqlTypeKind.Map or SqlTypeKind.Multiset:
                if (token != JsonTokenType.StartObject)
                {
                    Fail(ref reader, "an object");
                    return null;
                }
                return ReadMap(ref reader, message);
            case SqlTypeKind.Row:
                if (token != JsonTokenType.StartObject)
                {
                    Fail(ref reader, "an object");
                    return null;
                }
                return ReadRow(ref reader, message);
            default:
                throw new InvalidOperationException($"{_type} is primitive.");
        }
    }

    private object?[] ReadArray(ref Utf8JsonReader reader, ReadOnlySpan<byte> message)
    {
        // The scratch list is this decoder's own: an array type is never nested in itself.
        var elements = _elements!;
        elements.Clear();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            try
            {
                elements.Add(_element!.ReadValue(ref reader, message));
            }
            catch (FieldError error)
            {
                throw error.AtIndex(elements.Count);
            }
        }
        var array = elements.ToArray();
        elements.Clear();
        return array;
    }

    private Dictionary<object, object?> ReadMap(ref Utf8JsonReader reader, ReadOnlySpan<byte> message)
    {
        var map = new Dictionary<object, object?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            try
            {
                if (_value is not null)
                {
                    map[key] = _value.ReadValue(ref reader, message);
                }
                else
                {
                    // A multiset's value is the element's count.
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var count))
                        map[key] = count;
                    else
                        Fail(ref reader, "a count");
                }
            }
            catch (FieldError error)
            {
                throw error.AtKey(key);
            }
        }
        return map;
    }

    private static bool TryText(ref Utf8JsonReader reader, scoped Span<char> into, out int length)
    {
        length = 0;
        if (reader.HasValueSequence || reader.ValueSpan.Length > into.Length)
            return false;
        length = reader.CopyString(into);
        return true;
    }

    /// <summary>
    /// A value of the wrong form: with ignore-parse-errors it is skipped and the column is NULL, as Flink does;
    /// otherwise an error that the containers give its path to.
    /// </summary>
    private bool Fail(ref Utf8JsonReader reader, string expected)
    {
        if (_settings.IgnoreParseErrors)
        {
            reader.Skip();
            return false;
        }
        throw new FieldError($"expected {expected} for type {_type.ToNullableString()}, found {Describe(ref reader)}.");
    }

    private static string Describe(ref Utf8JsonReader reader)
    {
        var text = Encoding.UTF8.GetString(reader.ValueSpan.Length > 64 ? reader.ValueSpan[..64] : reader.ValueSpan);
        return reader.TokenType switch
        {
            JsonTokenType.String => $"string \"{text}\"",
            JsonTokenType.Number => $"number {text}",
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            _ => reader.TokenType.ToString(),
        };
    }
}
