using System.Buffers;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>How a window join is defined (one object, so the operator's constructor stays small).</summary>
internal sealed record WindowJoinDefinition<TKey, TLeft, TRight, TOut>(
    Windows Windows,
    JoinType Type,
    Func<TKey, TLeft, TRight, TOut> Joiner,
    ISerde<TKey> KeySerde,
    ISerde<TLeft> LeftSerde,
    ISerde<TRight> RightSerde,
    LateOutput<TKey, TLeft> LateLeft,
    LateOutput<TKey, TRight> LateRight);

/// <summary>
/// Event-time window join: the rows of both sides of one key in one window are joined (every pair, or an outer side's
/// rows alone when the other side has none in the window) when the window fires, stamped with the window's max
/// timestamp. Rows are kept once per side by timestamp (see <see cref="JoinRows"/>), not once per window, so a hopping
/// window's rows are not copied into every window; a window fires over the rows in its range, and a row is deleted when
/// the last window holding it fires. The key's pending windows are entries [length][key][start][end] of the windows
/// store (their timers follow from them, so they are rebuilt on open). Session windows hold both sides' rows together
/// (as Flink's window join, a co-group over the union of the sides); rows less than the gap apart share a session.
/// A row whose every window has fired is late: counted and sent to its side's late side output.
/// </summary>
internal sealed class WindowJoinOperator<TKey, TLeft, TRight, TOut>(WindowJoinDefinition<TKey, TLeft, TRight, TOut> definition) : Operator
{
    public const string LeftState = "left";
    public const string RightState = "right";
    public const string WindowsState = "windows";

    private readonly bool _leftOuter = definition.Type.KeepsUnmatchedLeft();
    private readonly bool _rightOuter = definition.Type.KeepsUnmatchedRight();
    private readonly List<TimeWindow> _assigned = [];

    // Reused per record: the hot path allocates no key or value arrays of its own.
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _stateKey = new();
    private readonly ArrayBufferWriter<byte> _windowKey = new();
    private readonly ArrayBufferWriter<byte> _rows = new();
    private readonly ArrayBufferWriter<byte> _scratch = new();
    private byte[] _from = [];
    private byte[] _to = [];

    // A firing window's rows and their state keys, reused from window to window.
    private readonly List<TLeft> _lefts = [];
    private readonly List<TRight> _rights = [];
    private readonly List<byte[]> _fired = [];

    // The pending windows (a copy of the windows store, rebuilt on open) and their firing timers.
    private readonly HashSet<byte[]> _pending = new(ByteArrayComparer.Instance);
    private HashSet<byte[]>.AlternateLookup<ReadOnlySpan<byte>> _pendingLookup;
    private readonly WindowTimers _timers = new();
    private IKeyValueStore _left = null!;
    private IKeyValueStore _right = null!;
    private IKeyValueStore _windows = null!;

    protected override void Open()
    {
        _left = Store(LeftState);
        _right = Store(RightState);
        _windows = Store(WindowsState);
        _pendingLookup = _pending.GetAlternateLookup<ReadOnlySpan<byte>>();
        foreach (var (windowKey, _) in _windows.Range([], null))
        {
            _pending.Add(windowKey);
            _timers.Register(StateKeys.ReadWindow(windowKey).MaxTimestamp, windowKey);
        }
    }

    public override void Process(in Element element) => Process(element, 0);

    public override void Process(in Element element, int input)
    {
        // The inputs are append-only streams, as Flink requires of a window join: a retraction is not a row.
        if (element.Kind is RowKind.UpdateBefore or RowKind.Delete)
        {
            return;
        }

        _key.ResetWrittenCount();
        definition.KeySerde.Serialize((TKey)element.Key!, _key);
        var accepted = definition.Windows.IsMerging ? AssignSession(element.Timestamp) : AssignWindows(element.Timestamp);
        if (!accepted)
        {
            Task.Metrics.LateRecords++;
            Task.Outputs.SideOutputs.Add(input == 0
                ? definition.LateLeft.Record(element.Key, element.Value, element.Timestamp)
                : definition.LateRight.Record(element.Key, element.Value, element.Timestamp));
            return;
        }

        JoinRows.WriteKey(_stateKey, _key.WrittenSpan, element.Timestamp);
        if (input == 0)
        {
            Append(_left, definition.LeftSerde, (TLeft)element.Value!);
        }
        else
        {
            Append(_right, definition.RightSerde, (TRight)element.Value!);
        }
    }

    public override void OnWatermark(long watermark) => _timers.FireDue(watermark, (_, windowKey) => Fire(windowKey));

    /// <summary>Registers the row's windows that have not fired; false when every one of them has (the row is late).</summary>
    private bool AssignWindows(long timestamp)
    {
        _assigned.Clear();
        definition.Windows.Assign(timestamp, _assigned);
        var accepted = false;
        foreach (var window in _assigned)
        {
            if (window.MaxTimestamp <= Task.Watermark)
            {
                continue;
            }

            accepted = true;
            var windowKey = WindowKey(window);
            if (!_pendingLookup.Contains(windowKey))
            {
                AddWindow(window, windowKey);
            }
        }

        return accepted;
    }

    /// <summary>
    /// The row's session [timestamp, timestamp + gap) absorbs every pending session of the key it overlaps. Sessions
    /// that only touch stay apart (unlike the window aggregate's merge): a row exactly a gap after a session's last row
    /// may arrive after that session fired, and a fired session must be final.
    /// </summary>
    private bool AssignSession(long timestamp)
    {
        _assigned.Clear();
        definition.Windows.Assign(timestamp, _assigned);
        var merged = _assigned[0];
        if (merged.MaxTimestamp <= Task.Watermark)
        {
            return false;
        }

        var prefix = StateKeys.KeyPrefix(_key.WrittenSpan);
        List<(byte[] Key, TimeWindow Window)>? absorbed = null;
        foreach (var (windowKey, _) in _windows.Range(prefix, StateKeys.PrefixEnd(prefix)))
        {
            var session = StateKeys.ReadWindow(windowKey);
            if (session.Start < merged.End && merged.Start < session.End)
            {
                if (session.Start <= merged.Start && merged.End <= session.End)
                {
                    // Inside a pending session: nothing changes.
                    return true;
                }

                (absorbed ??= []).Add((windowKey, session));
            }
        }

        foreach (var (windowKey, session) in absorbed ?? [])
        {
            merged = merged.Cover(session);
            _windows.Delete(windowKey);
            _pending.Remove(windowKey);
            _timers.Delete(session.MaxTimestamp, windowKey);
        }

        AddWindow(merged, WindowKey(merged));
        return true;
    }

    private void AddWindow(TimeWindow window, ReadOnlySpan<byte> windowKey)
    {
        _pending.Add(windowKey.ToArray());
        _windows.Put(windowKey, []);
        _timers.Register(window.MaxTimestamp, windowKey);
    }

    private void Append<T>(IKeyValueStore store, ISerde<T> serde, T value)
    {
        var stateKey = _stateKey.WrittenSpan;
        JoinRows.Append(_rows, _scratch, store.Get(stateKey), matched: false, serde, value);
        store.Put(stateKey, _rows.WrittenSpan);
    }

    /// <summary>Joins the window's rows, then forgets the window and every row no later window holds.</summary>
    private void Fire(byte[] windowKey)
    {
        _pending.Remove(windowKey);
        _windows.Delete(windowKey);
        var window = StateKeys.ReadWindow(windowKey);
        var keyBytes = StateKeys.Key(windowKey);
        var from = JoinRows.Bound(ref _from, keyBytes, window.Start);
        var to = JoinRows.Bound(ref _to, keyBytes, window.End);
        Collect(_left, from, to, window, definition.LeftSerde, _lefts);
        Collect(_right, from, to, window, definition.RightSerde, _rights);
        var key = definition.KeySerde.Deserialize(keyBytes);
        var at = window.MaxTimestamp;
        if (_lefts.Count > 0 && _rights.Count > 0)
        {
            foreach (var left in _lefts)
            {
                foreach (var right in _rights)
                {
                    Emit(new Element(key, definition.Joiner(key, left, right), at, RowKind.Insert));
                }
            }
        }
        else if (_lefts.Count > 0 && _leftOuter)
        {
            foreach (var left in _lefts)
            {
                Emit(new Element(key, definition.Joiner(key, left, default!), at, RowKind.Insert));
            }
        }
        else if (_rights.Count > 0 && _rightOuter)
        {
            foreach (var right in _rights)
            {
                Emit(new Element(key, definition.Joiner(key, default!, right), at, RowKind.Insert));
            }
        }

        _lefts.Clear();
        _rights.Clear();
    }

    /// <summary>Reads one side's rows of the window into <paramref name="into"/>, deleting those whose last window it is.</summary>
    private void Collect<T>(IKeyValueStore store, byte[] from, byte[] to, TimeWindow window, ISerde<T> serde, List<T> into)
    {
        foreach (var (stateKey, rows) in store.Range(from, to))
        {
            var position = 0;
            while (JoinRows.Next(rows, ref position, serde, out _, out _, out var value))
            {
                into.Add(value);
            }

            if (LastEnd(JoinRows.Timestamp(stateKey)) <= window.End)
            {
                _fired.Add(stateKey);
            }
        }

        foreach (var stateKey in _fired)
        {
            store.Delete(stateKey);
        }

        _fired.Clear();
    }

    /// <summary>The end of the last window holding a row at <paramref name="timestamp"/> (a session holds its rows alone).</summary>
    private long LastEnd(long timestamp)
    {
        if (definition.Windows.IsMerging)
        {
            return long.MinValue;
        }

        _assigned.Clear();
        definition.Windows.Assign(timestamp, _assigned);
        var end = long.MinValue;
        foreach (var window in _assigned)
        {
            end = Math.Max(end, window.End);
        }

        return end;
    }

    private ReadOnlySpan<byte> WindowKey(TimeWindow window)
    {
        _windowKey.ResetWrittenCount();
        var length = StateKeys.WindowKeyLength(_key.WrittenSpan);
        StateKeys.WriteWindow(_windowKey.GetSpan(length), _key.WrittenSpan, window);
        _windowKey.Advance(length);
        return _windowKey.WrittenSpan;
    }
}
