using Eddy.Engine;
using Eddy.Engine.Plan;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;

namespace Eddy.Sql.Session;

/// <summary>
/// A SQL job: one or more INSERTs (a statement set) translated into the engine's job, hosted like any C# job
/// (<c>eddy run</c>'s host builds it through <see cref="Define"/>). Its <see cref="Name"/> is the session's
/// <c>pipeline.name</c> or derived from its sink tables, and names its consumer group and internal topics.
/// </summary>
public sealed class SqlJob : IJob
{
    private readonly SinkNode[] _sinks;

    internal SqlJob(string name, string description, IReadOnlyList<SinkNode> sinks)
    {
        Name = name;
        Description = description;
        _sinks = [.. sinks];
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>The tables the job writes, as Flink names them (<c>default_catalog.default_database.t</c>).</summary>
    public IReadOnlyList<string> SinkTables => [.. _sinks.Select(s => s.Table.Name)];

    internal IReadOnlyList<SinkNode> Sinks => _sinks;

    /// <summary>
    /// Several jobs as one (as if their INSERTs were one statement set): named after the first, its sinks in order.
    /// A script's INSERTs run this way, one job and one consumer group for the whole script.
    /// </summary>
    public static SqlJob Combine(IReadOnlyList<SqlJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
            throw new ArgumentException("No job to combine.", nameof(jobs));
        return jobs.Count == 1 ? jobs[0] : new SqlJob(jobs[0].Name, string.Join("; ", jobs.Select(j => j.Description)), [.. jobs.SelectMany(j => j._sinks)]);
    }

    /// <inheritdoc/>
    /// <exception cref="Planning.PlanningException">A statement cannot be translated to the engine.</exception>
    public void Define(JobBuilder job) => JobTranslator.TranslateInto(job, _sinks);

    /// <summary>The job's plan, built and validated (what a host would run).</summary>
    /// <exception cref="Planning.PlanningException">A statement cannot be translated to the engine.</exception>
    /// <exception cref="JobDefinitionException">The engine refuses the translated job.</exception>
    public JobPlan BuildPlan()
    {
        var builder = new JobBuilder(Name);
        Define(builder);
        return builder.Build();
    }
}
