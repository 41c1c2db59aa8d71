using Eddy.Engine.Records;

namespace Eddy.Engine.Runtime;

/// <summary>Runs a <see cref="KeyedProcessFunction{TKey, TIn, TOut}"/>: scopes its state to the current key and fires its timers.</summary>
internal sealed class ProcessOperator<TKey, TIn, TOut>(Func<KeyedProcessFunction<TKey, TIn, TOut>> factory, ISerde<TKey> keySerde)
    : Operator, ICurrentKey, IKeyedContext<TKey, TOut>
{
    private KeyedProcessFunction<TKey, TIn, TOut> _function = null!;
    private TimerService _timers = null!;

    public byte[] CurrentKeyBytes { get; private set; } = [];

    public TKey Key { get; private set; } = default!;

    public long Timestamp { get; private set; }

    public long CurrentWatermark => Task.Watermark;

    public long CurrentProcessingTime => Task.ProcessingTime;

    protected override void Open()
    {
        _function = factory();
        _timers = new TimerService(Store(ProcessStateNames.Timers));
        _function.Open(new KeyedStateStore(this, Store));
    }

    public override void Process(in Element element)
    {
        Key = (TKey)element.Key!;
        CurrentKeyBytes = keySerde.Serialize(Key);
        Timestamp = element.Timestamp;
        _function.ProcessElement(Key, (TIn)element.Value!, this);
    }

    public override void OnWatermark(long watermark) => Fire(TimeDomain.EventTime, watermark);

    public override void OnProcessingTime(long now) => Fire(TimeDomain.ProcessingTime, now);

    private void Fire(TimeDomain domain, long upTo) =>
        _timers.FireDue(domain, upTo, (timestamp, keyBytes) =>
        {
            CurrentKeyBytes = keyBytes;
            Key = keySerde.Deserialize(keyBytes);
            Timestamp = timestamp;
            _function.OnTimer(timestamp, domain, Key, this);
        });

    public void Emit(TOut value) => Emit(new Element(Key, value, Timestamp, RowKind.Insert));

    public void Emit(TOut value, RowKind kind) => Emit(new Element(Key, value, Timestamp, kind));

    public void RegisterEventTimeTimer(long timestamp) => _timers.Register(TimeDomain.EventTime, timestamp, CurrentKeyBytes);

    public void RegisterProcessingTimeTimer(long timestamp) => _timers.Register(TimeDomain.ProcessingTime, timestamp, CurrentKeyBytes);

    public void DeleteEventTimeTimer(long timestamp) => _timers.Delete(TimeDomain.EventTime, timestamp, CurrentKeyBytes);

    public void DeleteProcessingTimeTimer(long timestamp) => _timers.Delete(TimeDomain.ProcessingTime, timestamp, CurrentKeyBytes);

    public void Output<TSide>(OutputTag<TKey, TSide> tag, TSide value) =>
        Task.Outputs.SideOutputs.Add(new SideOutputRecord(tag.Name, Key, value, Timestamp,
            tag.KeySerde is { } keys ? keys.Serialize(Key) : CurrentKeyBytes,
            value is null ? null : (tag.ValueSerde ?? Serdes.Json<TSide>()).Serialize(value)));
}
