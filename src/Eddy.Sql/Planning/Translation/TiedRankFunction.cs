using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine;
using Eddy.Engine.Records;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Translation;

/// <summary>
/// RANK and DENSE_RANK Top-N per partition key over an insert-only input, as Flink's AppendOnlyTopNFunction with a tied
/// rank: the <c>rows</c> map holds the partition's rows ordered by [sort key][arrival sequence]; rows of equal sort key
/// share a rank (RANK leaves a gap after them, DENSE_RANK does not). A new row is placed, the ranks are recomputed
/// and only the differences are emitted: a row entering the range is inserted, a row whose rank moved is retracted at
/// the old rank and added at the new one (only when the rank is a column), a row pushed past the end is deleted. Ranks
/// only grow as rows arrive, so a row ranked past the end is dropped from state for good; ties at the end keep more
/// than N rows.
/// </summary>
internal sealed class TiedRankFunction(RowSortKey order, bool dense, long rankStart, long rankEnd, bool withRank, SqlType[] types, BinaryRowSerde rows)
    : KeyedProcessFunction<Row, Row, Row>
{
    private const int SequenceBytes = 8;
    private readonly ArrayBufferWriter<byte> _entry = new();
    private readonly bool[] _raw = RowConcat.RawColumns(types);
    private readonly List<long> _before = [];
    private IMapState<byte[], Row> _rows = null!;
    private IValueState<long> _sequence = null!;

    public override void Open(IKeyedStateStore state)
    {
        _rows = state.Map("rows", Serdes.Bytes, rows);
        _sequence = state.Value("sequence", Serdes.Long);
    }

    public override void ProcessElement(Row key, Row value, IKeyedContext<Row, Row> context)
    {
        var sequence = _sequence.GetOrDefault(0);
        _sequence.Update(sequence + 1);
        _entry.ResetWrittenCount();
        order.Write(value, _entry);
        BinaryPrimitives.WriteInt64BigEndian(_entry.GetSpan(SequenceBytes), sequence);
        _entry.Advance(SequenceBytes);
        var entryKey = _entry.WrittenSpan.ToArray();

        // The ranks before the row, then with it: the rows below the new one (by sort key, then arrival) may move down.
        Ranks(_rows.Entries(), _before);
        _rows.Put(entryKey, value);
        var entries = _rows.Entries();
        var after = new List<long>(entries.Count);
        Ranks(entries, after);

        var inserted = IndexOf(entries, entryKey);
        for (var i = 0; i < entries.Count; i++)
        {
            if (i == inserted)
                continue;
            var old = _before[i < inserted ? i : i - 1];
            var now = after[i];
            var wasIn = old >= rankStart && old <= rankEnd;
            var isIn = now >= rankStart && now <= rankEnd;
            if (wasIn && !isIn)
                context.Emit(Output(entries[i].Value, old), RowKind.Delete);
            else if (wasIn && isIn && old != now && withRank)
            {
                context.Emit(Output(entries[i].Value, old), RowKind.UpdateBefore);
                context.Emit(Output(entries[i].Value, now), RowKind.UpdateAfter);
            }
            else if (!wasIn && isIn)
            {
                context.Emit(Output(entries[i].Value, now), RowKind.Insert);
            }
        }
        if (after[inserted] >= rankStart && after[inserted] <= rankEnd)
            context.Emit(Output(value, after[inserted]), RowKind.Insert);

        // Rows ranked past the end never come back on an insert-only input.
        for (var i = entries.Count - 1; i >= 0 && after[i] > rankEnd; i--)
            _rows.Remove(entries[i].Key);
    }

    /// <summary>The RANK or DENSE_RANK of each entry, in the entries' order.</summary>
    private void Ranks(IReadOnlyList<KeyValuePair<byte[], Row>> entries, List<long> ranks)
    {
        ranks.Clear();
        long rank = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (i == 0 || !SameSortKey(entries[i - 1].Key, entries[i].Key))
                rank = dense ? rank + 1 : i + 1;
            ranks.Add(rank);
        }
    }

    private static bool SameSortKey(byte[] a, byte[] b) =>
        a.Length == b.Length && a.AsSpan(0, a.Length - SequenceBytes).SequenceEqual(b.AsSpan(0, b.Length - SequenceBytes));

    private static int IndexOf(IReadOnlyList<KeyValuePair<byte[], Row>> entries, byte[] key)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Key.AsSpan().SequenceEqual(key))
                return i;
        }
        throw new InvalidOperationException("The row just stored is missing from the rank state.");
    }

    private Row Output(Row row, long rank)
    {
        if (!withRank)
            return row;
        var ranked = new Row(types.Length + 1);
        RowConcat.Copy(row, types, _raw, ranked, 0);
        ranked.SetBigInt(types.Length, rank);
        return ranked;
    }
}
