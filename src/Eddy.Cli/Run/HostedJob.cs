using Eddy.Engine;

namespace Eddy.Cli.Run;

/// <summary>A job <c>eddy run</c> can host: the user's or a sample, with the generator of its input for samples.</summary>
/// <param name="Origin">Where it came from, for listings: "built-in" or the assembly's path.</param>
/// <param name="Generator">Makes the generator that feeds its input; null for jobs that read existing topics.</param>
internal sealed record HostedJob(IJob Job, string Origin, Func<IDataGenerator>? Generator = null)
{
    /// <summary>The <see cref="Origin"/> of the samples shipped with eddy.</summary>
    public const string BuiltIn = "built-in";

    public string Name => Job.Name;

    public bool IsSample => Origin == BuiltIn;
}
