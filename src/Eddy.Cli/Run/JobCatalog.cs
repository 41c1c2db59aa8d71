using Eddy.Cli.Commands;
using Eddy.Cli.Run.Samples;

namespace Eddy.Cli.Run;

/// <summary>The jobs <c>eddy run</c> can host this time (the samples, or the user's assembly or project) and which one it runs.</summary>
internal static class JobCatalog
{
    public static async Task<IReadOnlyList<HostedJob>> LoadAsync(RunOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        if (options.Assembly is not null && options.Project is not null)
        {
            throw CliException.Usage("--assembly and --project are alternatives: give one");
        }
        if (options.Project is { } project)
        {
            return JobAssemblyLoader.Load(await ProjectBuilder.BuildAsync(project, progress, cancellationToken));
        }
        return options.Assembly is { } assembly ? JobAssemblyLoader.Load(assembly) : SampleJobs.All;
    }

    /// <summary>The named job; without a name, the main sample or an assembly's only job.</summary>
    public static HostedJob Select(IReadOnlyList<HostedJob> jobs, string? name)
    {
        if (name is null)
        {
            if (jobs.FirstOrDefault(j => j.IsSample && j.Name == SampleJobs.Main) is { } main)
            {
                return main;
            }
            return jobs.Count == 1 ? jobs[0]
                : throw CliException.Usage($"{jobs[0].Origin} has {jobs.Count} jobs; name one: {string.Join(", ", jobs.Select(j => j.Name))}");
        }
        return jobs.FirstOrDefault(j => j.Name == name)
            ?? throw CliException.Usage($"unknown job '{name}'; known jobs: {string.Join(", ", jobs.Select(j => j.Name))} (see 'eddy run --list')");
    }

    public static string Listing(IReadOnlyList<HostedJob> jobs)
    {
        var width = jobs.Max(j => j.Name.Length) + 2;
        return string.Concat(jobs.Select(j =>
            j.Name.PadRight(width) + (j.Job.Description.Length > 0 ? j.Job.Description : "(no description)")
            + (j.IsSample && j.Name == SampleJobs.Main ? " [default]" : "") + "\n"));
    }
}
