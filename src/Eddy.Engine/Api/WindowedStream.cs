using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

/// <summary>A keyed stream grouped into windows, waiting for its aggregation.</summary>
public sealed class WindowedStream<TKey, TValue>
{
    private readonly KeyedStream<TKey, TValue> _input;
    private readonly Windows _windows;
    private readonly string _name;
    private TimeSpan _allowedLateness = TimeSpan.Zero;
    private OutputTag<TKey, TValue>? _lateTag;

    internal WindowedStream(KeyedStream<TKey, TValue> input, Windows windows, string name)
    {
        _input = input;
        _windows = windows;
        _name = name;
    }

    /// <summary>How long after a window fired a late record still updates (and re-emits) its result.</summary>
    public WindowedStream<TKey, TValue> AllowedLateness(TimeSpan lateness)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lateness, TimeSpan.Zero);
        _allowedLateness = lateness;
        return this;
    }

    /// <summary>
    /// Where records later than the allowed lateness go (default: the side output <c>{job}-{window}-late</c>); they
    /// are counted either way.
    /// </summary>
    public WindowedStream<TKey, TValue> SideOutputLate(OutputTag<TKey, TValue> tag)
    {
        _lateTag = tag ?? throw new ArgumentNullException(nameof(tag));
        return this;
    }

    /// <summary>
    /// Folds each window's records into an accumulator, emitted as the window's result when it fires.
    /// Session windows also need <paramref name="merger"/> to combine the accumulators of sessions a record bridges.
    /// </summary>
    public Stream<Windowed<TKey>, TAcc> Aggregate<TAcc>(Func<TAcc> initializer, Func<TKey, TValue, TAcc, TAcc> adder, ISerde<TAcc>? resultSerde,
        Func<TKey, TAcc, TAcc, TAcc>? merger = null)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        ArgumentNullException.ThrowIfNull(adder);
        var keySerde = _input.KeySerde;
        var error = keySerde is null ? "the keyed stream has no key serde."
            : resultSerde is null ? "the aggregation has no result serde."
            : _windows.IsMerging && merger is null ? "session windows need a merger for the aggregates of merged sessions."
            : null;
        // Late records are never silently lost: without a tag of the user's they go to the window's own side output.
        var lateTag = _lateTag?.Name ?? $"{_input.Job.Name}-{_name}-late";
        var definition = new WindowAggregation<TKey, TValue, TAcc>(_windows, (long)_allowedLateness.TotalMilliseconds, lateTag,
            initializer, adder, merger, keySerde!, resultSerde!, _lateTag?.KeySerde ?? keySerde!,
            _lateTag?.ValueSerde ?? _input.ValueSerde ?? Serdes.Json<TValue>());
        var node = _input.Job.Add(_name, "window", OperatorKind.WindowAggregate, [_input.Node],
            n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
            {
                Detail = $"{_windows}, lateness {(long)_allowedLateness.TotalMilliseconds} ms, late -> {lateTag}",
                StateNames = [WindowAggregateOperator<TKey, TValue, TAcc>.WindowsState, WindowAggregateOperator<TKey, TValue, TAcc>.TimersState],
                Factory = () => new WindowAggregateOperator<TKey, TValue, TAcc>(definition),
                SideOutputs = [lateTag],
                Error = error,
                // A window fires once unless late records may update it or sessions may merge into it.
                EmitsInsertsOnly = _allowedLateness == TimeSpan.Zero && !_windows.IsMerging,
            });
        var windowedKeys = keySerde is null ? null : Serdes.Windowed(keySerde);
        return new Stream<Windowed<TKey>, TAcc>(_input.Job, node, windowedKeys, resultSerde);
    }

    public Stream<Windowed<TKey>, long> Count() =>
        Aggregate(() => 0L, (_, _, count) => count + 1, Serdes.Long, (_, a, b) => a + b);
}
