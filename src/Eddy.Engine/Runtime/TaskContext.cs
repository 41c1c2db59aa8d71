using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>What the operators of one task share: its partition, state backend, clock, outputs and current watermark.</summary>
internal sealed class TaskContext(int partition, IStateBackend backend, TimeProvider clock, TaskOutputs outputs, TaskMetrics metrics)
{
    public int Partition { get; } = partition;

    public IStateBackend Backend { get; } = backend;

    public TimeProvider Clock { get; } = clock;

    public TaskOutputs Outputs { get; } = outputs;

    public TaskMetrics Metrics { get; } = metrics;

    public long Watermark { get; set; } = long.MinValue;

    public long ProcessingTime => Clock.GetUtcNow().ToUnixTimeMilliseconds();
}
