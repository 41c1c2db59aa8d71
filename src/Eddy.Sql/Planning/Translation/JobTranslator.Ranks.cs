using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Eddy.Engine;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Translation;

internal sealed partial class JobTranslator
{
    /// <summary>
    /// ROW_NUMBER ranks: a deduplication on the rowtime becomes the engine's event-time Deduplicate; any other rank the
    /// engine's Top-N keyed by the partition key and ordered by the ORDER BY columns' order-preserving bytes, with the
    /// rank appended as a BIGINT column when the query selects it. Ranks from RankStart on are kept.
    /// </summary>
    private Translated Rank(RankNode rank)
    {
        if (rank.RankEnd > int.MaxValue)
            throw new PlanningException($"{rank.PhysicalDescription}: a Top-N of more than {int.MaxValue} rows is not supported.");
        var input = Translate(rank.Input);
        if (rank.Function != RankFunction.RowNumber)
            return TiedRank(rank, input);
        var name = Name(rank.IsDeduplication ? "deduplicate" : "rank");
        var keyTypes = rank.PartitionKeys.Select(k => rank.Input.FieldTypes[k]).ToImmutableArray();
        var keyOf = ExpressionCompiler.CompileProjection([.. rank.PartitionKeys.Select(k => (RexNode)Rex.Input(k, rank.Input.FieldTypes[k]))]);
        var keySerde = new BinaryRowSerde(keyTypes);
        var rows = new BinaryRowSerde(rank.Input.FieldTypes);
        var keyed = KeyedChanges(input, keyOf, keySerde, rows, null, name);
        if (rank.IsDeduplication && input is AppendRows && IsRowtime(rank.Input, rank.OrderKeys[0].Column))
        {
            // The engine deduplicates by the records' event time, which is this column: the source stamps each record
            // with its rowtime and the calcs between keep it.
            var keep = rank.KeepsFirstRow ? DeduplicateKeep.First : DeduplicateKeep.Last;
            var deduplicated = keyed.Deduplicate(keep, TimeDomain.EventTime, name: name);
            return Changes(deduplicated, appendOnly: false, keyTypes, rows);
        }
        var order = new RowSortKey(rank.Input.FieldTypes, rank.OrderKeys);
        var n = (int)rank.RankEnd;
        var start = rank.RankStart;
        if (!rank.OutputRankNumber && start == 1)
        {
            // Without the rank column only membership changes: a row entering or leaving the top N.
            var top = keyed.TopNRows(n, static row => row, valueSerde: rows, sortKey: order, name: name);
            return Changes(top, appendOnly: false, keyTypes, rows);
        }
        var output = new BinaryRowSerde(rank.FieldTypes);
        var ranked = keyed.TopN(n, static row => row, valueSerde: rows, sortKey: order, name: name);
        if (start > 1)
            ranked = ranked.Filter((_, row) => row.Rank >= start, name: name + "-from");
        KeyedStream<Row, Row> result;
        if (rank.OutputRankNumber)
        {
            var types = rank.Input.FieldTypes.ToArray();
            var raw = RowConcat.RawColumns(types);
            var arity = types.Length;
            result = ranked.MapValues(row =>
            {
                var withRank = new Row(arity + 1);
                RowConcat.Copy(row.Value, types, raw, withRank, 0);
                withRank.SetBigInt(arity, row.Rank);
                return withRank;
            }, output, name: name + "-rows");
        }
        else
        {
            result = ranked.MapValues(static row => row.Value, output, name: name + "-rows");
        }
        return Changes(result, appendOnly: false, keyTypes, output);
    }

    /// <summary>
    /// RANK and DENSE_RANK Top-N: keyed by the partition key, a <see cref="TiedRankFunction"/> keeps the rows that rank
    /// in range and emits the changes of the ranked rows. Its input must be insert-only (a retraction would need every
    /// row of the partition kept, as Flink's RetractableTopNFunction does; not built yet).
    /// </summary>
    private Translated TiedRank(RankNode rank, Translated input)
    {
        if (input is not AppendRows)
            throw new PlanningException($"{rank.RankType}() Top-N over an updating input is not supported yet (ROW_NUMBER() is): {rank.PhysicalDescription}");
        var name = Name("rank");
        var keyTypes = rank.PartitionKeys.Select(k => rank.Input.FieldTypes[k]).ToImmutableArray();
        var keyOf = ExpressionCompiler.CompileProjection([.. rank.PartitionKeys.Select(k => (RexNode)Rex.Input(k, rank.Input.FieldTypes[k]))]);
        var rows = new BinaryRowSerde(rank.Input.FieldTypes);
        var keyed = KeyedChanges(input, keyOf, new BinaryRowSerde(keyTypes), rows, null, name);
        var order = new RowSortKey(rank.Input.FieldTypes, rank.OrderKeys);
        var types = rank.Input.FieldTypes.ToArray();
        var dense = rank.Function == RankFunction.DenseRank;
        var output = new BinaryRowSerde(rank.FieldTypes);
        var result = keyed.Process(() => new TiedRankFunction(order, dense, rank.RankStart, rank.RankEnd, rank.OutputRankNumber, types, rows), output, name: name);
        return Changes(result, appendOnly: false, keyTypes, output);
    }

    /// <summary>
    /// Whether <paramref name="column"/> of <paramref name="node"/> is the rowtime its records are stamped with: the
    /// scan's rowtime column, passed unchanged through filters and projections.
    /// </summary>
    private static bool IsRowtime(PlanNode node, int column)
    {
        while (true)
        {
            switch (node)
            {
                case FilterNode filter:
                    node = filter.Input;
                    break;
                case ProjectNode project when project.Projections[column] is RexInputRef reference:
                    node = project.Input;
                    column = reference.Index;
                    break;
                case TableScanNode scan:
                    return scan.Table.RowtimeColumn is { } rowtime && scan.Table.IndexOf(rowtime) == column;
                default:
                    return false;
            }
        }
    }
}

/// <summary>
/// A row's ORDER BY key as bytes whose unsigned order is SQL's: per sort column a NULL marker byte (placing NULLs first
/// or last whatever the direction), then the value in a fixed-width or escaped, terminated encoding, every byte inverted
/// for a descending column (the encodings are prefix-free, so inverting reverses their order).
/// </summary>
internal sealed class RowSortKey : ISortKeyEncoder<Row>
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    private readonly SortKey[] _keys;
    private readonly SqlTypeKind[] _kinds;

    public RowSortKey(IReadOnlyList<SqlType> inputTypes, ImmutableArray<SortKey> keys)
    {
        _keys = [.. keys];
        _kinds = new SqlTypeKind[_keys.Length];
        for (var i = 0; i < _keys.Length; i++)
        {
            var type = inputTypes[_keys[i].Column];
            if (type.Kind is SqlTypeKind.Array or SqlTypeKind.Map or SqlTypeKind.Multiset or SqlTypeKind.Row or SqlTypeKind.Null)
                throw new PlanningException($"Type '{type}' is not supported in ORDER BY of a Top-N.");
            _kinds[i] = type.Kind;
        }
    }

    public void Write(Row value, IBufferWriter<byte> into)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            var key = _keys[i];
            var column = key.Column;
            var marker = into.GetSpan(1);
            if (value.IsNull(column))
            {
                marker[0] = key.NullsFirst ? (byte)0 : (byte)2;
                into.Advance(1);
                continue;
            }
            marker[0] = 1;
            into.Advance(1);
            if (key.Descending)
            {
                // The encoder is shared by the job's tasks: the scratch buffer is per thread.
                var scratch = t_scratch ??= new ArrayBufferWriter<byte>(64);
                scratch.ResetWrittenCount();
                WriteValue(value, column, _kinds[i], scratch);
                var span = into.GetSpan(scratch.WrittenCount);
                var written = scratch.WrittenSpan;
                for (var b = 0; b < written.Length; b++)
                    span[b] = (byte)~written[b];
                into.Advance(written.Length);
            }
            else
            {
                WriteValue(value, column, _kinds[i], into);
            }
        }
    }

    private static void WriteValue(Row row, int column, SqlTypeKind kind, IBufferWriter<byte> into)
    {
        switch (kind)
        {
            case SqlTypeKind.Float:
            {
                var value = row.GetFloat(column);
                var bits = float.IsNaN(value) ? int.MaxValue : BitConverter.SingleToInt32Bits(value == 0 ? 0f : value);
                BinaryPrimitives.WriteUInt32BigEndian(into.GetSpan(4), bits < 0 ? ~(uint)bits : (uint)bits | (1U << 31));
                into.Advance(4);
                break;
            }
            case SqlTypeKind.Double:
            {
                var value = row.GetDouble(column);
                var bits = double.IsNaN(value) ? long.MaxValue : BitConverter.DoubleToInt64Bits(value == 0 ? 0d : value);
                BinaryPrimitives.WriteUInt64BigEndian(into.GetSpan(8), bits < 0 ? ~(ulong)bits : (ulong)bits | (1UL << 63));
                into.Advance(8);
                break;
            }
            case SqlTypeKind.Decimal:
                WriteDecimal(row.GetDecimal(column), into);
                break;
            case SqlTypeKind.Char or SqlTypeKind.VarChar:
            {
                var text = row.GetString(column)!;
                var length = Encoding.UTF8.GetByteCount(text);
                var rented = length <= 256 ? null : ArrayPool<byte>.Shared.Rent(length);
                var bytes = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
                Encoding.UTF8.GetBytes(text, bytes);
                WriteEscaped(bytes, into);
                if (rented is not null)
                    ArrayPool<byte>.Shared.Return(rented);
                break;
            }
            case SqlTypeKind.Binary or SqlTypeKind.VarBinary:
                WriteEscaped(row.GetBytes(column)!, into);
                break;
            default:
                // Booleans, integers, dates, times, timestamps and intervals: their raw slot is a signed integer in order.
                BinaryPrimitives.WriteUInt64BigEndian(into.GetSpan(8), unchecked((ulong)(row.GetRaw(column) ^ long.MinValue)));
                into.Advance(8);
                break;
        }
    }

    /// <summary>A sign byte, then the magnitude's integer part and its fraction scaled by 10^28, inverted for negatives.</summary>
    private static void WriteDecimal(decimal value, IBufferWriter<byte> into)
    {
        var negative = value < 0;
        var magnitude = Math.Abs(value);
        var integer = decimal.Truncate(magnitude);
        var fraction = decimal.Truncate((magnitude - integer) * 1e28m);
        var span = into.GetSpan(33);
        span[0] = negative ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteUInt128BigEndian(span[1..], (UInt128)integer);
        BinaryPrimitives.WriteUInt128BigEndian(span[17..], (UInt128)fraction);
        if (negative)
        {
            for (var i = 1; i < 33; i++)
                span[i] = (byte)~span[i];
        }
        into.Advance(33);
    }

    /// <summary>0x00 escaped as 0x00 0xFF, ended by 0x00 0x00: order kept, no encoding a prefix of another.</summary>
    private static void WriteEscaped(ReadOnlySpan<byte> bytes, IBufferWriter<byte> into)
    {
        var span = into.GetSpan((bytes.Length * 2) + 2);
        var at = 0;
        foreach (var b in bytes)
        {
            span[at++] = b;
            if (b == 0)
                span[at++] = 0xFF;
        }
        span[at++] = 0;
        span[at++] = 0;
        into.Advance(at);
    }
}
