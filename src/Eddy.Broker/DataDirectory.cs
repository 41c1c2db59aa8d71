using System.Globalization;

namespace Eddy.Broker;

/// <summary>
/// The broker's data directory: created if missing, locked against a second broker, and holding
/// meta.properties (cluster.id, node.id) as Kafka's log directories do.
/// </summary>
internal sealed class DataDirectory : IDisposable
{
    private readonly FileStream _lock;

    private DataDirectory(string path, FileStream lockFile, string clusterId)
    {
        Path = path;
        _lock = lockFile;
        ClusterId = clusterId;
    }

    public string Path { get; }

    public string ClusterId { get; }

    public static DataDirectory Open(string path, string? configuredClusterId, int nodeId)
    {
        Directory.CreateDirectory(path);
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(System.IO.Path.Combine(path, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"The data directory {path} is in use by another Eddy broker.", e);
        }
        try
        {
            var metaPath = System.IO.Path.Combine(path, "meta.properties");
            var meta = File.Exists(metaPath) ? ReadProperties(metaPath) : [];
            var clusterId = meta.GetValueOrDefault("cluster.id");
            if (configuredClusterId is not null && clusterId is not null && configuredClusterId != clusterId)
            {
                throw new IOException($"The data directory {path} belongs to cluster {clusterId}, not {configuredClusterId}.");
            }
            if (clusterId is null)
            {
                clusterId = configuredClusterId ?? Protocol.Uuid.NewRandom().ToString();
                var temp = metaPath + ".tmp";
                File.WriteAllText(temp, $"#Written by Eddy\nversion=1\ncluster.id={clusterId}\nnode.id={nodeId.ToString(CultureInfo.InvariantCulture)}\n");
                File.Move(temp, metaPath, overwrite: true);
            }
            return new DataDirectory(path, lockFile, clusterId);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    private static Dictionary<string, string> ReadProperties(string file) =>
        File.ReadAllLines(file)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);

    public void Dispose() => _lock.Dispose();
}
