using System.Diagnostics.CodeAnalysis;
using Eddy.Engine.Plan;
using Eddy.Engine.Runtime;

namespace Eddy.Engine;

public sealed partial class Table<TKey, TValue>
{
    /// <summary>
    /// Joins two tables on their common key (each has at most one row per key): the result is a table whose row per key
    /// is <paramref name="joiner"/> of the two current rows, kept as long as <paramref name="type"/> wants it (inner:
    /// both rows there, left: the left one, right: the right one, full: either). A change emits update-before the old
    /// result and update-after the new one, an insert when a result appears, a delete when it goes. State: the current
    /// row of each side (stores <c>left</c> and <c>right</c>), with <paramref name="stateTtl"/> dropped when not
    /// written for that long (processing time, store <c>timers</c>).
    /// </summary>
    /// <param name="right">The other table, keyed by the same key and in the same job.</param>
    /// <param name="joiner">Builds the result from the key and both rows (one is <c>default</c> for an outer row without a match).</param>
    /// <param name="outputSerde">The result's value serde, for what follows (a sink or a repartition).</param>
    /// <param name="type">Which unmatched rows are kept.</param>
    /// <param name="stateTtl">How long a row not written again is kept; null keeps it until deleted.</param>
    /// <param name="name">The operator's name (its stores are named after it).</param>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The key join and the foreign-key join differ in their required parameters (a foreign-key selector), so a call never is ambiguous.")]
    public Table<TKey, TOut> Join<TRight, TOut>(Table<TKey, TRight> right, Func<TKey, TValue, TRight, TOut> joiner, ISerde<TOut>? outputSerde,
        JoinType type = JoinType.Inner, TimeSpan? stateTtl = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(joiner);
        var keys = KeySerde ?? right.KeySerde;
        var lefts = ValueSerde;
        var rights = right.ValueSerde;
        var ttl = RegularJoinNodes.TtlMilliseconds(stateTtl);
        var node = RegularJoinNodes.Add(Job, Node, right.Node, name, RegularJoinNodes.TableError(Job, right.Job, keys, lefts, rights),
            () => new TableJoinOperator<TKey, TValue, TRight, TOut>(new RegularJoin<TKey, TValue, TRight, TOut>(type, ttl, joiner, keys!, lefts!, rights!)),
            $"table {type}{RegularJoinNodes.TtlDetail(stateTtl)}");
        return new Table<TKey, TOut>(Job, node, keys, outputSerde);
    }

    /// <summary>
    /// Joins each row with the other table's row whose key is the row's <paramref name="foreignKey"/>, as Kafka Streams'
    /// foreign-key table join; the result is keyed by this table's key. A row whose foreign key changes retracts its old
    /// result and gets the new one; a change of a right row updates every row referring to it. In a left join a row
    /// without a match, or whose foreign key is null, yields the row padded with <c>default</c> (an inner join yields
    /// nothing for it). It runs over two repartition topics: <c>{job}-{name}-subscriptions-repartition</c> (this
    /// table's changes keyed by foreign key, partitioned as <paramref name="right"/>) and
    /// <c>{job}-{name}-responses-repartition</c> (the results keyed back by this table's key), where the current result
    /// per live row is kept. State (bounded by the live rows of both tables): stores <c>{name}-subscribe-versions</c>,
    /// <c>{name}-subscriptions</c>, <c>{name}-right</c> and <c>{name}-resolve-results</c>, and with
    /// <paramref name="stateTtl"/> the timers <c>{name}-timers</c> and <c>{name}-resolve-timers</c>.
    /// </summary>
    /// <param name="right">The table joined with, keyed by the foreign key.</param>
    /// <param name="foreignKey">The right key a row refers to; a row whose foreign key is null matches no right row.</param>
    /// <param name="joiner">Builds the result from the key, the row and the right row (<c>default</c> for a left join without a match).</param>
    /// <param name="outputSerde">The result's value serde (required: results cross a repartition topic and are kept).</param>
    /// <param name="type"><see cref="JoinType.Inner"/> or <see cref="JoinType.Left"/>.</param>
    /// <param name="foreignKeySerde">The foreign key's serde (default: the right table's key serde); it must write the right table's key bytes, which partition both.</param>
    /// <param name="stateTtl">
    /// How long a subscription, a right row or a result not written again is kept (processing time), as the key join's;
    /// null keeps them until deleted. An expired entry is dropped without a retraction: a right row that expired no
    /// longer matches, and a left row whose result expired is no longer updated.
    /// </param>
    /// <param name="name">The join's name (its topics and stores are named after it).</param>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "The key join and the foreign-key join differ in their required parameters (a foreign-key selector), so a call never is ambiguous.")]
    public Table<TKey, TOut> Join<TRightKey, TRight, TOut>(Table<TRightKey, TRight> right, Func<TValue, TRightKey?> foreignKey,
        Func<TKey, TValue, TRight, TOut> joiner, ISerde<TOut>? outputSerde, JoinType type = JoinType.Inner, ISerde<TRightKey>? foreignKeySerde = null,
        TimeSpan? stateTtl = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(right);
        ArgumentNullException.ThrowIfNull(foreignKey);
        ArgumentNullException.ThrowIfNull(joiner);
        var ttl = RegularJoinNodes.TtlMilliseconds(stateTtl);
        var joinName = name ?? Job.GeneratedName("fkJoin");
        var fkSerde = foreignKeySerde ?? right.KeySerde;
        var error = ForeignKeyJoinNodes.Error(type, KeySerde, ValueSerde, fkSerde, right.ValueSerde, outputSerde)
            ?? (ReferenceEquals(Job, right.Job) ? null : "the other table belongs to another job.");
        var keys = KeySerde!;
        var lefts = ValueSerde!;
        var responsesName = $"{joinName}-responses";
        var definition = new ForeignKeyJoin<TKey, TValue, TRightKey, TRight, TOut>(type, joiner, keys, lefts, fkSerde!, right.ValueSerde!, outputSerde!,
            ttl, StreamNodes.RepartitionTopic(Job, responsesName));
        var subscriptionSerde = new ForeignKeySubscriptionSerde<TKey, TValue>(keys, lefts);
        var subscribe = Job.Add($"{joinName}-subscribe", "fkSubscribe", OperatorKind.ForeignKeyJoin, [Node],
            n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
            {
                Detail = "subscribe by foreign key",
                StateNames = [ForeignKeySubscribeOperator<TKey, TValue, TRightKey, TRight, TOut>.VersionsState],
                Factory = () => new ForeignKeySubscribeOperator<TKey, TValue, TRightKey, TRight, TOut>(definition, foreignKey),
                Error = error,
            });
        var subscriptions = StreamNodes.KeyBy<TRightKey, ForeignKeySubscription<TKey, TValue>, TRightKey>(Job, subscribe, (fk, _) => fk, fkSerde,
            subscriptionSerde, $"{joinName}-subscriptions");
        var join = Job.Add(joinName, "fkJoin", OperatorKind.ForeignKeyJoin, [subscriptions, right.Node], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Detail = $"foreign key {type}{RegularJoinNodes.TtlDetail(stateTtl)}",
            StateNames = ttl > 0
                ? [ForeignKeyJoinOperator<TKey, TValue, TRightKey, TRight, TOut>.SubscriptionsState,
                    ForeignKeyJoinOperator<TKey, TValue, TRightKey, TRight, TOut>.RightState,
                    ForeignKeyJoinOperator<TKey, TValue, TRightKey, TRight, TOut>.TimersState]
                : [ForeignKeyJoinOperator<TKey, TValue, TRightKey, TRight, TOut>.SubscriptionsState,
                    ForeignKeyJoinOperator<TKey, TValue, TRightKey, TRight, TOut>.RightState],
            Factory = () => new ForeignKeyJoinOperator<TKey, TValue, TRightKey, TRight, TOut>(definition),
        });
        var responses = StreamNodes.KeyBy<TKey, ForeignKeyResponse<TOut>, TKey>(Job, join, (key, _) => key, keys,
            new ForeignKeyResponseSerde<TOut>(outputSerde!), responsesName);
        var resolve = Job.Add($"{joinName}-resolve", "fkResolve", OperatorKind.ForeignKeyJoin, [responses], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            Detail = "current result per key",
            StateNames = ttl > 0
                ? [ForeignKeyResolveOperator<TKey, TOut>.ResultsState, ForeignKeyResolveOperator<TKey, TOut>.TimersState]
                : [ForeignKeyResolveOperator<TKey, TOut>.ResultsState],
            Factory = () => new ForeignKeyResolveOperator<TKey, TOut>(keys, outputSerde!, ttl),
        });
        return new Table<TKey, TOut>(Job, resolve, KeySerde, outputSerde);
    }
}

/// <summary>Checks of a foreign-key join's definition.</summary>
internal static class ForeignKeyJoinNodes
{
    public static string? Error(JoinType type, object? keySerde, object? leftSerde, object? foreignKeySerde, object? rightSerde, object? outputSerde) =>
        type is not (JoinType.Inner or JoinType.Left) ? $"a foreign-key join is inner or left, not {type}."
        : keySerde is null ? "the left table has no key serde."
        : leftSerde is null ? "the left table has no value serde."
        : foreignKeySerde is null ? "the foreign key has no serde (pass foreignKeySerde)."
        : rightSerde is null ? "the right table has no value serde."
        : outputSerde is null ? "a foreign-key join needs an output serde (its results cross a repartition topic)."
        : null;
}
