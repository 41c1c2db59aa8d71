using Eddy.Engine.Plan;
using Eddy.Engine.Records;

namespace Eddy.Engine.Runtime;

/// <summary>A record between chained operators of one task (untyped: the typed API wraps the user's functions).</summary>
internal readonly record struct Element(object? Key, object? Value, long Timestamp, RowKind Kind);

/// <summary>
/// One operator instance of one task. Records are pushed through the chain by direct calls (no queues); time-driven
/// work happens in <see cref="OnWatermark"/> and <see cref="OnProcessingTime"/>, called by the task in topological
/// order so results fired upstream reach downstream operators before their own timers fire.
/// </summary>
internal abstract class Operator
{
    private (Operator Operator, int Input)[] _next = [];

    protected TaskContext Task { get; private set; } = null!;

    protected OperatorNode Node { get; private set; } = null!;

    /// <summary>The operator's name in the plan, for errors.</summary>
    internal string Name => Node.Name;

    /// <summary>
    /// Elements handed to the operator (by its parents in the chain; for a source, the records it read): plain fields,
    /// written by the task's thread only, read by the runtime once per commit interval for the metrics.
    /// </summary>
    internal long RecordsIn;

    /// <summary>Elements the operator passed to the next operators of its chain.</summary>
    internal long RecordsOut;

    /// <param name="next">The operators fed by this one, each with the input (the position among its parents) it is fed on.</param>
    internal void Attach(TaskContext task, OperatorNode node, (Operator Operator, int Input)[] next)
    {
        Task = task;
        Node = node;
        _next = next;
        Open();
    }

    protected virtual void Open()
    {
    }

    public abstract void Process(in Element element);

    /// <summary>
    /// A record on input <paramref name="input"/> (the position of the parent among the operator's parents): a
    /// two-input operator (a join) overrides it to tell its sides apart; the others see one stream.
    /// </summary>
    public virtual void Process(in Element element, int input) => Process(element);

    public virtual void OnWatermark(long watermark)
    {
    }

    public virtual void OnProcessingTime(long now)
    {
    }

    /// <remarks>
    /// A function that throws is named here, where the failing operator is known: its failure becomes a
    /// <see cref="ProcessingException"/> naming it, which the operators upstream let through unchanged, so that the
    /// task can apply the job's <see cref="ProcessingErrorPolicy"/> to the record. A try block costs nothing until
    /// something throws.
    /// </remarks>
    protected void Emit(in Element element)
    {
        RecordsOut++;
        foreach (var (next, input) in _next)
        {
            next.RecordsIn++;
            try
            {
                next.Process(element, input);
            }
            catch (Exception e) when (ProcessingFailures.IsUserError(e))
            {
                throw new ProcessingException(next.Name, e, timeDriven: false);
            }
        }
    }

    /// <summary>The operator's store for one of its declared state names.</summary>
    protected State.IKeyValueStore Store(string stateName)
    {
        foreach (var store in Node.Stores)
        {
            if (store.StateName == stateName)
            {
                return Task.Backend.Store(store.Name, Task.Partition);
            }
        }

        throw new InvalidOperationException($"Operator '{Node.Name}' declared no state '{stateName}'.");
    }
}

/// <summary>An operator fed from a topic's bytes: a source or a repartition source.</summary>
internal interface IRecordSource
{
    /// <summary>
    /// Deserializes one record and pushes it down the chain with its event timestamp; false (and the error) when the
    /// record cannot be read, so the task can dead-letter it instead of failing.
    /// </summary>
    bool TryIngest(in InputRecord record, out long timestamp, out Exception? error);
}
