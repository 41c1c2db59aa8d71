using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Eddy.Engine.Records;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Raw;

/// <summary>
/// Flink's <c>raw</c> format: the message is the value of the table's single column, a string in <c>raw.charset</c>,
/// the bytes themselves, or a number in <c>raw.endianness</c>; a null message is a NULL column and back.
/// </summary>
internal sealed class RawFormatFactory : FormatFactory
{
    /// <summary><c>raw.charset</c>.</summary>
    public static readonly FormatOption Charset = FormatOption.Text("raw.charset", "UTF-8", "The charset of a string column's bytes.");

    /// <summary><c>raw.endianness</c>.</summary>
    public static readonly FormatOption Endianness = FormatOption.Text("raw.endianness", "big-endian",
        "The byte order of a numeric column: 'big-endian' or 'little-endian'.");

    private static readonly IReadOnlyList<FormatOption> AllOptions = [Charset, Endianness];

    /// <inheritdoc/>
    public override string Identifier => "raw";

    /// <inheritdoc/>
    public override IReadOnlyList<FormatOption> SupportedOptions => AllOptions;

    /// <inheritdoc/>
    protected override RowFormat CreateFormat(FormatOptions options, FormatContext context)
    {
        var charsetName = options.GetString(Charset)!;
        Encoding encoding;
        try
        {
            encoding = Encoding.GetEncoding(charsetName, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException e)
        {
            throw new FormatValidationException($"Unsupported '{Charset.Key}' charset: {charsetName}.", e);
        }
        var endianness = options.GetString(Endianness)!;
        var bigEndian = endianness switch
        {
            "big-endian" => true,
            "little-endian" => false,
            _ => throw new FormatValidationException($"Unsupported endianness name: {endianness}."),
        };
        return new RawFormat(encoding, bigEndian);
    }
}

/// <summary>The <c>raw</c> format with its charset and byte order.</summary>
internal sealed class RawFormat(Encoding encoding, bool bigEndian) : RowFormat
{
    /// <inheritdoc/>
    public override string Identifier => "raw";

    /// <inheritdoc/>
    public override IRowDeserializer CreateDeserializer(SqlType rowType, IReadOnlyList<int>? projection = null)
    {
        var column = Column(rowType);
        var produced = Project(rowType, projection);
        return new RawRowDeserializer(column, produced, encoding, bigEndian);
    }

    /// <inheritdoc/>
    public override IRowSerializer CreateSerializer(SqlType rowType) => new RawRowSerializer(Column(rowType), encoding, bigEndian);

    private static SqlType Column(SqlType rowType)
    {
        CheckRowType(rowType);
        if (rowType.Fields.Length != 1)
            throw new FormatValidationException(
                $"The 'raw' format only supports single physical column. However the defined schema contains multiple physical columns: {rowType}");
        var type = rowType.Fields[0].Type;
        if (!(type.IsCharacterString || type.IsBinaryString || type.Kind is >= SqlTypeKind.Boolean and <= SqlTypeKind.Double))
            throw new FormatValidationException($"The 'raw' format doesn't supports '{type.ToNullableString()}' as column type.");
        return type;
    }

    /// <summary>The size of a numeric kind's value, 0 for strings and bytes.</summary>
    public static int Size(SqlTypeKind kind) => kind switch
    {
        SqlTypeKind.Boolean or SqlTypeKind.TinyInt => 1,
        SqlTypeKind.SmallInt => 2,
        SqlTypeKind.Int or SqlTypeKind.Float => 4,
        SqlTypeKind.BigInt or SqlTypeKind.Double => 8,
        _ => 0,
    };
}

/// <summary>Decodes a raw message into a one-column row (or the projection of it).</summary>
internal sealed class RawRowDeserializer(SqlType column, SqlType produced, Encoding encoding, bool bigEndian) : IRowDeserializer
{
    /// <inheritdoc/>
    public SqlType ProducedType { get; } = produced;

    /// <inheritdoc/>
    public void Deserialize(ReadOnlySpan<byte> message, IRowCollector output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var row = new Row(ProducedType.Fields.Length);
        if (row.Arity == 1)
            Read(message, row);
        output.Collect(RowKind.Insert, row);
    }

    /// <inheritdoc/>
    public void DeserializeNull(IRowCollector output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Collect(RowKind.Insert, new Row(ProducedType.Fields.Length));
    }

    private void Read(ReadOnlySpan<byte> message, Row row)
    {
        var kind = column.Kind;
        if (column.IsCharacterString)
        {
            try
            {
                row.SetString(0, encoding.GetString(message));
            }
            catch (DecoderFallbackException e)
            {
                throw new FormatParseException($"The raw message is not valid {encoding.WebName} text for column '{ProducedType.Fields[0].Name}'.",
                    ProducedType.Fields[0].Name, e);
            }
            return;
        }
        if (column.IsBinaryString)
        {
            row.SetBytes(0, message.ToArray());
            return;
        }
        var size = RawFormat.Size(kind);
        if (message.Length != size)
            throw new FormatParseException(
                $"The raw message has {message.Length} bytes, but a {column.ToNullableString()} column '{ProducedType.Fields[0].Name}' takes {size}.",
                ProducedType.Fields[0].Name);
        long bits = kind switch
        {
            SqlTypeKind.Boolean => message[0] != 0 ? 1 : 0,
            SqlTypeKind.TinyInt => (sbyte)message[0],
            SqlTypeKind.SmallInt => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(message) : BinaryPrimitives.ReadInt16LittleEndian(message),
            SqlTypeKind.Int or SqlTypeKind.Float => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(message) : BinaryPrimitives.ReadInt32LittleEndian(message),
            _ => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(message) : BinaryPrimitives.ReadInt64LittleEndian(message),
        };
        row.SetRaw(0, bits);
    }
}

/// <summary>Encodes the single column as a raw message; a NULL column is a null message.</summary>
internal sealed class RawRowSerializer(SqlType column, Encoding encoding, bool bigEndian) : IRowSerializer
{
    /// <inheritdoc/>
    public bool Serialize(RowKind kind, Row row, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(output);
        if (row.IsNull(0))
            return false;
        if (column.IsCharacterString)
        {
            var text = row.GetString(0)!;
            var span = output.GetSpan(encoding.GetMaxByteCount(text.Length));
            output.Advance(encoding.GetBytes(text, span));
            return true;
        }
        if (column.IsBinaryString)
        {
            output.Write(row.GetBytes(0));
            return true;
        }
        var size = RawFormat.Size(column.Kind);
        var into = output.GetSpan(size);
        var bits = row.GetRaw(0);
        switch (size)
        {
            case 1: into[0] = (byte)bits; break;
            case 2:
                if (bigEndian) BinaryPrimitives.WriteInt16BigEndian(into, (short)bits);
                else BinaryPrimitives.WriteInt16LittleEndian(into, (short)bits);
                break;
            case 4:
                if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(into, (int)bits);
                else BinaryPrimitives.WriteInt32LittleEndian(into, (int)bits);
                break;
            default:
                if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(into, bits);
                else BinaryPrimitives.WriteInt64LittleEndian(into, bits);
                break;
        }
        output.Advance(size);
        return true;
    }
}
