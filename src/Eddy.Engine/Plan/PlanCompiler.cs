namespace Eddy.Engine.Plan;

/// <summary>Validates the builder's graph and cuts it into stages at the KeyBy edges.</summary>
internal static class PlanCompiler
{
    public const string WatermarkStateName = "watermarks";

    public static JobPlan Compile(string jobName, IReadOnlyList<NodeDefinition> nodes, BadInputPolicy badInput, string deadLetterTopic,
        ProcessingErrorPolicy processingErrors = ProcessingErrorPolicy.Fail)
    {
        foreach (var node in nodes)
        {
            if (node.Error is not null)
            {
                throw new JobDefinitionException($"Job '{jobName}', operator '{node.Name}': {node.Error}");
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!seen.Add(node.Name))
            {
                throw new JobDefinitionException($"Job '{jobName}': two operators are named '{node.Name}'; operator names must be unique.");
            }
        }

        if (!nodes.Any(n => n.Kind == OperatorKind.Sink))
        {
            throw new JobDefinitionException($"Job '{jobName}' has no sink: add To(topic, ...) to a stream.");
        }

        var starts = new Dictionary<string, NodeDefinition>(StringComparer.Ordinal);
        foreach (var node in nodes.Where(n => n.Kind is OperatorKind.Source or OperatorKind.TableSource))
        {
            // The runtime positions a partition once for every source reading its topic.
            if (starts.TryGetValue(node.Topic!, out var other) && (other.StartAt ?? StartPosition.Earliest).ToString() != (node.StartAt ?? StartPosition.Earliest).ToString())
            {
                throw new JobDefinitionException(
                    $"Job '{jobName}': operators '{other.Name}' and '{node.Name}' read topic '{node.Topic}' from different start positions ({other.StartAt?.ToString() ?? "from earliest"}, {node.StartAt?.ToString() ?? "from earliest"}).");
            }

            starts.TryAdd(node.Topic!, node);
        }

        var stageOf = AssignStages(nodes);
        foreach (var node in nodes.Where(n => n.Kind == OperatorKind.RepartitionSource))
        {
            if (stageOf[node.Id] == stageOf[node.Parents[0].Id])
            {
                throw new JobDefinitionException(
                    $"Job '{jobName}', operator '{node.Parents[0].Name}': its repartitioned stream is joined back (by a union) into the stream it came from; that would make a stage read its own output.");
            }
        }

        var stageIds = TopologicalOrder(jobName, nodes, stageOf);
        var renumber = stageIds.Select((root, index) => (root, index)).ToDictionary(p => p.root, p => p.index);
        var stages = new List<StagePlan>();
        foreach (var root in stageIds)
        {
            var members = nodes.Where(n => stageOf[n.Id] == root).ToList();
            var inputs = members
                .Where(n => n.Kind is OperatorKind.Source or OperatorKind.TableSource or OperatorKind.RepartitionSource)
                .Select(n => new StageInput(n.Topic!, n.Kind == OperatorKind.RepartitionSource ? renumber[stageOf[n.Parents[0].Id]] : null))
                .Distinct()
                .ToList();
            var operators = members.Select(n => ToOperator(jobName, n)).ToList();
            var id = renumber[root];
            var keepsWatermarks = operators.Any(o => o.Stores.Count > 0 || o.Kind == OperatorKind.KeyBy);
            var watermarkStore = keepsWatermarks
                ? new StoreDeclaration(WatermarkStateName, $"{jobName}-stage{id}-{WatermarkStateName}", $"{jobName}-stage{id}-{WatermarkStateName}-changelog")
                : null;
            stages.Add(new StagePlan(id, inputs, operators, watermarkStore));
        }

        return new JobPlan(jobName, stages, badInput, deadLetterTopic) { ProcessingErrors = processingErrors };
    }

    /// <summary>
    /// The stages (by root) so that every stage comes after the stages writing the repartition topics it reads, ties
    /// in definition order (a linear job keeps its definition order). A cycle between stages cannot run.
    /// </summary>
    private static List<int> TopologicalOrder(string jobName, IReadOnlyList<NodeDefinition> nodes, int[] stageOf)
    {
        var roots = nodes.Select(n => stageOf[n.Id]).Distinct().ToList();
        var upstream = roots.ToDictionary(r => r, _ => new HashSet<int>());
        foreach (var node in nodes.Where(n => n.Kind == OperatorKind.RepartitionSource))
        {
            upstream[stageOf[node.Id]].Add(stageOf[node.Parents[0].Id]);
        }

        var order = new List<int>();
        var placed = new HashSet<int>();
        while (order.Count < roots.Count)
        {
            var next = roots.FirstOrDefault(r => !placed.Contains(r) && upstream[r].All(placed.Contains), -1);
            if (next < 0)
            {
                var stuck = nodes.First(n => n.Kind == OperatorKind.RepartitionSource && !placed.Contains(stageOf[n.Id]));
                throw new JobDefinitionException(
                    $"Job '{jobName}', operator '{stuck.Parents[0].Name}': its repartitioned stream flows back into a stage it depends on; stages would wait on each other.");
            }

            order.Add(next);
            placed.Add(next);
        }

        return order;
    }

    private static OperatorNode ToOperator(string jobName, NodeDefinition node)
    {
        var stores = node.StateNames
            .Select(state => $"{jobName}-{node.Name}-{state}")
            .Select((name, i) => new StoreDeclaration(node.StateNames[i], name, $"{name}-changelog"))
            .ToList();
        var inputs = node.Kind == OperatorKind.RepartitionSource ? [] : node.Parents.Select(p => p.Name).ToList();
        return new OperatorNode(node.Name, node.Kind, inputs, node.Topic, stores, node.Detail, node.Factory!,
            node.KeySerde, node.ValueSerde, node.Watermarks) { SideOutputs = node.SideOutputs, StartAt = node.StartAt };
    }

    /// <summary>Connected components of the graph without the KeyBy → repartition-source edges (union-find).</summary>
    private static int[] AssignStages(IReadOnlyList<NodeDefinition> nodes)
    {
        var parent = Enumerable.Range(0, nodes.Count).ToArray();
        int Find(int x)
        {
            while (parent[x] != x)
            {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }

            return x;
        }

        foreach (var node in nodes.Where(n => n.Kind != OperatorKind.RepartitionSource))
        {
            foreach (var input in node.Parents)
            {
                var a = Find(node.Id);
                var b = Find(input.Id);
                // The smaller id becomes the root, so stages are numbered in definition order.
                parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        }

        return Enumerable.Range(0, nodes.Count).Select(Find).ToArray();
    }
}
