using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;

namespace Eddy.Engine.Runtime;

/// <summary>How a Top-N is defined (one object shared by the tasks; each operator makes its own sort key encoding).</summary>
internal sealed record TopNDefinition<TKey, TValue, TSort>(
    int N,
    Func<TValue, TSort> OrderBy,
    Func<SortKeyEncoding<TSort>> Encoding,
    bool Descending,
    bool AppendOnly,
    ISerde<TKey> KeySerde,
    ISerde<TValue> ValueSerde)
{
    /// <summary>
    /// True: emit <see cref="Ranked{T}"/> rows and re-emit the rows whose rank shifts; false (Flink's Top-N without rank
    /// number): emit the plain rows, only as they enter or leave the top N.
    /// </summary>
    public bool WithRank { get; init; } = true;

    /// <summary>How many rows (and keys) each operator instance keeps in its cache of keys' top rows; see <see cref="CachedTopRows"/>.</summary>
    public int CachedRows { get; init; } = DefaultCachedRows;

    /// <summary>
    /// 50,000 rows: a few tens of MB per task for rows of about 100 bytes (each cached with its store key, its bytes and
    /// the row itself), and the top 10 of 5,000 keys per task. Flink's default (table.exec.rank.topn-cache-size) is 10,000.
    /// </summary>
    public const int DefaultCachedRows = 50_000;
}

/// <summary>
/// Per-key Top-N with ROW_NUMBER semantics, as Flink's rank operators: every row of a key is kept in the "rows" store
/// sorted by its sort key (then arrival), see <see cref="RankedRows"/>. A row that enters the top N is inserted at its
/// rank, every row it pushes down is re-emitted (update-before at the old rank, update-after at the new), and the row
/// pushed out of the top N is deleted; a retraction (update-before or delete) takes its row out and moves the rows
/// below it up, the best row beyond the top N entering at rank N. On an insert-only input only the top N rows of a key
/// are kept (Flink's append-only Top-N): a retraction then fails the task, as nothing beyond the top N is left to
/// promote. Without rank (<see cref="TopNDefinition{TKey, TValue, TSort}.WithRank"/> false) the same state emits plain
/// rows and only the membership changes: insert of a row entering the top N, delete of the row leaving it. The top N
/// rows of recently used keys are cached in memory (<see cref="CachedTopRows"/>), so a row that does not enter its
/// key's top N is one comparison, without a store access, a serialization or an allocation.
/// </summary>
internal sealed class TopNOperator<TKey, TValue, TSort>(TopNDefinition<TKey, TValue, TSort> definition) : Operator
{
    public const string RowsState = "rows";

    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _group = new();
    private readonly ArrayBufferWriter<byte> _sortKey = new();
    private readonly ArrayBufferWriter<byte> _value = new();
    private SortKeyEncoding<TSort> _encoding = null!;
    private CachedTopRows _rows = null!;

    // The row being added, and the one delegate (made once) that serializes it when it is stored.
    private TValue? _current;
    private RowBytes _currentBytes = null!;

    protected override void Open()
    {
        _currentBytes = () => SerializeValue(_current!);
        _encoding = definition.Encoding();
        _rows = new CachedTopRows(Store(RowsState), definition.N, keepAll: !definition.AppendOnly, definition.WithRank, definition.CachedRows);
    }

    public override void Process(in Element element)
    {
        if (element.Value is null)
        {
            return;
        }

        var value = (TValue)element.Value;
        _key.ResetWrittenCount();
        definition.KeySerde.Serialize((TKey)element.Key!, _key);
        // The group is StateKeys.KeyPrefix's [length][key], written into a reused buffer rather than a new array.
        _group.ResetWrittenCount();
        BinaryPrimitives.WriteInt32BigEndian(_group.GetSpan(4), _key.WrittenCount);
        _group.Advance(4);
        _group.Write(_key.WrittenSpan);
        var group = _group.WrittenSpan;
        WriteSortKey(_encoding, definition.OrderBy(value), definition.Descending, _sortKey);

        if (element.Kind is RowKind.Insert or RowKind.UpdateAfter)
        {
            // Serialized only if stored: on an insert-only input most rows do not make the top N.
            _current = value;
            _rows.Add(group, _sortKey.WrittenSpan, _currentBytes);
            _current = default;
            foreach (var change in _rows.Changes)
            {
                Emit(element, change.Kind, change.Rank, RowOf(change, value));
            }
        }
        else if (definition.AppendOnly)
        {
            throw new InvalidOperationException(
                $"Top-N '{Node.Name}' runs append-only (it keeps only the top {definition.N} rows of a key) but received a {element.Kind} row; its input is not insert-only.");
        }
        else
        {
            _rows.Remove(group, _sortKey.WrittenSpan, SerializeValue(value));
            foreach (var change in _rows.Removed)
            {
                var row = change.Value is null ? value : definition.ValueSerde.Deserialize(change.Value);
                Emit(element, change.Kind, change.Rank, row);
            }
        }
    }

    /// <summary>
    /// The row of a change: the input row for the one it inserts (kept in the cache from then on), else the cached
    /// row, deserialized on its first emission. An add inserts only the row added.
    /// </summary>
    private TValue RowOf(CachedRankChange change, TValue added)
    {
        var cached = change.Row;
        if (change.Kind == RowKind.Insert)
        {
            cached.Row = added;
            return added;
        }

        if (cached.Row is TValue known)
        {
            return known;
        }

        var row = definition.ValueSerde.Deserialize(cached.Value);
        cached.Row = row;
        return row;
    }

    private void Emit(in Element input, RowKind kind, int rank, TValue row)
    {
        object? output = definition.WithRank ? new Ranked<TValue>(rank, row) : row;
        Emit(new Element(input.Key, output, input.Timestamp, kind));
    }

    private ReadOnlySpan<byte> SerializeValue(TValue value)
    {
        _value.ResetWrittenCount();
        definition.ValueSerde.Serialize(value, _value);
        return _value.WrittenSpan;
    }

    /// <summary>The sort key's bytes, inverted for a descending order (prefix-free encodings reverse their order so).</summary>
    internal static void WriteSortKey(SortKeyEncoding<TSort> encoding, TSort sortKey, bool descending, ArrayBufferWriter<byte> into)
    {
        into.ResetWrittenCount();
        encoding.Write(sortKey, into);
        if (descending)
        {
            // WrittenSpan is read-only, but the bytes are the writer's own buffer: invert them in place.
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsMemory(into.WrittenMemory).Span;
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)~bytes[i];
            }
        }
    }
}
