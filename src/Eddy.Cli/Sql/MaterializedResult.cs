namespace Eddy.Cli.Sql;

/// <summary>
/// The result table a changelog describes, kept as Flink's table mode keeps it (<c>MaterializedCollectStreamResult</c>):
/// an insert or update-after appends its row; an update-before or delete removes the newest equal row (the row kind
/// ignored), so rows keep their order of arrival. Past <see cref="MaxRows"/> the oldest row is dropped, as Flink
/// bounds the table with <c>sql-client.execution.max-table-result.rows</c>.
/// </summary>
internal sealed class MaterializedResult(int maxRows = MaterializedResult.DefaultMaxRows)
{
    /// <summary>Flink's default of <c>sql-client.execution.max-table-result.rows</c>.</summary>
    public const int DefaultMaxRows = 1_000_000;

    private readonly List<IReadOnlyList<string?>> _rows = [];

    public int MaxRows { get; } = maxRows > 0 ? maxRows : throw new ArgumentOutOfRangeException(nameof(maxRows));

    /// <summary>The rows, oldest first.</summary>
    public IReadOnlyList<IReadOnlyList<string?>> Rows => _rows;

    /// <summary>Applies one change.</summary>
    public void Apply(SqlChange change)
    {
        if (change.Kind is Eddy.Engine.Records.RowKind.Insert or Eddy.Engine.Records.RowKind.UpdateAfter)
        {
            if (_rows.Count >= MaxRows)
            {
                _rows.RemoveAt(0);
            }
            _rows.Add(change.Values);
            return;
        }
        for (var i = _rows.Count - 1; i >= 0; i--)
        {
            if (SameValues(_rows[i], change.Values))
            {
                _rows.RemoveAt(i);
                return;
            }
        }
        // A retraction of a row not in the table (dropped by the bound, or never seen): nothing to remove.
    }

    private static bool SameValues(IReadOnlyList<string?> a, IReadOnlyList<string?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
