namespace Eddy.Engine;

/// <summary>
/// A job a host (<c>eddy run</c>, a test, a service) can find and run: a public class with a public parameterless
/// constructor implementing it, in any class library. The host creates the <see cref="JobBuilder"/> so that it names
/// the job (and so its consumer group and internal topics) from <see cref="Name"/> before anything is defined, builds
/// and validates the plan itself, and stays free to show the plan, run it on one worker or several, or test it.
/// </summary>
public interface IJob
{
    /// <summary>
    /// The job's name: the consumer group its workers share and the prefix of its internal topics, so renaming a job
    /// starts it afresh. Letters, digits, '.', '_' and '-'.
    /// </summary>
    string Name { get; }

    /// <summary>One line for listings (<c>eddy run --list</c>).</summary>
    string Description => "";

    /// <summary>Adds the job's sources, transformations and sinks to <paramref name="job"/> (named <see cref="Name"/>).</summary>
    void Define(JobBuilder job);
}
