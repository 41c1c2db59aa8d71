namespace Eddy.Sql.Planning;

/// <summary>
/// A query the planner cannot plan: a type mismatch, an updating result into an append-only sink, a feature not
/// translated yet. The message is in SQL (Flink's) terms; the binder adds the line and column of the offending text.
/// </summary>
internal sealed class PlanningException : Exception
{
    public PlanningException(string message)
        : base(message)
    {
    }

    public PlanningException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PlanningException()
    {
    }
}

/// <summary>
/// An error while evaluating a compiled expression on a row (an integer division by zero, a failed CAST), as Flink's
/// runtime raises it; the engine's processing-error policy decides whether it fails the job or dead-letters the row.
/// </summary>
internal sealed class SqlEvaluationException : Exception
{
    public SqlEvaluationException(string message)
        : base(message)
    {
    }

    public SqlEvaluationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public SqlEvaluationException()
    {
    }
}
