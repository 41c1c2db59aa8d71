using Eddy.Sql.Catalog;

namespace Eddy.Sql.Session;

/// <summary>What one statement of a <see cref="SqlSession"/> gave: rows, a plan's text, a job to run, or a query to run.</summary>
public abstract record SqlSessionResult;

/// <summary>A finished result (DDL's <c>OK</c>, SHOW, SET, DESCRIBE): named columns and rows of text.</summary>
/// <param name="Result">The columns and rows.</param>
public sealed record SqlRowsSessionResult(StatementResult Result) : SqlSessionResult;

/// <summary>EXPLAIN's plan text (the abstract syntax tree, the physical plan, Eddy's job).</summary>
/// <param name="Text">The text, lines ending with <c>\n</c>.</param>
public sealed record SqlExplainSessionResult(string Text) : SqlSessionResult;

/// <summary>An INSERT or a statement set: the job that runs it, for the caller to host on a worker.</summary>
/// <param name="Job">The job.</param>
public sealed record SqlJobSessionResult(SqlJob Job) : SqlSessionResult;

/// <summary>A SELECT: the job writing its changes to a result topic, and how to read them back.</summary>
/// <param name="Query">The query's job, topic and decoder.</param>
public sealed record SqlQuerySessionResult(SqlQuery Query) : SqlSessionResult;
