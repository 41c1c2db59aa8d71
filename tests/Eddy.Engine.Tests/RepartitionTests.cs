using Eddy.Engine.Runtime;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class RepartitionTests
{
    [Fact]
    public void KeyBy_routes_each_key_to_the_task_of_its_murmur2_partition()
    {
        var job = new JobBuilder("rr");
        job.Source("in", Serdes.String, Serdes.String)
            .KeyBy((_, word) => word, Serdes.String, name: "by-word")
            .Process(() => new Counter(), Serdes.Long, name: "count")
            .To("out");
        using var driver = new JobTestDriver(job.Build(), new JobTestDriverOptions
        {
            Partitions = 4,
            TopicPartitions = new Dictionary<string, int> { ["in"] = 4, ["out"] = 3 },
        });

        string[] words = ["21", "foobar", "abc", "a-little-bit-long-string", "x", "y", "z"];
        var input = driver.Input<string, string>("in");
        foreach (var word in words)
        {
            input.Pipe("same-source-key", word, 1);
            input.Pipe("other-key", word, 2, partition: 3);
        }

        foreach (var word in words)
        {
            var key = Serdes.String.Serialize(word);
            var expected = Murmur2Partitioner.Partition(key, 4);
            for (var partition = 0; partition < 4; partition++)
            {
                var count = driver.Store("rr-count-n", partition).Get(key);
                if (partition == expected)
                {
                    Assert.Equal(2L, Serdes.Long.Deserialize(count));
                }
                else
                {
                    Assert.Null(count);
                }
            }
        }

        // Partitions derived by hand from Kafka's murmur2 test vectors: toPositive(hash) % 4.
        foreach (var (word, partition) in new[] { ("21", 0), ("foobar", 2), ("abc", 3), ("a-little-bit-long-string", 0) })
        {
            Assert.NotNull(driver.Store("rr-count-n", partition).Get(Serdes.String.Serialize(word)));
        }

        var output = driver.Output<string, long>("out").ReadAll();
        Assert.Equal(words.Length * 2, output.Count);
        Assert.All(output, r => Assert.Equal(Murmur2Partitioner.Partition(Serdes.String.Serialize(r.Key), 3), r.Partition));
    }

    private sealed class Counter : KeyedProcessFunction<string, string, long>
    {
        private IValueState<long> _n = null!;

        public override void Open(IKeyedStateStore state) => _n = state.Value("n", Serdes.Long);

        public override void ProcessElement(string key, string value, IKeyedContext<string, long> context)
        {
            var n = _n.GetOrDefault(0) + 1;
            _n.Update(n);
            context.Emit(n);
        }
    }
}
