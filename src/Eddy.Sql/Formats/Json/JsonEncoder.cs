using System.Text.Json;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Json;

/// <summary>
/// Writes the JSON value of one SQL type to a <see cref="Utf8JsonWriter"/>, as Flink's <c>RowDataToJsonConverters</c>:
/// built once per type (nested encoders, field names pre-encoded), primitives read from the row's slots without
/// boxing. Numbers as numbers (DECIMAL as Java's <c>BigDecimal.toString</c>), bytes as base64, dates and times in
/// Flink's text forms, ARRAY as an array, MAP, MULTISET and ROW as objects.
/// </summary>
internal sealed class JsonEncoder
{
    private readonly SqlType _type;
    private readonly SqlTypeKind _kind;
    private readonly JsonSettings _settings;
    private readonly JsonEncoder? _element;
    private readonly JsonEncoder? _value;
    private readonly JsonEncoder[] _fields = [];
    private readonly JsonEncodedText[] _names = [];

    public JsonEncoder(SqlType type, JsonSettings settings)
    {
        _type = type;
        _kind = type.Kind;
        _settings = settings;
        switch (type.Kind)
        {
            case SqlTypeKind.Array:
                _element = new JsonEncoder(type.ElementType!, settings);
                break;
            case SqlTypeKind.Map or SqlTypeKind.Multiset:
                JsonDecoder.CheckMapKey(type);
                _value = type.Kind == SqlTypeKind.Map ? new JsonEncoder(type.ValueType!, settings) : new JsonEncoder(SqlType.Int, settings);
                break;
            case SqlTypeKind.Row:
                _fields = new JsonEncoder[type.Fields.Length];
                _names = new JsonEncodedText[type.Fields.Length];
                for (var i = 0; i < _fields.Length; i++)
                {
                    _fields[i] = new JsonEncoder(type.Fields[i].Type, settings);
                    _names[i] = JsonEncodedText.Encode(type.Fields[i].Name);
                }
                break;
            case SqlTypeKind.Null:
                throw new FormatValidationException($"Unsupported type: {type}");
        }
    }

    /// <summary>Writes <paramref name="row"/> as an object.</summary>
    public void WriteRow(Utf8JsonWriter writer, Row row)
    {
        writer.WriteStartObject();
        for (var i = 0; i < _fields.Length; i++)
        {
            if (row.IsNull(i))
            {
                if (!_settings.IgnoreNullFields)
                    writer.WriteNull(_names[i]);
                continue;
            }
            writer.WritePropertyName(_names[i]);
            var field = _fields[i];
            try
            {
                if (field._type.IsPrimitive)
                    field.WritePrimitive(writer, row.GetRaw(i));
                else
                    field.WriteObject(writer, row.GetObject(i)!);
            }
            catch (FieldError error)
            {
                throw error.InField(_type.Fields[i].Name);
            }
        }
        writer.WriteEndObject();
    }

    private void WriteValue(Utf8JsonWriter writer, object? value)
    {
        if (value is null)
            writer.WriteNullValue();
        else if (_type.IsPrimitive)
            WritePrimitive(writer, Slots.Unbox(_kind, value));
        else
            WriteObject(writer, value);
    }

    private void WritePrimitive(Utf8JsonWriter writer, long bits)
    {
        Span<char> text = stackalloc char[TextForms.MaxLength];
        switch (_kind)
        {
            case SqlTypeKind.Boolean: writer.WriteBooleanValue(bits != 0); break;
            case SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt or SqlTypeKind.IntervalYearMonth:
                writer.WriteNumberValue(bits);
                break;
            case SqlTypeKind.Float:
                {
                    var value = BitConverter.Int32BitsToSingle((int)bits);
                    if (float.IsFinite(value))
                        writer.WriteNumberValue(value);
                    else
                        WriteNonFinite(writer, value);
                    break;
                }
            case SqlTypeKind.Double:
                {
                    var value = BitConverter.Int64BitsToDouble(bits);
                    if (double.IsFinite(value))
                        writer.WriteNumberValue(value);
                    else
                        WriteNonFinite(writer, value);
                    break;
                }
            case SqlTypeKind.Date:
                writer.WriteStringValue(text[..TextForms.FormatDate(DateOnly.FromDayNumber((int)bits), text)]);
                break;
            case SqlTypeKind.Time:
                writer.WriteStringValue(text[..TextForms.FormatTime(bits, text)]);
                break;
            case SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz:
                {
                    var separator = _settings.TimestampStandard == TimestampStandard.Sql ? ' ' : 'T';
                    writer.WriteStringValue(text[..TextForms.FormatTimestamp(bits, separator, _kind == SqlTypeKind.TimestampLtz, text)]);
                    break;
                }
            case SqlTypeKind.IntervalDayTime:
                // Flink holds a day-time interval as milliseconds.
                writer.WriteNumberValue(bits / TimeSpan.TicksPerMillisecond);
                break;
            default:
                throw new InvalidOperationException($"{_type} is not primitive.");
        }
    }

    // Jackson writes NaN and the infinities as strings (QUOTE_NON_NUMERIC_NUMBERS), which Flink's reader parses back.
    private static void WriteNonFinite(Utf8JsonWriter writer, double value) =>
        writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");

    private void WriteObject(Utf8JsonWriter writer, object value)
    {
        switch (_kind)
        {
            case SqlTypeKind.Char or SqlTypeKind.VarChar:
                writer.WriteStringValue((string)value);
                break;
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary:
                writer.WriteBase64StringValue((byte[])value);
                break;
            case SqlTypeKind.Decimal:
                {
                    var number = (decimal)value;
                    if (TextForms.TryFitDecimal(number, _type.Precision, _type.Scale, out var fitted))
                        number = fitted;
                    Span<char> text = stackalloc char[TextForms.MaxLength * 2];
                    writer.WriteRawValue(text[..TextForms.FormatDecimal(number, _settings.DecimalAsPlainNumber, text)], skipInputValidation: true);
                    break;
                }
            case SqlTypeKind.Array:
                {
                    var array = (object?[])value;
                    writer.WriteStartArray();
                    for (var i = 0; i < array.Length; i++)
                    {
                        try
                        {
                            _element!.WriteValue(writer, array[i]);
                        }
                        catch (FieldError error)
                        {
                            throw error.AtIndex(i);
                        }
                    }
                    writer.WriteEndArray();
                    break;
                }
            case SqlTypeKind.Map or SqlTypeKind.Multiset:
                {
                    writer.WriteStartObject();
                    // A Dictionary holds no null key, so json.map-null-key.mode has nothing to act on here.
                    foreach (var (key, entry) in (Dictionary<object, object?>)value)
                    {
                        writer.WritePropertyName((string)key);
                        try
                        {
                            _value!.WriteValue(writer, entry);
                        }
                        catch (FieldError error)
                        {
                            throw error.AtKey((string)key);
                        }
                    }
                    writer.WriteEndObject();
                    break;
                }
            case SqlTypeKind.Row:
                WriteRow(writer, (Row)value);
                break;
            default:
                throw new InvalidOperationException($"{_type} is primitive.");
        }
    }
}
