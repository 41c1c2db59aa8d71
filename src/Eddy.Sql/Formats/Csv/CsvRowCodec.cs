using System.Buffers;
using Eddy.Engine.Records;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Csv;

/// <summary>
/// Decodes one CSV line per message. Fields are read in column order; a field equal to <c>csv.null-literal</c> is
/// NULL, and so is an empty field of a column other than a string or bytes (which are then empty, as in Flink).
/// </summary>
internal sealed class CsvRowDeserializer : IRowDeserializer
{
    private readonly SqlType _rowType;
    private readonly CsvSettings _settings;
    private readonly int[] _target;
    private readonly CharBuffer _line = new();
    private readonly CharBuffer _field = new();
    private readonly List<object?> _elements = [];

    public CsvRowDeserializer(SqlType rowType, SqlType produced, IReadOnlyList<int>? projection, CsvSettings settings)
    {
        _rowType = rowType;
        ProducedType = produced;
        _settings = settings;
        // The produced column of each physical column, or -1 when the projection leaves it out.
        _target = new int[rowType.Fields.Length];
        for (var i = 0; i < _target.Length; i++)
            _target[i] = projection is null ? i : -1;
        if (projection is not null)
        {
            for (var p = 0; p < projection.Count; p++)
                _target[projection[p]] = p;
        }
    }

    /// <inheritdoc/>
    public SqlType ProducedType { get; }

    /// <inheritdoc/>
    public void Deserialize(ReadOnlySpan<byte> message, IRowCollector output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _line.SetUtf8(message);
        var line = _line.Span;
        // A line separator ends the line, unless escaped (a value's own newline, without quoting).
        if (line.Length > 0 && line[^1] == '\n' && !(line.Length > 1 && line[^2] == _settings.EscapeCharacter))
            line = line[..^(line.Length > 1 && line[^2] == '\r' ? 2 : 1)];
        if (line.IsEmpty || _settings.AllowComments && line[0] == '#')
            return;
        var row = new Row(ProducedType.Fields.Length);
        try
        {
            var count = ReadFields(line, row);
            if (count != _rowType.Fields.Length && !_settings.IgnoreParseErrors)
                throw new FieldError($"Row length mismatch. {_rowType.Fields.Length} fields expected but was {count}.");
        }
        catch (FieldError e)
        {
            if (_settings.IgnoreParseErrors)
                return;
            throw e.ToParseException($"Failed to deserialize CSV row '{Excerpt(line)}'");
        }
        output.Collect(RowKind.Insert, row);
    }

    private static string Excerpt(ReadOnlySpan<char> line) => line.Length <= 200 ? line.ToString() : string.Concat(line[..200], "...");

    private int ReadFields(ReadOnlySpan<char> line, Row row)
    {
        var delimiter = _settings.FieldDelimiter;
        var quote = _settings.QuoteCharacter;
        var escape = _settings.EscapeCharacter;
        var pos = 0;
        var column = 0;
        while (true)
        {
            _field.Clear();
            var quoted = false;
            if (quote is { } q && pos < line.Length && line[pos] == q)
            {
                quoted = true;
                pos++;
                var closed = false;
                while (pos < line.Length)
                {
                    var c = line[pos];
                    if (escape is { } e && c == e && pos + 1 < line.Length)
                    {
                        _field.Append(line[pos + 1]);
                        pos += 2;
                    }
                    else if (c == q)
                    {
                        if (pos + 1 < line.Length && line[pos + 1] == q)
                        {
                            _field.Append(q);
                            pos += 2;
                        }
                        else
                        {
                            pos++;
                            closed = true;
                            break;
                        }
                    }
                    else
                    {
                        _field.Append(c);
                        pos++;
                    }
                }
                if (!closed)
                    throw new FieldError("the quoted value has no closing quote.").InField(FieldName(column));
                if (pos < line.Length && line[pos] != delimiter)
                    throw new FieldError($"expected the field delimiter after the closing quote, found '{line[pos]}'.").InField(FieldName(column));
            }
            else
            {
                while (pos < line.Length && line[pos] != delimiter)
                {
                    if (escape is { } e && line[pos] == e && pos + 1 < line.Length)
                        pos++;
                    _field.Append(line[pos++]);
                }
            }
            if (column < _target.Length && _target[column] >= 0)
            {
                try
                {
                    ReadColumn(_rowType.Fields[column].Type, _field.Span, quoted, row, _target[column]);
                }
                catch (FieldError error)
                {
                    throw error.InField(FieldName(column));
                }
            }
            column++;
            if (pos >= line.Length)
                return column;
            pos++;
        }
    }

    private string FieldName(int column) => column < _rowType.Fields.Length ? _rowType.Fields[column].Name : $"#{column + 1}";

    private bool IsNull(ReadOnlySpan<char> text, bool quoted, SqlType type) =>
        _settings.NullLiteral is { } literal && text.SequenceEqual(literal)
        || text.IsEmpty && !quoted && !type.IsCharacterString && !type.IsBinaryString;

    private void ReadColumn(SqlType type, ReadOnlySpan<char> text, bool quoted, Row row, int target)
    {
        if (IsNull(text, quoted, type))
            return;
        switch (type.Kind)
        {
            case SqlTypeKind.Array:
                {
                    _elements.Clear();
                    foreach (var range in text.Split(_settings.ArrayElementDelimiter))
                    {
                        try
                        {
                            _elements.Add(ReadScalar(type.ElementType!, text[range]));
                        }
                        catch (FieldError error)
                        {
                            throw error.AtIndex(_elements.Count);
                        }
                    }
                    row.SetArray(target, _elements.ToArray());
                    _elements.Clear();
                    return;
                }
            case SqlTypeKind.Row:
                {
                    var nested = new Row(type.Fields.Length);
                    var i = 0;
                    foreach (var range in text.Split(_settings.ArrayElementDelimiter))
                    {
                        if (i < nested.Arity)
                        {
                            try
                            {
                                nested.SetValue(i, type.Fields[i].Type, ReadScalar(type.Fields[i].Type, text[range]));
                            }
                            catch (FieldError error)
                            {
                                throw error.InField(type.Fields[i].Name);
                            }
                        }
                        i++;
                    }
                    if (i != nested.Arity && !_settings.IgnoreParseErrors)
                        throw new FieldError($"Row length mismatch. {nested.Arity} fields expected but was {i}.");
                    row.SetRow(target, nested);
                    return;
                }
            default:
                if (type.IsPrimitive)
                {
                    if (CsvScalars.TryParsePrimitive(type, text, out var bits))
                        row.SetRaw(target, bits);
                    else if (!_settings.IgnoreParseErrors)
                        throw Mismatch(type, text);
                }
                else
                {
                    if (CsvScalars.TryParseObject(type, text, out var value))
                        row.SetValue(target, type, value);
                    else if (!_settings.IgnoreParseErrors)
                        throw Mismatch(type, text);
                }
                return;
        }
    }

    private object? ReadScalar(SqlType type, ReadOnlySpan<char> text)
    {
        if (IsNull(text, false, type))
            return null;
        if (type.IsPrimitive)
        {
            if (CsvScalars.TryParsePrimitive(type, text, out var bits))
                return Slots.Box(type.Kind, bits);
        }
        else if (CsvScalars.TryParseObject(type, text, out var value))
        {
            return value;
        }
        return _settings.IgnoreParseErrors ? null : throw Mismatch(type, text);
    }

    private static FieldError Mismatch(SqlType type, ReadOnlySpan<char> text) =>
        new($"expected {CsvScalars.Expected(type)} for type {type.ToNullableString()}, found '{(text.Length > 64 ? string.Concat(text[..64], "...") : text.ToString())}'.");
}

/// <summary>Encodes a row as one CSV line (no line separator, as Flink's Kafka serializer), quoting values that need it.</summary>
internal sealed class CsvRowSerializer(SqlType rowType, CsvSettings settings) : IRowSerializer
{
    private readonly CharBuffer _line = new();
    private readonly CharBuffer _value = new();

    /// <inheritdoc/>
    public bool Serialize(RowKind kind, Row row, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(output);
        _line.Clear();
        for (var i = 0; i < rowType.Fields.Length; i++)
        {
            if (i > 0)
                _line.Append(settings.FieldDelimiter);
            if (row.IsNull(i))
            {
                if (settings.NullLiteral is { } literal)
                    _line.Append(literal);
                continue;
            }
            var type = rowType.Fields[i].Type;
            _value.Clear();
            try
            {
                switch (type.Kind)
                {
                    case SqlTypeKind.Array:
                        {
                            var array = row.GetArray(i)!;
                            for (var e = 0; e < array.Length; e++)
                            {
                                if (e > 0)
                                    _value.Append(settings.ArrayElementDelimiter);
                                WriteScalar(type.ElementType!, array[e]);
                            }
                            break;
                        }
                    case SqlTypeKind.Row:
                        {
                            var nested = row.GetRow(i)!;
                            for (var f = 0; f < nested.Arity; f++)
                            {
                                if (f > 0)
                                    _value.Append(settings.ArrayElementDelimiter);
                                WriteScalar(type.Fields[f].Type, nested.GetValue(f, type.Fields[f].Type));
                            }
                            break;
                        }
                    default:
                        if (type.IsPrimitive)
                            CsvScalars.FormatPrimitive(type, row.GetRaw(i), _value);
                        else
                            CsvScalars.FormatObject(type, row.GetObject(i)!, settings.DecimalAsPlainNumber, _value);
                        break;
                }
            }
            catch (InvalidCastException e)
            {
                throw new FormatWriteException($"Failed to serialize CSV at field '{rowType.Fields[i].Name}': the value is not of type {type}.", e);
            }
            WriteQuoted(_value.Span);
        }
        _line.WriteUtf8(output);
        return true;
    }

    private void WriteScalar(SqlType type, object? value)
    {
        if (value is null)
        {
            if (settings.NullLiteral is { } literal)
                _value.Append(literal);
        }
        else if (type.IsPrimitive)
        {
            CsvScalars.FormatPrimitive(type, Slots.Unbox(type.Kind, value), _value);
        }
        else
        {
            CsvScalars.FormatObject(type, value, settings.DecimalAsPlainNumber, _value);
        }
    }

    private void WriteQuoted(ReadOnlySpan<char> text)
    {
        var quote = settings.QuoteCharacter;
        var escape = settings.EscapeCharacter;
        var needsQuotes = false;
        foreach (var c in text)
        {
            if (c == settings.FieldDelimiter || c == quote || c == escape || c is '\r' or '\n')
            {
                needsQuotes = true;
                break;
            }
        }
        if (!needsQuotes)
        {
            _line.Append(text);
            return;
        }
        if (quote is { } q)
        {
            _line.Append(q);
            foreach (var c in text)
            {
                if (c == q)
                    _line.Append(escape ?? q);
                else if (c == escape)
                    _line.Append(c);
                _line.Append(c);
            }
            _line.Append(q);
            return;
        }
        // No quoting: the escape character keeps a delimiter or itself literal; without one the text goes as it is.
        foreach (var c in text)
        {
            if (escape is { } e && (c == settings.FieldDelimiter || c == e || c is '\r' or '\n'))
                _line.Append(e);
            _line.Append(c);
        }
    }
}
