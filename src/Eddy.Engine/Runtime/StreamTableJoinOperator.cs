using System.Buffers;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>
/// A stream joined with a table's current row, as Kafka Streams' KStream-KTable join. Input 0 is the stream, input 1
/// the table's changelog. The operator keeps its own copy of the table in the "rows" store (key bytes → row bytes):
/// an insert or update-after puts the row, an update-before or a delete removes it (an update-before alone is how a
/// filtered table retracts a row that stopped matching; when its update-after follows, the put restores the key).
/// Table changes emit nothing; a stream record is joined with the row there at that moment and emitted with its own
/// kind and timestamp. An updating stream's retraction meets the row there when it is processed: it takes back what
/// its insert joined only if the table's row has not changed since (as Flink's lookup join on an updating input).
/// </summary>
internal sealed class StreamTableJoinOperator<TKey, TValue, TRow, TOut>(
    ISerde<TKey> keySerde, ISerde<TRow> rowSerde, Func<TKey, TValue, TRow, TOut> joiner, bool left) : Operator
{
    public const string RowsState = "rows";

    // Reused per record: the per-record path allocates no key or row buffers of its own.
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _row = new();
    private IKeyValueStore _rows = null!;

    protected override void Open() => _rows = Store(RowsState);

    public override void Process(in Element element) => Process(element, 0);

    public override void Process(in Element element, int input)
    {
        var key = (TKey)element.Key!;
        _key.ResetWrittenCount();
        keySerde.Serialize(key, _key);
        if (input == 1)
        {
            UpdateTable(element);
            return;
        }

        var bytes = _rows.Get(_key.WrittenSpan);
        if (bytes is null && !left)
        {
            return;
        }

        var row = bytes is null ? default! : rowSerde.Deserialize(bytes);
        Emit(new Element(element.Key, joiner(key, (TValue)element.Value!, row), element.Timestamp, element.Kind));
    }

    private void UpdateTable(in Element change)
    {
        if (change.Kind is RowKind.UpdateBefore or RowKind.Delete || change.Value is null)
        {
            _rows.Delete(_key.WrittenSpan);
            return;
        }

        _row.ResetWrittenCount();
        rowSerde.Serialize((TRow)change.Value, _row);
        _rows.Put(_key.WrittenSpan, _row.WrittenSpan);
    }
}
