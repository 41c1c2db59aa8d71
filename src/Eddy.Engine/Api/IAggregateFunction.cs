namespace Eddy.Engine;

/// <summary>
/// A retraction-aware aggregate, as Flink's AggregateFunction with retract: an accumulator per key (or per window, or
/// per OVER frame) that rows are added to and, when an updating input takes a row back (update-before, delete),
/// retracted from. Accumulators are values: every call returns the new accumulator, so a struct accumulator (a sum, a
/// count) costs no allocation. The accumulator is kept in state with <see cref="AccumulatorSerde"/>.
/// </summary>
/// <remarks>
/// The operator running it counts the rows of each key itself: when a key's last row is retracted it deletes the key's
/// result rather than asking the accumulator, so <see cref="Retract"/> need not know when it is empty.
/// </remarks>
public interface IAggregateFunction<in TIn, TAcc, out TOut>
{
    TAcc CreateAccumulator();

    TAcc Add(TAcc accumulator, TIn value);

    /// <summary>Takes a row back; an aggregate that cannot (a plain reduce) throws <see cref="NotSupportedException"/>.</summary>
    TAcc Retract(TAcc accumulator, TIn value);

    TOut GetResult(TAcc accumulator);

    ISerde<TAcc> AccumulatorSerde { get; }
}
