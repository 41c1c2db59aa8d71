using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

public sealed partial class KeyedStream<TKey, TValue>
{
    /// <summary>
    /// The first <paramref name="n"/> rows of each key in the order of <paramref name="orderBy"/>, as Flink's Top-N
    /// (<c>ROW_NUMBER() OVER (PARTITION BY key ORDER BY ...) WHERE rn &lt;= n</c>): an updating result of
    /// <see cref="Ranked{T}"/> rows. A row entering the top N is inserted at its rank, every row it pushes down is
    /// re-emitted at its new rank (update-before the old rank, update-after the new), the row pushed out is deleted; a
    /// retraction on the input (update-before, delete) takes its row out and the rows below move up. Rows of equal sort
    /// key rank by arrival. State: the rows of each key sorted in the <c>rows</c> store; only the top N of a key when
    /// the input is insert-only (<paramref name="appendOnly"/>, inferred from the plan when null), every row otherwise.
    /// </summary>
    /// <param name="n">How many rows per key, at least 1.</param>
    /// <param name="orderBy">The sort key.</param>
    /// <param name="descending">Largest first.</param>
    /// <param name="valueSerde">The rows' serde in state; defaults to the stream's.</param>
    /// <param name="sortKey">
    /// How to write the sort key as order-preserving bytes; needed only for a type without a built-in encoding (see
    /// <see cref="ISortKeyEncoder{T}"/>).
    /// </param>
    /// <param name="appendOnly">
    /// True: the input is insert-only, keep N rows per key (a retraction then fails the task); false: keep every row;
    /// null: true when the plan shows the input is insert-only.
    /// </param>
    /// <param name="name">The operator's name.</param>
    public KeyedStream<TKey, Ranked<TValue>> TopN<TSort>(int n, Func<TValue, TSort> orderBy, bool descending = false,
        ISerde<TValue>? valueSerde = null, ISortKeyEncoder<TSort>? sortKey = null, bool? appendOnly = null, string? name = null)
    {
        var node = AddTopN(n, orderBy, descending, valueSerde, sortKey, appendOnly, name, withRank: true);
        var values = valueSerde ?? ValueSerde;
        return new KeyedStream<TKey, Ranked<TValue>>(Job, node, KeySerde, values is null ? null : Ranked.Serde(values));
    }

    /// <summary>
    /// <see cref="TopN{TSort}"/> whose operators cache the top rows of at most <paramref name="cachedRows"/> rows (and
    /// keys) each: tests make it tiny, so that keys are evicted and reloaded from the store all the time.
    /// </summary>
    internal KeyedStream<TKey, Ranked<TValue>> TopNWithCacheLimit<TSort>(int n, Func<TValue, TSort> orderBy, bool descending, int cachedRows, string? name = null)
    {
        var node = AddTopN(n, orderBy, descending, null, null, null, name, withRank: true, cachedRows);
        return new KeyedStream<TKey, Ranked<TValue>>(Job, node, KeySerde, ValueSerde is null ? null : Ranked.Serde(ValueSerde));
    }

    /// <summary><see cref="TopNRows{TSort}"/> with the operators' cache limited, as <see cref="TopNWithCacheLimit{TSort}"/>.</summary>
    internal KeyedStream<TKey, TValue> TopNRowsWithCacheLimit<TSort>(int n, Func<TValue, TSort> orderBy, bool descending, int cachedRows, string? name = null)
    {
        var node = AddTopN(n, orderBy, descending, null, null, null, name, withRank: false, cachedRows);
        return new KeyedStream<TKey, TValue>(Job, node, KeySerde, ValueSerde);
    }

    /// <summary>
    /// The first <paramref name="n"/> rows of each key in the order of <paramref name="orderBy"/>, without their rank:
    /// Flink's Top-N without rank number (the query does not select <c>rn</c>). The same operator and state as
    /// <see cref="TopN{TSort}"/>, but only membership changes are emitted: a row entering the top N is inserted and the
    /// row it pushes out deleted; a retraction of a top row deletes it and inserts the row promoted into the top N; rows
    /// whose rank merely shifts emit nothing, so a row costs at most two output records instead of up to 2N + 1.
    /// </summary>
    /// <param name="n">How many rows per key, at least 1.</param>
    /// <param name="orderBy">The sort key.</param>
    /// <param name="descending">Largest first.</param>
    /// <param name="valueSerde">The rows' serde in state; defaults to the stream's.</param>
    /// <param name="sortKey">
    /// How to write the sort key as order-preserving bytes; needed only for a type without a built-in encoding (see
    /// <see cref="ISortKeyEncoder{T}"/>).
    /// </param>
    /// <param name="appendOnly">
    /// True: the input is insert-only, keep N rows per key (a retraction then fails the task); false: keep every row;
    /// null: true when the plan shows the input is insert-only.
    /// </param>
    /// <param name="name">The operator's name.</param>
    public KeyedStream<TKey, TValue> TopNRows<TSort>(int n, Func<TValue, TSort> orderBy, bool descending = false,
        ISerde<TValue>? valueSerde = null, ISortKeyEncoder<TSort>? sortKey = null, bool? appendOnly = null, string? name = null)
    {
        var node = AddTopN(n, orderBy, descending, valueSerde, sortKey, appendOnly, name, withRank: false);
        return new KeyedStream<TKey, TValue>(Job, node, KeySerde, valueSerde ?? ValueSerde);
    }

    private NodeDefinition AddTopN<TSort>(int n, Func<TValue, TSort> orderBy, bool descending, ISerde<TValue>? valueSerde,
        ISortKeyEncoder<TSort>? sortKey, bool? appendOnly, string? name, bool withRank,
        int cachedRows = TopNDefinition<TKey, TValue, TSort>.DefaultCachedRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cachedRows, 1);
        var (defined, error) = DefineTopN(n, orderBy, sortKey, descending, valueSerde, appendOnly);
        var definition = defined is null ? null : defined with { WithRank = withRank, CachedRows = cachedRows };
        return Job.Add(name, "topN", OperatorKind.TopN, [Node], d => new NodeDefinition(d.Id, d.Name, d.Kind, d.Parents)
        {
            Detail = definition is null ? ""
                : $"top {n}{(descending ? " descending" : "")}{(definition.AppendOnly ? ", append-only" : "")}{(withRank ? "" : ", without rank")}",
            StateNames = [TopNOperator<TKey, TValue, TSort>.RowsState],
            Factory = () => new TopNOperator<TKey, TValue, TSort>(definition!),
            Error = error,
        });
    }

    /// <summary>
    /// The first <paramref name="n"/> rows of each key in each event-time window (tumbling, hopping or cumulating), as
    /// Flink's window Top-N: emitted once, as inserts of rank 1 to N, when the watermark passes the window's end; the
    /// window's rows are dropped then. Records for windows that have fired are late: dropped and counted. State: the
    /// rows of each key and window in the <c>rows</c> store, at most N of them when the input is insert-only.
    /// </summary>
    public Stream<Windowed<TKey>, Ranked<TValue>> WindowTopN<TSort>(Windows windows, int n, Func<TValue, TSort> orderBy, bool descending = false,
        ISerde<TValue>? valueSerde = null, ISortKeyEncoder<TSort>? sortKey = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var (definition, error) = DefineTopN(n, orderBy, sortKey, descending, valueSerde, appendOnly: null);
        error ??= windows.IsMerging ? "a window Top-N takes tumbling, hopping or cumulating windows, not session windows." : null;
        var node = Job.Add(name, "windowTopN", OperatorKind.TopN, [Node], d => new NodeDefinition(d.Id, d.Name, d.Kind, d.Parents)
        {
            Detail = definition is null ? "" : $"top {n}{(descending ? " descending" : "")} per {windows}{(definition.AppendOnly ? ", append-only" : "")}",
            StateNames = [WindowTopNOperator<TKey, TValue, TSort>.RowsState],
            Factory = () => new WindowTopNOperator<TKey, TValue, TSort>(windows, definition!),
            Error = error,
            EmitsInsertsOnly = true,
        });
        var values = valueSerde ?? ValueSerde;
        return new Stream<Windowed<TKey>, Ranked<TValue>>(Job, node, KeySerde is null ? null : Serdes.Windowed(KeySerde),
            values is null ? null : Ranked.Serde(values));
    }

    private (TopNDefinition<TKey, TValue, TSort>? Definition, string? Error) DefineTopN<TSort>(int n, Func<TValue, TSort> orderBy,
        ISortKeyEncoder<TSort>? sortKey, bool descending, ISerde<TValue>? valueSerde, bool? appendOnly)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentNullException.ThrowIfNull(orderBy);
        var values = valueSerde ?? ValueSerde;
        var encoding = SortKeyEncodings.For(sortKey);
        var error = KeySerde is null ? "the keyed stream has no key serde."
            : values is null ? "the Top-N has no value serde for its state."
            : encoding is null ? $"a Top-N cannot order by {typeof(TSort).Name}: give an ISortKeyEncoder<{typeof(TSort).Name}>."
            : null;
        if (error is not null)
        {
            return (null, error);
        }

        var insertOnly = appendOnly ?? ChangelogModes.IsInsertOnly(Node);
        return (new TopNDefinition<TKey, TValue, TSort>(n, orderBy, encoding!, descending, insertOnly, KeySerde!, values!), null);
    }
}
