using Eddy.Engine;

namespace Eddy.Cli.TestJobs;

/// <summary>words-in -> drop empty values -> upper-case -> words-out: its output is exactly predictable.</summary>
public sealed class UppercaseJob : IJob
{
    public string Name => "uppercase";

    public string Description => "upper-cases words-in into words-out";

    public void Define(JobBuilder job)
    {
        ArgumentNullException.ThrowIfNull(job);
        job.Source("words-in", Serdes.String, Serdes.String)
            .Filter((_, word) => word.Length > 0)
            .MapValues(word => word.ToUpperInvariant(), Serdes.String)
            .To("words-out");
    }
}

/// <summary>A second job, so that running the assembly without a job name must ask which one.</summary>
public sealed class WordLengthsJob : IJob
{
    public string Name => "word-lengths";

    public void Define(JobBuilder job)
    {
        ArgumentNullException.ThrowIfNull(job);
        job.Source("words-in", Serdes.String, Serdes.String)
            .MapValues(word => word.Length, Serdes.Int)
            .To("word-lengths");
    }
}

/// <summary>A base class for jobs: abstract, so the host skips it instead of trying to create it.</summary>
public abstract class JobBase : IJob
{
    public abstract string Name { get; }

    public abstract void Define(JobBuilder job);
}
