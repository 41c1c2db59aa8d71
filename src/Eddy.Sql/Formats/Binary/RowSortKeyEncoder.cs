using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Eddy.Engine;
using Eddy.Sql.Types;

namespace Eddy.Sql.Formats.Binary;

/// <summary>One column of a sort key: its type and direction.</summary>
internal readonly record struct SortColumn(SqlType Type, bool Descending = false);

/// <summary>
/// Encodes rows as sort keys whose unsigned byte order is SQL's order of the columns (NULLs first, then by value;
/// a descending column's bytes inverted), so state stores keep rows sorted. Each column is a marker byte (0 NULL,
/// 1 a value) then: integers, dates, times, timestamps and intervals as big-endian with the sign bit flipped, FLOAT
/// and DOUBLE as their bits made monotonic (−0 before +0, NaN last, as Java's compare), strings as UTF-8 (code-point order) and bytes with every 0x00 escaped as
/// 0x00 0xFF and a 0x00 0x00 terminator, so one key's prefix sorts first. DECIMAL and nested types are not orderable here.
/// </summary>
internal sealed class RowSortKeyEncoder : ISortKeyEncoder<Row>
{
    private readonly SortColumn[] _columns;
    private readonly ArrayBufferWriter<byte> _column = new(64);

    /// <summary>An encoder for rows whose key columns are <paramref name="columns"/>, in order.</summary>
    public RowSortKeyEncoder(IReadOnlyList<SortColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        foreach (var column in _columns)
        {
            var type = column.Type;
            if (!(type.IsPrimitive || type.IsCharacterString || type.IsBinaryString))
                throw new FormatValidationException($"A sort key cannot hold a column of type {type}.");
        }
    }

    /// <inheritdoc/>
    public void Write(Row value, IBufferWriter<byte> into)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(into);
        for (var i = 0; i < _columns.Length; i++)
        {
            var (type, descending) = _columns[i];
            _column.ResetWrittenCount();
            if (value.IsNull(i))
            {
                Put(0);
            }
            else
            {
                Put(1);
                if (type.IsPrimitive)
                    WritePrimitive(type.Kind, value.GetRaw(i));
                else if (type.IsCharacterString)
                    WriteEscaped(Encoding.UTF8.GetBytes(value.GetString(i)!));
                else
                    WriteEscaped(value.GetBytes(i)!);
            }
            var bytes = into.GetSpan(_column.WrittenCount)[.._column.WrittenCount];
            _column.WrittenSpan.CopyTo(bytes);
            if (descending)
            {
                for (var b = 0; b < bytes.Length; b++)
                    bytes[b] = (byte)~bytes[b];
            }
            into.Advance(bytes.Length);
        }
    }

    private void Put(byte b)
    {
        _column.GetSpan(1)[0] = b;
        _column.Advance(1);
    }

    private void WritePrimitive(SqlTypeKind kind, long bits)
    {
        switch (kind)
        {
            case SqlTypeKind.Boolean:
                Put((byte)bits);
                return;
            case SqlTypeKind.Float:
                {
                    // Negative floats order backwards as bits: invert them all; positive ones only need the sign set.
                    // NaN (of any bits) sorts above everything, as Java's Float.compare, which Flink follows.
                    var raw = float.IsNaN(BitConverter.Int32BitsToSingle((int)bits)) ? 0x7FFF_FFFFu : (uint)(int)bits;
                    BinaryPrimitives.WriteUInt32BigEndian(_column.GetSpan(4), (raw & 0x8000_0000) != 0 ? ~raw : raw | 0x8000_0000);
                    _column.Advance(4);
                    return;
                }
            case SqlTypeKind.Double:
                {
                    var raw = double.IsNaN(BitConverter.Int64BitsToDouble(bits)) ? 0x7FFF_FFFF_FFFF_FFFFul : (ulong)bits;
                    BinaryPrimitives.WriteUInt64BigEndian(_column.GetSpan(8), (raw & 0x8000_0000_0000_0000) != 0 ? ~raw : raw | 0x8000_0000_0000_0000);
                    _column.Advance(8);
                    return;
                }
            default:
                BinaryPrimitives.WriteUInt64BigEndian(_column.GetSpan(8), (ulong)bits ^ 0x8000_0000_0000_0000);
                _column.Advance(8);
                return;
        }
    }

    private void WriteEscaped(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            Put(b);
            if (b == 0)
                Put(0xFF);
        }
        Put(0);
        Put(0);
    }
}
