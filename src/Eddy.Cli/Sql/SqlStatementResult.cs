using Eddy.Engine.Records;

namespace Eddy.Cli.Sql;

/// <summary>One column of a result: its name and its SQL type as Flink prints it (<c>BIGINT NOT NULL</c>, <c>DECIMAL(10, 2)</c>, <c>TIMESTAMP(3) *ROWTIME*</c>).</summary>
public sealed record SqlResultColumn(string Name, string TypeName);

/// <summary>
/// One change of a continuous query's result: its row kind (+I, -U, +U, -D) and the row's values, each already
/// formatted as Flink's client prints it (Flink's cast-to-string rules); a null element is SQL NULL, which each view
/// shows its own way (<c>&lt;NULL&gt;</c> in the table views, <c>null</c> in JSON).
/// </summary>
public readonly record struct SqlChange(RowKind Kind, IReadOnlyList<string?> Values);

/// <summary>What executing one statement gave: a message, a finished table of rows, or a stream of changes.</summary>
public abstract record SqlStatementResult;

/// <summary>A statement that only reports (DDL, SET, a submitted job): the client prints <c>[INFO] Message</c>.</summary>
public sealed record SqlMessageResult(string Message) : SqlStatementResult;

/// <summary>A plan's text (EXPLAIN): printed as it is, as Flink's client prints a plan.</summary>
public sealed record SqlTextResult(string Text) : SqlStatementResult;

/// <summary>A finished result (SHOW, DESCRIBE, SET;): printed as Flink's plain result table, <c>N rows in set</c>.</summary>
public sealed record SqlRowsResult(IReadOnlyList<SqlResultColumn> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows) : SqlStatementResult;

/// <summary>
/// A continuous query's result (SELECT): its columns, and its changes, enumerated by the client with the query's
/// cancellation token (<c>WithCancellation</c>): Ctrl-C cancels that token, and the producer must stop the query
/// then. The stream ending means the query finished (bounded input).
/// </summary>
public sealed record SqlChangesResult(IReadOnlyList<SqlResultColumn> Columns, IAsyncEnumerable<SqlChange> Changes) : SqlStatementResult;

/// <summary>
/// Executes one statement of the SQL client (never a client command: HELP, QUIT and CLEAR are the client's own).
/// <see cref="SqlSessionExecutor"/> implements it on Eddy's SQL layer.
/// </summary>
public interface ISqlStatementExecutor
{
    /// <summary>
    /// Executes <paramref name="statement"/>. A statement the user got wrong fails with <see cref="SqlStatementException"/>
    /// whose message names the position inside <see cref="SqlStatement.Text"/> in Flink's words ("at line 1, column 10");
    /// the client shifts those positions to the script's lines in <c>-f</c> mode.
    /// </summary>
    Task<SqlStatementResult> ExecuteAsync(SqlStatement statement, CancellationToken cancellationToken);
}

/// <summary>A statement failed in a way the user can fix: the client prints <c>[ERROR] Could not execute SQL statement. Reason:</c> and the message.</summary>
public sealed class SqlStatementException : Exception
{
    public SqlStatementException(string message) : base(message) { }

    public SqlStatementException(string message, Exception innerException) : base(message, innerException) { }

    public SqlStatementException() : this("SQL statement failed") { }
}
