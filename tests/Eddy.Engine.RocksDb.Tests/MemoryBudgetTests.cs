using Xunit.Abstractions;

namespace Eddy.Engine.RocksDb.Tests;

[Trait("Category", "Unit")]
public class MemoryBudgetTests(ITestOutputHelper output)
{
    [Fact]
    public void Writes_of_200_MB_across_4_stores_stay_within_a_64_MB_budget()
    {
        const long budget = 64L * 1024 * 1024;
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path, new StateMemoryOptions { TotalBytes = budget });
        var stores = Enumerable.Range(0, 4).Select(i => backend.Store("store-" + i, i % 2)).ToArray();
        var value = new byte[1000];
        var key = new byte[16];
        var random = new Random(7);
        long written = 0;
        long peakCache = 0, peakMemtables = 0, peakWbm = 0;
        for (var n = 0; written < 200L * 1024 * 1024; n++)
        {
            random.NextBytes(value.AsSpan(0, 64)); // partly compressible values
            BitConverter.TryWriteBytes(key, n * 2654435761L);
            BitConverter.TryWriteBytes(key.AsSpan(8), n);
            stores[n % 4].Put(key, value);
            written += key.Length + value.Length;
            if (n % 2000 == 0)
            {
                _ = stores[(n + 1) % 4].Get(key); // reads fill the block cache too
                var usage = backend.MemoryUsage();
                peakCache = Math.Max(peakCache, usage.BlockCacheUsage);
                peakMemtables = Math.Max(peakMemtables, usage.MemTableBytes);
                peakWbm = Math.Max(peakWbm, usage.WriteBufferManagerBytes);
            }
        }

        // Read back over the data so the block cache, not only the memtables, is under pressure.
        for (var n = 0; n < 100_000; n += 7)
        {
            BitConverter.TryWriteBytes(key, n * 2654435761L);
            BitConverter.TryWriteBytes(key.AsSpan(8), n);
            Assert.NotNull(stores[n % 4].Get(key));
            if (n % 1001 == 0)
            {
                peakCache = Math.Max(peakCache, backend.MemoryUsage().BlockCacheUsage);
            }
        }

        output.WriteLine($"peak block cache {peakCache >> 20} MiB (memtables charged to it), memtables {peakMemtables >> 20} MiB, write-buffer manager {peakWbm >> 20} MiB, budget {budget >> 20} MiB");
        var slack = budget / 10;
        Assert.True(peakCache <= budget + slack, $"block cache {peakCache} over budget");
        Assert.True(peakMemtables <= budget, $"memtables {peakMemtables} over budget");
        Assert.True(peakWbm <= budget / 2 + slack, $"write-buffer manager {peakWbm} over its share");
        // Memtable memory is reserved in the cache: the cache's usage covers it.
        Assert.True(peakCache >= peakWbm / 2);
    }
}
