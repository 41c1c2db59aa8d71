namespace Eddy.Engine;

/// <summary>
/// Which unmatched rows a join keeps, as in SQL: an outer side's row without a match is emitted with the other side
/// missing (its joiner argument is <c>default</c>, so outer joins are clearest with reference or nullable types).
/// </summary>
public enum JoinType
{
    /// <summary>Only matched pairs: a row without a match on the other side emits nothing.</summary>
    Inner = 0,

    /// <summary>Matched pairs, and every left row without a match joined with <c>default</c> for the right side.</summary>
    Left = 1,

    /// <summary>Matched pairs, and every right row without a match joined with <c>default</c> for the left side.</summary>
    Right = 2,

    /// <summary>Matched pairs, and the unmatched rows of both sides, each joined with <c>default</c> for the other.</summary>
    FullOuter = 3,
}

/// <summary>What a join type keeps, for the join operators.</summary>
internal static class JoinTypes
{
    /// <summary>Whether left rows without a match are emitted (left and full outer joins).</summary>
    public static bool KeepsUnmatchedLeft(this JoinType type) => type is JoinType.Left or JoinType.FullOuter;

    /// <summary>Whether right rows without a match are emitted (right and full outer joins).</summary>
    public static bool KeepsUnmatchedRight(this JoinType type) => type is JoinType.Right or JoinType.FullOuter;
}
