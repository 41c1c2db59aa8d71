using System.Globalization;
using Eddy.Engine;
using Eddy.Engine.Plan;

namespace Eddy.Chaos.EngineWorker;

/// <summary>
/// The job of reliability.md T2 (a port of Kafka Streams' EosTestClient), shared by the worker process that runs it
/// and the test that checks its output.
/// <list type="bullet">
/// <item>Stage 0 reads <c>data</c> (key "k{n}", value a long) and writes it unchanged to <c>echo</c>; it re-keys by the
/// same key (the source stream is not keyed, and a process function needs a keyed stream) into the first repartition
/// topic.</item>
/// <item>Stage 1 keeps per key, each in its own RocksDB value state with its own changelog, the running <c>min</c>,
/// <c>sum</c>, <c>max</c> and <c>cnt</c>, emitting the new aggregate for every input record. It also re-keys every record
/// by its group (<see cref="GroupOf"/>) into the second repartition topic.</item>
/// <item>Stage 2 keeps per group a running count and sum and writes <c>grp</c>.</item>
/// </list>
/// Why every output can be checked exactly: the test partitions the input with Kafka's murmur2, as the runtime
/// partitions the repartition and output topics, so partition p of echo/min/sum/max/cnt holds exactly the records of
/// input partition p, in input order, and its expected content is a pure function of that partition's input.
/// A group, in contrast, collects keys of several input partitions: the order in which stage 2 sees them interleaves
/// five tasks' outputs and depends on timing. What does not depend on timing is checked instead: a group's records
/// carry the count, the sum and the source record, so the n-th record of a group must say count n and
/// sum = previous sum + its source value, and the source records of each key must appear exactly once each, in that
/// key's input order. A lost or doubled state update, or a lost or duplicated record, breaks one of these.
/// </summary>
public static class EosJob
{
    public const string Name = "eos-t2";
    public const string Input = "data";
    public const int Partitions = 5;
    public const string Echo = "echo";
    public const string Min = "min";
    public const string Sum = "sum";
    public const string Max = "max";
    public const string Count = "cnt";
    public const string Groups = "grp";

    /// <summary>How many groups the keys fall into: few enough that every group mixes keys of every input partition.</summary>
    public const int GroupCount = 25;

    /// <summary>The per-key outputs of stage 1, with the long each emits.</summary>
    public static IReadOnlyList<string> Aggregates { get; } = [Min, Sum, Max, Count];

    public static string Key(int n) => "k" + n.ToString(CultureInfo.InvariantCulture);

    public static string GroupOf(string key) =>
        "g" + (int.Parse(key.AsSpan(1), CultureInfo.InvariantCulture) % GroupCount).ToString(CultureInfo.InvariantCulture);

    /// <summary>The value of a <c>grp</c> record: "count:sum:sourceKey:sourceValue".</summary>
    public static (long Count, long Sum, string Key, long Value) ParseGroupRecord(string value)
    {
        var parts = value.Split(':');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), parts[2],
            long.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    public static JobPlan Build()
    {
        var job = new JobBuilder(Name);
        var data = job.Source(Input, Serdes.String, Serdes.Long, name: "data");
        data.To(Echo, name: "to-echo");
        var byKey = data.KeyBy((key, _) => key, Serdes.String, name: "by-key");
        byKey.Process(() => new Running("min", (current, value) => Math.Min(current, value), value => value), Serdes.Long, name: "min").To(Min);
        byKey.Process(() => new Running("sum", (current, value) => current + value, value => value), Serdes.Long, name: "sum").To(Sum);
        byKey.Process(() => new Running("max", (current, value) => Math.Max(current, value), value => value), Serdes.Long, name: "max").To(Max);
        byKey.Process(() => new Running("cnt", (current, _) => current + 1, _ => 1), Serdes.Long, name: "cnt").To(Count);
        byKey.Map((key, value) => (GroupOf(key), $"{key}:{value.ToString(CultureInfo.InvariantCulture)}"), Serdes.String, Serdes.String, name: "to-group")
            .KeyBy((group, _) => group, Serdes.String, name: "by-group")
            .Process(() => new GroupAggregate(), Serdes.String, name: "group")
            .To(Groups);
        return job.Build();
    }

    /// <summary>A running aggregate per key in one value state; emits the new aggregate for every record.</summary>
    private sealed class Running(string stateName, Func<long, long, long> combine, Func<long, long> first) : KeyedProcessFunction<string, long, long>
    {
        private IValueState<long> _aggregate = null!;

        public override void Open(IKeyedStateStore state) => _aggregate = state.Value(stateName, Serdes.Long);

        public override void ProcessElement(string key, long value, IKeyedContext<string, long> context)
        {
            var next = _aggregate.TryGet(out var current) ? combine(current, value) : first(value);
            _aggregate.Update(next);
            context.Emit(next);
        }
    }

    /// <summary>Running count and sum per group, emitted with the source record that moved them (see the class comment).</summary>
    private sealed class GroupAggregate : KeyedProcessFunction<string, string, string>
    {
        private IValueState<long> _count = null!;
        private IValueState<long> _sum = null!;

        public override void Open(IKeyedStateStore state)
        {
            _count = state.Value("count", Serdes.Long);
            _sum = state.Value("sum", Serdes.Long);
        }

        public override void ProcessElement(string key, string value, IKeyedContext<string, string> context)
        {
            var source = long.Parse(value.AsSpan(value.IndexOf(':', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
            var count = _count.GetOrDefault(0) + 1;
            var sum = _sum.GetOrDefault(0) + source;
            _count.Update(count);
            _sum.Update(sum);
            context.Emit($"{count.ToString(CultureInfo.InvariantCulture)}:{sum.ToString(CultureInfo.InvariantCulture)}:{value}");
        }
    }
}
