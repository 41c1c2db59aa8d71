using System.Buffers;
using Eddy.Engine.Records;

namespace Eddy.Engine.Runtime;

/// <summary>
/// Top-N per key and event-time window, as Flink's window Top-N: each (key, window)'s rows are kept in the "rows" store
/// as a <see cref="RankedRows"/> group [length][key][start][end]; when the watermark reaches the window's max timestamp
/// its top N are emitted once, as inserts of rank 1 to N, and the group is deleted. An insert-only input keeps at most
/// N rows per window; an updating one keeps every row, and a retraction takes its row out before the window fires. A
/// record whose windows have all fired is late: it is dropped and counted. The timers are not state of their own: a
/// task rebuilds them from the groups' headers when it opens, as the window aggregation does.
/// </summary>
internal sealed class WindowTopNOperator<TKey, TValue, TSort>(Windows windows, TopNDefinition<TKey, TValue, TSort> definition) : Operator
{
    public const string RowsState = "rows";

    private readonly List<TimeWindow> _assigned = [];
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _sortKey = new();
    private readonly ArrayBufferWriter<byte> _value = new();
    private readonly WindowTimers _timers = new();
    private SortKeyEncoding<TSort> _encoding = null!;
    private RankedRows _rows = null!;

    protected override void Open()
    {
        _encoding = definition.Encoding();
        var store = Store(RowsState);
        _rows = new RankedRows(store, definition.N, keepAll: !definition.AppendOnly);
        foreach (var (entryKey, _) in store.Range([], null))
        {
            // Every group has a header while it has rows: one timer per header.
            if (RankedRows.IsHeader(entryKey, StateKeys.WindowKeyLength(StateKeys.Key(entryKey))))
            {
                _timers.Register(StateKeys.ReadWindow(entryKey).MaxTimestamp, entryKey);
            }
        }
    }

    public override void Process(in Element element)
    {
        if (element.Value is null)
        {
            return;
        }

        var value = (TValue)element.Value;
        var add = element.Kind is RowKind.Insert or RowKind.UpdateAfter;
        if (!add && definition.AppendOnly)
        {
            throw new InvalidOperationException(
                $"Window Top-N '{Node.Name}' runs append-only (it keeps only the top {definition.N} rows of a window) but received a {element.Kind} row; its input is not insert-only.");
        }

        _key.ResetWrittenCount();
        definition.KeySerde.Serialize((TKey)element.Key!, _key);
        TopNOperator<TKey, TValue, TSort>.WriteSortKey(_encoding, definition.OrderBy(value), definition.Descending, _sortKey);
        _value.ResetWrittenCount();
        definition.ValueSerde.Serialize(value, _value);

        _assigned.Clear();
        windows.Assign(element.Timestamp, _assigned);
        var accepted = false;
        foreach (var window in _assigned)
        {
            if (window.MaxTimestamp <= Task.Watermark)
            {
                // Fired already: its result is final.
                continue;
            }

            accepted = true;
            var group = StateKeys.Window(_key.WrittenSpan, window);
            if (!add)
            {
                _rows.Remove(group, _sortKey.WrittenSpan, _value.WrittenSpan);
            }
            else if (_rows.Add(group, _sortKey.WrittenSpan, _value.WrittenSpan))
            {
                _timers.Register(window.MaxTimestamp, group);
            }
        }

        if (!accepted && add)
        {
            Task.Metrics.LateRecords++;
        }
    }

    public override void OnWatermark(long watermark) =>
        _timers.FireDue(watermark, (_, group) =>
        {
            var window = StateKeys.ReadWindow(group);
            var top = _rows.Top(group, definition.N);
            if (top.Count > 0)
            {
                var key = new Windowed<TKey>(definition.KeySerde.Deserialize(StateKeys.Key(group)), window.Start, window.End);
                for (var i = 0; i < top.Count; i++)
                {
                    var row = new Ranked<TValue>(i + 1, definition.ValueSerde.Deserialize(top[i].Value));
                    Emit(new Element(key, row, window.MaxTimestamp, RowKind.Insert));
                }
            }

            _rows.Clear(group);
        });
}
