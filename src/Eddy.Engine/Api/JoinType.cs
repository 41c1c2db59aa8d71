namespace Eddy.Engine;

/// <summary>
/// Which unmatched rows a join keeps, as in SQL: an outer side's row without a match is emitted with the other side
/// missing (its joiner argument is <c>default</c>, so outer joins are clearest with reference or nullable types).
/// </summary>
public enum JoinType
{
    Inner = 0,
    Left = 1,
    Right = 2,
    FullOuter = 3,
}
