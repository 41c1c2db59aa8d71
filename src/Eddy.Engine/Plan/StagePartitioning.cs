namespace Eddy.Engine.Plan;

/// <summary>
/// How many tasks each stage runs, and so how many partitions its repartition topics need: the one rule the worker
/// and the test kit share. The inputs of a stage must be co-partitioned (a key's records of every input reach the
/// same task). A stage reading topics it does not write (sources, tables, repartition topics that already exist) takes
/// their partition count, which must agree; a stage reading only new repartition topics takes the largest task count
/// of the stages writing them, and those topics are created with it.
/// </summary>
public static class StagePartitioning
{
    /// <summary>Task counts per stage id.</summary>
    /// <param name="existingPartitions">The partitions of a topic that exists (or that a test declares), else null.</param>
    /// <exception cref="JobDefinitionException">Two fixed inputs of a stage differ, or a source topic does not exist.</exception>
    public static int[] Resolve(JobPlan plan, Func<string, int?> existingPartitions)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(existingPartitions);
        var partitions = new int[plan.Stages.Count];
        foreach (var stage in plan.Stages)
        {
            (string Topic, int Partitions)? fixedBy = null;
            var widest = 0;
            foreach (var input in stage.Inputs)
            {
                var existing = existingPartitions(input.Topic);
                if (input.UpstreamStage is { } upstream)
                {
                    widest = Math.Max(widest, partitions[upstream]);
                }
                else if (existing is null)
                {
                    throw new JobDefinitionException($"Job '{plan.Name}' reads topic '{input.Topic}', which does not exist.");
                }

                if (existing is not { } count)
                {
                    continue;
                }

                if (fixedBy is { } first && first.Partitions != count)
                {
                    throw new JobDefinitionException(
                        $"Job '{plan.Name}', stage {stage.Id}: topics '{first.Topic}' ({first.Partitions} partitions) and '{input.Topic}' ({count} partitions) " +
                        "feed one stage (a join or a union) but are not co-partitioned; re-key one side with KeyBy so that it goes through a repartition topic of the other's partition count.");
                }

                fixedBy ??= (input.Topic, count);
            }

            partitions[stage.Id] = fixedBy?.Partitions ?? widest;
        }

        return partitions;
    }
}
