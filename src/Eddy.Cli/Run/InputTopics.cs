using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Engine.Plan;

namespace Eddy.Cli.Run;

/// <summary>
/// Creates the source topics a job reads when they do not exist yet (a worker refuses to start without them, as it
/// takes its task count from them); the job's internal topics are the worker's own business.
/// </summary>
internal static class InputTopics
{
    public static IReadOnlyList<string> Of(JobPlan plan) =>
        [.. plan.Stages.SelectMany(s => s.Inputs).Where(i => !i.IsRepartition).Select(i => i.Topic).Distinct(StringComparer.Ordinal)];

    public static async Task EnsureAsync(IReadOnlyDictionary<string, string> clientConfig, IReadOnlyList<string> topics, int partitions, TextWriter progress)
    {
        using var admin = new AdminClientBuilder(clientConfig).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(15));
        var existing = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
        var missing = topics.Where(t => !existing.Contains(t)).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        try
        {
            await admin.CreateTopicsAsync(missing.Select(t => new TopicSpecification { Name = t, NumPartitions = partitions, ReplicationFactor = -1 }));
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another worker of the job created them first.
        }
        foreach (var topic in missing)
        {
            await progress.WriteAsync($"Created input topic {topic} with {partitions} partitions.\n");
        }
    }
}
