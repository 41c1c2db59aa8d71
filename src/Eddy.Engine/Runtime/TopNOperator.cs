using System.Buffers;
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
}

/// <summary>
/// Per-key Top-N with ROW_NUMBER semantics, as Flink's rank operators: every row of a key is kept in the "rows" store
/// sorted by its sort key (then arrival), see <see cref="RankedRows"/>. A row that enters the top N is inserted at its
/// rank, every row it pushes down is re-emitted (update-before at the old rank, update-after at the new), and the row
/// pushed out of the top N is deleted; a retraction (update-before or delete) takes its row out and moves the rows
/// below it up, the best row beyond the top N entering at rank N. On an insert-only input only the top N rows of a key
/// are kept (Flink's append-only Top-N): a retraction then fails the task, as nothing beyond the top N is left to
/// promote. Without rank (<see cref="TopNDefinition{TKey, TValue, TSort}.WithRank"/> false) the same state emits plain
/// rows and only the membership changes: insert of a row entering the top N, delete of the row leaving it.
/// </summary>
internal sealed class TopNOperator<TKey, TValue, TSort>(TopNDefinition<TKey, TValue, TSort> definition) : Operator
{
    public const string RowsState = "rows";

    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _sortKey = new();
    private readonly ArrayBufferWriter<byte> _value = new();
    private SortKeyEncoding<TSort> _encoding = null!;
    private RankedRows _rows = null!;

    // The row being added, and the one delegate (made once) that serializes it when RankedRows stores it.
    private TValue? _current;
    private RowBytes _currentBytes = null!;

    protected override void Open()
    {
        _currentBytes = () => SerializeValue(_current!);
        _encoding = definition.Encoding();
        _rows = new RankedRows(Store(RowsState), definition.N, keepAll: !definition.AppendOnly, definition.WithRank);
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
        var group = StateKeys.KeyPrefix(_key.WrittenSpan);
        WriteSortKey(_encoding, definition.OrderBy(value), definition.Descending, _sortKey);

        if (element.Kind is RowKind.Insert or RowKind.UpdateAfter)
        {
            // Serialized only if stored: on an insert-only input most rows do not make the top N.
            _current = value;
            _rows.Add(group, _sortKey.WrittenSpan, _currentBytes);
            _current = default;
        }
        else if (definition.AppendOnly)
        {
            throw new InvalidOperationException(
                $"Top-N '{Node.Name}' runs append-only (it keeps only the top {definition.N} rows of a key) but received a {element.Kind} row; its input is not insert-only.");
        }
        else
        {
            _rows.Remove(group, _sortKey.WrittenSpan, SerializeValue(value));
        }

        foreach (var change in _rows.Changes)
        {
            var row = change.Value is null ? value : definition.ValueSerde.Deserialize(change.Value);
            object? output = definition.WithRank ? new Ranked<TValue>(change.Rank, row) : row;
            Emit(new Element(element.Key, output, element.Timestamp, change.Kind));
        }
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
