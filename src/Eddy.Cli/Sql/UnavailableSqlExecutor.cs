using System.Text.RegularExpressions;

namespace Eddy.Cli.Sql;

/// <summary>
/// The executor until the planner is wired to the client: it answers the session statements (<c>SET;</c>,
/// <c>SET 'key' = 'value';</c>, <c>RESET ['key'];</c>) and says plainly, for every other statement, that executing
/// SQL is not available yet, rather than pretending to run it.
/// </summary>
internal sealed partial class UnavailableSqlExecutor(SqlSessionProperties session) : ISqlStatementExecutor
{
    /// <summary>Flink's answer to a SET or RESET.</summary>
    public const string Succeeded = "Execute statement succeeded.";

    public const string NotAvailable =
        "Executing SQL statements is not available in this build yet: 'eddy sql' reads and splits statements, but the "
        + "planner that runs them is not wired to it (issue 14). Client commands (HELP, QUIT, CLEAR) and SET/RESET work.";

    public Task<SqlStatementResult> ExecuteAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var text = SqlText.WithoutLeadingComments(statement.Text);
        if (SetAll().IsMatch(text))
        {
            var rows = new List<IReadOnlyList<string?>>();
            foreach (var (key, value) in session.Values)
            {
                rows.Add([key, value]);
            }
            return Task.FromResult<SqlStatementResult>(new SqlRowsResult([new("key", "STRING"), new("value", "STRING")], rows));
        }
        if (SetOne().Match(text) is { Success: true } set)
        {
            session.Set(Unquote(set.Groups["key"].Value), Unquote(set.Groups["value"].Value));
            return Task.FromResult<SqlStatementResult>(new SqlMessageResult(Succeeded));
        }
        if (ResetAll().IsMatch(text))
        {
            session.ResetAll();
            return Task.FromResult<SqlStatementResult>(new SqlMessageResult(Succeeded));
        }
        if (ResetOne().Match(text) is { Success: true } reset)
        {
            session.Reset(Unquote(reset.Groups["key"].Value));
            return Task.FromResult<SqlStatementResult>(new SqlMessageResult(Succeeded));
        }
        throw new SqlStatementException(NotAvailable);
    }

    /// <summary>'it''s' → it's; a bare word stays as it is.</summary>
    private static string Unquote(string text) =>
        text.Length >= 2 && text[0] == '\'' && text[^1] == '\'' ? text[1..^1].Replace("''", "'", StringComparison.Ordinal) : text.Trim();

    [GeneratedRegex(@"^SET\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SetAll();

    [GeneratedRegex(@"^SET\s+(?<key>'(?:[^']|'')*'|[^\s=']+)\s*=\s*(?<value>'(?:[^']|'')*'|[^']*?)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex SetOne();

    [GeneratedRegex(@"^RESET\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ResetAll();

    [GeneratedRegex(@"^RESET\s+(?<key>'(?:[^']|'')*'|[^\s=']+)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ResetOne();
}

/// <summary>Small text helpers for statements.</summary>
internal static class SqlText
{
    /// <summary>The text after its leading blanks, <c>--</c> and <c>/* */</c> comments.</summary>
    public static string WithoutLeadingComments(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            else if (text.AsSpan(i).StartsWith("--"))
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end + 1;
            }
            else if (text.AsSpan(i).StartsWith("/*"))
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
            }
            else
            {
                break;
            }
        }
        return text[i..];
    }
}
