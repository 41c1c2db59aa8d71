using System.Reflection;
using System.Runtime.Loader;

namespace Eddy.Cli.Run;

/// <summary>
/// Loads a job assembly and its own dependencies from its directory (through its .deps.json when it has one), but
/// takes every assembly the host itself ships (Eddy.*, Confluent.Kafka, the framework) from the host: the job's
/// <c>IJob</c>, <c>JobBuilder</c> and serdes must be the host's types, or the job could not be cast nor run.
/// </summary>
internal sealed class JobLoadContext : AssemblyLoadContext
{
    private static readonly HashSet<string> HostAssemblies = LoadHostAssemblyNames();

    private readonly AssemblyDependencyResolver _resolver;
    private readonly string _directory;

    public JobLoadContext(string assemblyPath) : base($"eddy-job:{Path.GetFileName(assemblyPath)}")
    {
        _resolver = new AssemblyDependencyResolver(assemblyPath);
        _directory = Path.GetDirectoryName(assemblyPath)!;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || HostAssemblies.Contains(assemblyName.Name))
        {
            return null;
        }
        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        if (path is null)
        {
            // A library built without a .deps.json: its dependencies sit next to it.
            var sibling = Path.Combine(_directory, assemblyName.Name + ".dll");
            path = File.Exists(sibling) ? sibling : null;
        }
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    // The host's trusted platform assemblies: the framework and everything in eddy's own deps.json.
    private static HashSet<string> LoadHostAssemblyNames()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                names.Add(Path.GetFileNameWithoutExtension(path));
            }
        }
        foreach (var loaded in Default.Assemblies)
        {
            if (loaded.GetName().Name is { } name)
            {
                names.Add(name);
            }
        }
        return names;
    }
}
