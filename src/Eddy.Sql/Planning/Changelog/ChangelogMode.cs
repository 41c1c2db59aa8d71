using System.Collections.Immutable;

namespace Eddy.Sql.Planning.Changelog;

/// <summary>
/// The kinds of row a node emits, as Flink's ChangelogMode: insert (I), update-before (UB), update-after (UA) and
/// delete (D). Printed as Flink's <c>EXPLAIN CHANGELOG_MODE</c> prints it: <c>[I,UB,UA,D]</c>.
/// </summary>
internal sealed record ChangelogMode(bool Insert, bool UpdateBefore, bool UpdateAfter, bool Delete)
{
    /// <summary>[I]: a plain stream.</summary>
    public static ChangelogMode InsertOnly { get; } = new(true, false, false, false);

    /// <summary>[I,UB,UA,D]: every change, an update as its old row retracted and its new row added.</summary>
    public static ChangelogMode All { get; } = new(true, true, true, true);

    /// <summary>[I,UB,UA]: updates without deletes (a GROUP BY over an insert-only input: a count never drops to zero).</summary>
    public static ChangelogMode InsertAndUpdates { get; } = new(true, true, true, false);

    /// <summary>[I,UA,D]: upserts on a key, the old row never sent.</summary>
    public static ChangelogMode Upsert { get; } = new(true, false, true, true);

    public bool IsInsertOnly => !UpdateBefore && !UpdateAfter && !Delete;

    public bool HasUpdates => UpdateBefore || UpdateAfter;

    /// <summary>The kinds either mode has (a UNION ALL's output).</summary>
    public ChangelogMode Union(ChangelogMode other) =>
        new(Insert || other.Insert, UpdateBefore || other.UpdateBefore, UpdateAfter || other.UpdateAfter, Delete || other.Delete);

    /// <summary>This mode with its update-befores dropped (a consumer that needs only the new rows, as an upsert sink).</summary>
    public ChangelogMode WithoutUpdateBefore() => this with { UpdateBefore = false };

    /// <summary>Flink's words for the changes beyond inserts: <c>update</c>, <c>delete</c>, <c>update and delete</c>.</summary>
    public string ChangesBeyondInserts() => (HasUpdates, Delete) switch
    {
        (true, true) => "update and delete",
        (true, false) => "update",
        _ => "delete",
    };

    public override string ToString()
    {
        var kinds = new List<string>(4);
        if (Insert)
            kinds.Add("I");
        if (UpdateBefore)
            kinds.Add("UB");
        if (UpdateAfter)
            kinds.Add("UA");
        if (Delete)
            kinds.Add("D");
        return "[" + string.Join(",", kinds) + "]";
    }
}

/// <summary>A node's changelog: its mode and, for an updating result, the columns its updates are keyed on (its upsert key).</summary>
/// <param name="Mode">The kinds of rows the node emits.</param>
/// <param name="UpsertKey">The output columns identifying a row across its updates; null when no key is known.</param>
internal sealed record NodeChangelog(ChangelogMode Mode, ImmutableArray<int>? UpsertKey);
