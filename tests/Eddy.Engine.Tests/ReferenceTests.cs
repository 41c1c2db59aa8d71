using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>Windowed counts over shuffled input with a partition going idle, against counts computed straight from the input.</summary>
public class ReferenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Windowed_counts_match_a_reference_computed_from_the_input(int seed)
    {
        const int bound = 50;
        const int size = 100;
        var random = new Random(seed);
        using var driver = Jobs.WindowCount(Windows.Tumbling(TimeSpan.FromMilliseconds(size)), bound: TimeSpan.FromMilliseconds(bound),
            idle: TimeSpan.FromSeconds(1), options: new JobTestDriverOptions { Partitions = 3 });
        var input = driver.Input<string, string>("in");
        var sent = new List<(string Word, long Timestamp)>();
        var clock = new long[3];
        for (var i = 0; i < 3000; i++)
        {
            // Partition 2 falls silent a third of the way in; the others keep going, a little out of order.
            var partition = i < 1000 ? random.Next(3) : random.Next(2);
            clock[partition] += random.Next(0, 5);
            var timestamp = Math.Max(0, clock[partition] - random.Next(0, bound + 1));
            var word = $"w{random.Next(7)}";
            input.Pipe("k", word, timestamp, partition);
            sent.Add((word, timestamp));
            if (i % 100 == 0)
            {
                driver.AdvanceProcessingTime(TimeSpan.FromMilliseconds(200));
            }
        }

        Assert.Equal(0, driver.LateRecordCount);
        // Windows past partition 2's last timestamp fired while it was silent: it was left out once idle.
        var firedWhileIdle = driver.Results();
        Assert.Contains(firedWhileIdle, r => long.Parse(r[(r.IndexOf('[') + 1)..r.IndexOf(',')]) > clock[2] + size);
        driver.AdvanceWatermark("in", long.MaxValue - 1);

        var expected = sent.GroupBy(r => (r.Word, Start: r.Timestamp - r.Timestamp % size))
            .Select(g => $"{g.Key.Word}[{g.Key.Start},{g.Key.Start + size})={g.Count()}@{g.Key.Start + size - 1}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, firedWhileIdle.Concat(driver.Results()).Order(StringComparer.Ordinal).ToList());
    }
}
