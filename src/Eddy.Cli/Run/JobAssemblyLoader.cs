using System.Reflection;
using Eddy.Engine;

namespace Eddy.Cli.Run;

/// <summary>
/// Finds the jobs of a user's assembly: every public, non-abstract class implementing <see cref="IJob"/> with a public
/// parameterless constructor, created once each.
/// </summary>
internal static class JobAssemblyLoader
{
    public static IReadOnlyList<HostedJob> Load(string assemblyPath)
    {
        var path = Path.GetFullPath(assemblyPath);
        if (!File.Exists(path))
        {
            throw CliException.Usage($"no such assembly: {assemblyPath}");
        }
        Assembly assembly;
        try
        {
            assembly = new JobLoadContext(path).LoadFromAssemblyPath(path);
        }
        catch (BadImageFormatException)
        {
            throw CliException.Usage($"{assemblyPath} is not a .NET assembly");
        }
        catch (FileLoadException e)
        {
            throw new CliException($"cannot load {assemblyPath}: {e.Message}");
        }

        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            var detail = e is ReflectionTypeLoadException r ? r.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message : e.Message;
            throw new CliException($"cannot read the types of {assemblyPath} (is it built against this version of Eddy?): {detail}");
        }

        var jobs = new List<HostedJob>();
        foreach (var type in types.Where(t => t.IsClass && !t.IsAbstract && typeof(IJob).IsAssignableFrom(t)).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            if (type.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new CliException($"job class {type.FullName} in {assemblyPath} needs a public parameterless constructor");
            }
            IJob job;
            try
            {
                job = (IJob)Activator.CreateInstance(type)!;
            }
            catch (TargetInvocationException e)
            {
                throw new CliException($"the constructor of job class {type.FullName} failed: {e.InnerException?.Message ?? e.Message}");
            }
            jobs.Add(new HostedJob(job, path));
        }
        if (jobs.Count == 0)
        {
            throw CliException.Usage($"no jobs in {assemblyPath}: a job is a public class implementing {typeof(IJob).FullName} with a public parameterless constructor");
        }
        var duplicate = jobs.GroupBy(j => j.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new CliException($"several jobs in {assemblyPath} are named '{duplicate.Key}'; job names must be unique (they name consumer groups and topics)");
        }
        return jobs;
    }
}
