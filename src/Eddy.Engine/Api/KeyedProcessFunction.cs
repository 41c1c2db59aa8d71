using Eddy.Engine.Records;

namespace Eddy.Engine;

/// <summary>Which clock a timer follows: the watermark (event time) or the task's clock (processing time).</summary>
public enum TimeDomain
{
    EventTime = 0,
    ProcessingTime = 1,
}

/// <summary>
/// Low-level per-key processing, as Flink's KeyedProcessFunction: state declared in <see cref="Open"/> is scoped to
/// the key of the record (or timer) being handled; timers are per key and deduplicated by timestamp.
/// One instance per task, so fields holding state handles are safe.
/// </summary>
public abstract class KeyedProcessFunction<TKey, TIn, TOut>
{
    /// <summary>Declares the function's state. Also called once at build time to learn the state stores for the plan.</summary>
    public virtual void Open(IKeyedStateStore state)
    {
    }

    public abstract void ProcessElement(TKey key, TIn value, IKeyedContext<TKey, TOut> context);

    public virtual void OnTimer(long timestamp, TimeDomain domain, TKey key, IKeyedContext<TKey, TOut> context)
    {
    }
}

/// <summary>What a process function may do while it handles a record or a timer.</summary>
public interface IKeyedContext<TKey, TOut>
{
    TKey Key { get; }

    /// <summary>The record's event timestamp, or the timer's timestamp in <c>OnTimer</c>.</summary>
    long Timestamp { get; }

    long CurrentWatermark { get; }

    long CurrentProcessingTime { get; }

    /// <summary>Emits a result under the current key, stamped with <see cref="Timestamp"/>.</summary>
    void Emit(TOut value);

    /// <summary>Emits a changelog row (an updating result retracts with update-before / delete, as in Flink).</summary>
    void Emit(TOut value, RowKind kind);

    void RegisterEventTimeTimer(long timestamp);

    void RegisterProcessingTimeTimer(long timestamp);

    void DeleteEventTimeTimer(long timestamp);

    void DeleteProcessingTimeTimer(long timestamp);

    void Output<TSide>(OutputTag<TKey, TSide> tag, TSide value);
}

/// <summary>Declares keyed state; each name becomes a state store of the operator.</summary>
public interface IKeyedStateStore
{
    IValueState<T> Value<T>(string name, ISerde<T> serde);

    IMapState<TMapKey, TMapValue> Map<TMapKey, TMapValue>(string name, ISerde<TMapKey> keySerde, ISerde<TMapValue> valueSerde);

    IListState<T> List<T>(string name, ISerde<T> serde);
}

/// <summary>One value per key.</summary>
public interface IValueState<T>
{
    bool TryGet(out T value);

    T GetOrDefault(T fallback);

    void Update(T value);

    void Clear();
}

/// <summary>A map per key, its entries ordered by the map key's bytes.</summary>
public interface IMapState<TMapKey, TMapValue>
{
    bool TryGet(TMapKey key, out TMapValue value);

    void Put(TMapKey key, TMapValue value);

    void Remove(TMapKey key);

    IReadOnlyList<KeyValuePair<TMapKey, TMapValue>> Entries();

    void Clear();
}

/// <summary>A list per key.</summary>
public interface IListState<T>
{
    void Add(T value);

    IReadOnlyList<T> Get();

    void Update(IEnumerable<T> values);

    void Clear();
}
