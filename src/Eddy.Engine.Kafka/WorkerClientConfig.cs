using Confluent.Kafka;

namespace Eddy.Engine.Kafka;

/// <summary>Lays a user's client properties (<see cref="JobWorkerOptions.ClientConfig"/>) over the worker's own client configurations.</summary>
internal static class WorkerClientConfig
{
    /// <summary>
    /// What the worker decides itself: where and as whom it connects to the job's group and transactions, how it reads
    /// (read_committed, no auto-commit, from the earliest offset) and assigns partitions (range: co-partitioned inputs
    /// of a task stay together), and what delivery reports carry.
    /// </summary>
    public static IReadOnlySet<string> Reserved { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "bootstrap.servers", "metadata.broker.list", "group.id", "group.instance.id", "transactional.id", "enable.idempotence",
        "isolation.level", "enable.auto.commit", "enable.auto.offset.store", "auto.offset.reset", "partition.assignment.strategy",
        "group.protocol", "enable.partition.eof", "delivery.report.fields", "transaction.timeout.ms",
    };

    /// <summary>Sets every property of <paramref name="user"/> on <paramref name="config"/> except the reserved ones; returns it.</summary>
    public static T Overlay<T>(this T config, IReadOnlyDictionary<string, string> user)
        where T : ClientConfig
    {
        foreach (var (key, value) in user)
        {
            if (!Reserved.Contains(key))
            {
                config.Set(key, value);
            }
        }
        return config;
    }
}
