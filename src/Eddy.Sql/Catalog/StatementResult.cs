namespace Eddy.Sql.Catalog;

/// <summary>
/// What a statement that is not a query returns: named columns and rows of text, as Flink's <c>TableResult</c> of a
/// DDL, SHOW or SET statement, which the SQL client prints in its table style (<c>+--------+ | result | ...</c>).
/// </summary>
public sealed class StatementResult
{
    /// <summary>A result with these columns and rows.</summary>
    /// <param name="columns">The column names.</param>
    /// <param name="rows">The rows, each with one value per column.</param>
    public StatementResult(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            if (row.Count != columns.Count)
                throw new ArgumentException($"A row has {row.Count} values for {columns.Count} columns.", nameof(rows));
        }
        Columns = columns;
        Rows = rows;
    }

    /// <summary>Flink's answer to a DDL or SET statement: one column <c>result</c>, one row <c>OK</c>.</summary>
    public static StatementResult Ok { get; } = new(["result"], [["OK"]]);

    /// <summary>The column names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>A one-column result (SHOW TABLES: <c>table name</c>), one row per value.</summary>
    public static StatementResult OfColumn(string column, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var value in values)
            rows.Add([value]);
        return new StatementResult([column], rows);
    }

    /// <summary>The values of one column, in row order (what tests and the client read from one-column results).</summary>
    public IReadOnlyList<string> Column(int index)
    {
        var values = new string[Rows.Count];
        for (var i = 0; i < values.Length; i++)
            values[i] = Rows[i][index];
        return values;
    }
}
