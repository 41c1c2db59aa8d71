namespace Eddy.Cli.Sql;

/// <summary>How the client shows a continuous query's changes (Flink's <c>sql-client.execution.result-mode</c>, plus json).</summary>
internal interface ISqlChangeView
{
    /// <summary>The query started and its columns are known (tableau prints its header now).</summary>
    Task BeginAsync(IReadOnlyList<SqlResultColumn> columns);

    /// <summary>One change arrived.</summary>
    Task ChangeAsync(SqlChange change);

    /// <summary>Time passed without a change (table mode draws a change it held back to limit redraws).</summary>
    Task TickAsync();

    /// <summary>The query finished (<paramref name="cancelled"/> false) or was cancelled by Ctrl-C.</summary>
    Task EndAsync(bool cancelled);
}

/// <summary>The result modes.</summary>
internal enum SqlResultMode
{
    /// <summary>The materialized result, updated in place on a terminal (Flink's default mode).</summary>
    Table,

    /// <summary>Every change as a line: row kind and values.</summary>
    Changelog,

    /// <summary>Flink's boxed table printed row by row, with the row kind (the default for pipes and -f).</summary>
    Tableau,

    /// <summary>One JSON object per change (an Eddy extension, for scripts).</summary>
    Json,
}

/// <summary>The names of the result modes, as <c>--output</c> and the <c>sql-client.execution.result-mode</c> property spell them.</summary>
internal static class SqlResultModes
{
    /// <summary>The session property Flink's client reads the result mode from.</summary>
    public const string Property = "sql-client.execution.result-mode";

    public static readonly string[] Names = ["table", "changelog", "tableau", "json"];

    public static bool TryParse(string? text, out SqlResultMode mode)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "TABLE":
                mode = SqlResultMode.Table;
                return true;
            case "CHANGELOG":
                mode = SqlResultMode.Changelog;
                return true;
            case "TABLEAU":
                mode = SqlResultMode.Tableau;
                return true;
            case "JSON":
                mode = SqlResultMode.Json;
                return true;
            default:
                mode = default;
                return false;
        }
    }
}

/// <summary>Counts rows for Flink's footers: "1 row", "0 row", "2 rows" (Flink says "row" unless more than one).</summary>
internal static class RowCount
{
    public static string Rows(long count) => count > 1 ? $"{count} rows" : $"{count} row";

    public static string Received(long count) => $"Received a total of {Rows(count)}";

    public static string Terminated(long count) => $"Query terminated, received a total of {Rows(count)}";
}
