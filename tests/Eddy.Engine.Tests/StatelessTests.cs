using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

public class StatelessTests
{
    [Fact]
    public void Map_filter_flat_map_and_union_transform_records_and_keep_their_timestamps()
    {
        var job = new JobBuilder("words");
        var sentences = job.Source("sentences", Serdes.String, Serdes.String)
            .FlatMap((k, line) => line.Split(' ').Select(word => (k, word)), Serdes.String, Serdes.String);
        var single = job.Source("single", Serdes.String, Serdes.String)
            .Filter((_, word) => word != "skip")
            .MapValues(word => word.ToUpperInvariant(), Serdes.String);
        sentences.Union(single)
            .Map((k, word) => (word, $"{k}/{word.Length}"), Serdes.String, Serdes.String)
            .To("out");
        using var driver = new JobTestDriver(job.Build());

        driver.Input<string, string>("sentences").Pipe("s1", "to be", 10);
        driver.Input<string, string>("single").Pipe("w1", "skip", 11);
        driver.Input<string, string>("single").Pipe("w2", "or", 12);

        var output = driver.Output<string, string>("out").ReadAll();
        Assert.Equal(
            [new TestRecord<string, string>("to", "s1/2", 10), new("be", "s1/2", 10), new("OR", "w2/2", 12)],
            output);
    }
}
