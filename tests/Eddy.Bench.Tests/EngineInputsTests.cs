using System.Text;
using Eddy.Engine.Runtime;

namespace Eddy.Bench.Tests;

public class EngineInputsTests
{
    private static readonly BrokerCommand NoBroker = new("unused", []);

    private static EngineBenchOptions Options(long records, int keys, int partitions = 8, int recordSize = 100) =>
        new() { Broker = NoBroker, Records = records, Keys = keys, Partitions = partitions, RecordSize = recordSize, EventRate = 1_000 };

    [Theory]
    [InlineData(1_000, 100)]
    [InlineData(1_000, 7)]
    [InlineData(50, 100)]
    public void The_stream_holds_the_records_asked_for_over_the_keys_asked_for(long records, int keys)
    {
        var stream = new EngineInputs(Options(records, keys), start: 1_000_000).Stream().ToList();

        Assert.Equal(records, stream.Count);
        var perKey = stream.GroupBy(r => Encoding.ASCII.GetString(r.Key)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal((int)Math.Min(records, keys), perKey.Count);
        // Round robin over the keys: counts differ by at most one.
        Assert.InRange(perKey.Values.Max() - perKey.Values.Min(), 0, 1);
    }

    [Fact]
    public void The_table_holds_one_row_per_key_older_than_every_stream_record()
    {
        var inputs = new EngineInputs(Options(records: 500, keys: 300), start: 1_000_000);

        var table = inputs.Table().ToList();

        Assert.Equal(300, table.Select(r => Encoding.ASCII.GetString(r.Key)).Distinct().Count());
        Assert.Equal(300, table.Count);
        Assert.True(table.Max(r => r.Timestamp) < inputs.Stream().Min(r => r.Timestamp));
    }

    [Fact]
    public void Every_record_goes_to_its_keys_murmur2_partition_so_stream_and_table_are_co_partitioned()
    {
        var inputs = new EngineInputs(Options(records: 2_000, keys: 500, partitions: 6), start: 0);

        var records = inputs.Stream().Concat(inputs.Table()).ToList();

        Assert.All(records, r => Assert.Equal(Murmur2Partitioner.Partition(r.Key, 6), r.Partition));
        Assert.Equal(6, records.Select(r => r.Partition).Distinct().Count());
    }

    [Fact]
    public void Records_are_the_size_asked_for_and_timestamps_advance_at_the_event_rate()
    {
        var stream = new EngineInputs(Options(records: 3_000, keys: 100, recordSize: 64), start: 5_000).Stream().ToList();

        Assert.All(stream, r => Assert.Equal(64, r.Key.Length + r.Value.Length));
        // 1,000 records per event-time second.
        Assert.Equal(5_000, stream[0].Timestamp);
        Assert.Equal(5_999, stream[999].Timestamp);
        Assert.Equal(7_999, stream[^1].Timestamp);
    }

    [Fact]
    public void Values_carry_a_leading_digit_for_the_filter_and_scores_spread_over_their_range()
    {
        var values = new EngineInputs(Options(records: 7_000, keys: 100), start: 0).Stream().Select(r => Encoding.ASCII.GetString(r.Value)).ToList();

        // The digit changes every seven records: over 7,000 records each digit leads 700 values, and the stateless job
        // drops the '0's, a tenth.
        Assert.All(Enumerable.Range(0, 10), d => Assert.Equal(700, values.Count(v => v[0] == '0' + d)));
        var scores = values.Select(EngineInputs.Score).ToList();
        Assert.All(scores, s => Assert.InRange(s, 0, 999_999));
        Assert.True(scores.Distinct().Count() > 6_900, "scores should rarely repeat");
        // Spread: every tenth of the range gets a share.
        Assert.Equal(10, scores.Select(s => s / 100_000).Distinct().Count());
    }

    [Theory]
    [InlineData(100_000, 10_000)]
    [InlineData(1_000, 30)]
    public void The_top_n_job_groups_the_keys_into_the_number_of_partition_keys_asked_for(int keys, int groups)
    {
        var grouped = Enumerable.Range(0, keys).Select(k => EngineInputs.TopNGroup(EngineInputs.KeyText(k), groups)).Distinct().ToList();

        Assert.Equal(groups, grouped.Count);
        Assert.All(grouped, g => Assert.InRange(g, 0, groups - 1));
    }

    [Fact]
    public void Relational_stands_for_every_relational_run_and_other_names_are_kept_for_the_caller_to_reject()
    {
        var jobs = EngineBenchOptions.ParseJobs("window, relational,nonsense");

        Assert.Contains("window", jobs);
        Assert.Contains("nonsense", jobs);
        Assert.Superset(EngineBenchOptions.RelationalJobs.ToHashSet(), jobs.ToHashSet());
        Assert.DoesNotContain("stateless", jobs);
        Assert.All(EngineBenchOptions.RelationalJobs, j => Assert.Contains(j, EngineBenchOptions.JobNames));
    }

    [Fact]
    public void The_state_size_is_the_bytes_of_the_files_under_the_directory()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"eddy-state-size-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(directory, "store"));
        try
        {
            File.WriteAllBytes(Path.Combine(directory, "a.sst"), new byte[1000]);
            File.WriteAllBytes(Path.Combine(directory, "store", "b.sst"), new byte[234]);

            Assert.Equal(1234, EngineBenchmark.DirectorySize(directory));
            Assert.Equal(0, EngineBenchmark.DirectorySize(Path.Combine(directory, "missing")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
