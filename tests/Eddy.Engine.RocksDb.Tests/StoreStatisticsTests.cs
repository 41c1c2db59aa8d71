using System.Text;

namespace Eddy.Engine.RocksDb.Tests;

[Trait("Category", "Unit")]
public class StoreStatisticsTests
{
    private static byte[] S(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Statistics_count_each_stores_live_keys_over_its_partitions_and_not_the_deleted_ones()
    {
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        for (var i = 0; i < 100; i++)
        {
            backend.Store("rows", i % 3).Put(S($"k{i}"), new byte[100]);
        }

        for (var i = 0; i < 40; i++)
        {
            backend.Store("rows", i % 3).Delete(S($"k{i}"));
        }

        backend.Store("timers", 0).Put(S("t"), S("1"));

        var before = backend.Statistics(countEntries: true);
        backend.Flush();
        var after = backend.Statistics(countEntries: true);

        Assert.Equal(["rows", "timers"], before.Select(s => s.Store));
        Assert.Equal([60L, 1L], before.Select(s => s.Entries));
        Assert.Equal([60L, 1L], after.Select(s => s.Entries));
        // Before the flush everything is in memtables; after it, in SST files.
        Assert.True(before[0].MemTableBytes > 0);
        Assert.Equal(0, before[0].SstBytes);
        Assert.True(after[0].SstBytes > 0);
        Assert.True(after[0].EstimatedKeys > 0);
    }

    [Fact]
    public void Without_counting_the_entries_are_reported_as_minus_one()
    {
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        backend.Store("rows", 0).Put(S("a"), S("1"));

        var statistics = Assert.Single(backend.Statistics(countEntries: false));

        Assert.Equal(-1, statistics.Entries);
    }
}
