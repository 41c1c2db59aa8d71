using System.Text;

namespace Eddy.Engine.RocksDb.Tests;

[Trait("Category", "Unit")]
public class StoreTests
{
    private static byte[] B(params byte[] bytes) => bytes;

    private static byte[] S(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Get_put_delete_round_trip()
    {
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        var store = backend.Store("s", 3);
        Assert.Equal("s", store.Name);
        Assert.Null(store.Get(S("a")));
        store.Put(S("a"), S("1"));
        Assert.Equal(S("1"), store.Get(S("a")));
        store.Put(S("a"), S("2"));
        Assert.Equal(S("2"), store.Get(S("a")));
        store.Put(S("empty"), []);
        Assert.Equal(Array.Empty<byte>(), store.Get(S("empty")));
        store.Delete(S("a"));
        Assert.Null(store.Get(S("a")));
        store.Delete(S("never")); // deleting a missing key is fine
        var bigKey = new byte[2000];
        bigKey[1999] = 7;
        store.Put(bigKey, S("big"));
        Assert.Equal(S("big"), store.Get(bigKey));
    }

    [Fact]
    public void Range_is_in_ascending_unsigned_byte_order_and_respects_bounds()
    {
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        var store = backend.Store("s", 0);
        byte[][] keys = [B(0xFF), B(0x80), B(0x7F), B(0x00), B(0x00, 0x00), B(0x01), B(0xFF, 0x00)];
        foreach (var k in keys)
        {
            store.Put(k, k);
        }

        var all = store.Range([], null).Select(e => e.Key).ToList();
        Assert.Equal([B(0x00), B(0x00, 0x00), B(0x01), B(0x7F), B(0x80), B(0xFF), B(0xFF, 0x00)], all);
        Assert.All(store.Range([], null), e => Assert.Equal(e.Key, e.Value));

        var middle = store.Range(B(0x01), B(0xFF)).Select(e => e.Key).ToList();
        Assert.Equal([B(0x01), B(0x7F), B(0x80)], middle);
        Assert.Empty(store.Range(B(0x80), B(0x80)));
        Assert.Empty(store.Range(B(0x90), B(0x10)));
        Assert.Equal([B(0xFF), B(0xFF, 0x00)], store.Range(B(0xFF), null).Select(e => e.Key).ToList());
    }

    [Fact]
    public void A_range_scan_in_a_write_batch_visits_every_entry_while_the_caller_deletes_and_writes_as_it_goes()
    {
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        var store = backend.Store("s", 0);
        var other = backend.Store("t", 0);
        using var batch = backend.BeginBatch();
        // More entries than one chunk of the scan, half of them only in the batch, so the scan crosses chunks over both.
        for (var i = 0; i < 1_000; i++)
        {
            store.Put(S($"k{i:D4}"), S($"v{i}"));
            if (i == 499)
            {
                batch.Commit();
            }
        }

        using var second = backend.BeginBatch();
        var seen = new List<string>();
        foreach (var (key, value) in store.Range(S("k"), S("l")))
        {
            seen.Add(Encoding.UTF8.GetString(key));
            Assert.Equal(S($"v{int.Parse(Encoding.UTF8.GetString(key)[1..], System.Globalization.CultureInfo.InvariantCulture)}"), value);
            // What an operator firing timers does: delete the visited entry, write elsewhere (downstream state).
            store.Delete(key);
            other.Put(key, value);
        }

        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => $"k{i:D4}"), seen);
        Assert.Empty(store.Range(S("k"), S("l")));
        Assert.Equal(1_000, other.Range([], null).Count());
    }

    [Fact]
    public void A_range_scan_in_a_write_batch_stays_correct_while_the_garbage_collector_runs_finalizers_beside_it()
    {
        // The scan's read options hold the iterator's bounds in native memory; the overlay iterator over the batch does
        // not keep them reachable, so a collection in the middle of a chunk once freed them under the iterator (wrong
        // scans, or a segfault in memcmp). A thread collecting and finalizing without pause makes that window wide.
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        var store = backend.Store("s", 0);
        using (var batch = backend.BeginBatch())
        {
            for (var i = 0; i < 600; i++)
            {
                store.Put(S($"k{i:D4}"), S($"v{i}"));
            }

            batch.Commit();
        }

        using var open = backend.BeginBatch();
        for (var i = 600; i < 1_200; i++)
        {
            store.Put(S($"k{i:D4}"), S($"v{i}"));
        }

        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            for (var round = 0; round < 1_500; round++)
            {
                var count = 0;
                foreach (var (key, _) in store.Range(S("k0100"), S("k1100")))
                {
                    Assert.Equal($"k{100 + count:D4}", Encoding.UTF8.GetString(key));
                    count++;
                }

                Assert.Equal(1_000, count);
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }

    [Fact]
    public void Partitions_and_stores_are_isolated()
    {
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        var p0 = backend.Store("s", 0);
        var p1 = backend.Store("s", 1);
        var p255 = backend.Store("s", 255);
        var p256 = backend.Store("s", 256);
        var other = backend.Store("t", 0);
        p0.Put(S("k"), S("p0"));
        p1.Put(S("k"), S("p1"));
        p255.Put(B(0xFF, 0xFF), S("p255"));
        p256.Put(B(0x00), S("p256"));
        other.Put(S("k"), S("t0"));

        Assert.Equal(S("p0"), p0.Get(S("k")));
        Assert.Equal(S("p1"), p1.Get(S("k")));
        Assert.Equal(S("t0"), other.Get(S("k")));
        Assert.Single(p0.Range([], null));
        Assert.Single(p1.Range([], null));
        Assert.Equal([B(0xFF, 0xFF)], p255.Range([], null).Select(e => e.Key).ToList());
        Assert.Equal([B(0x00)], p256.Range([], null).Select(e => e.Key).ToList());
        Assert.Single(other.Range([], null));
        Assert.Empty(backend.Store("t", 1).Range([], null));
        Assert.Same(p0, backend.Store("s", 0));
    }

    [Fact]
    public void DropPartition_removes_only_that_partition()
    {
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        for (var p = 0; p < 3; p++)
        {
            for (var i = 0; i < 100; i++)
            {
                backend.Store("s", p).Put(S($"k{i}"), S($"v{i}"));
                backend.Store("t", p).Put(S($"k{i}"), S($"v{i}"));
            }
        }

        backend.DropPartition("s", 1);
        Assert.Empty(backend.Store("s", 1).Range([], null));
        Assert.Null(backend.Store("s", 1).Get(S("k5")));
        Assert.Equal(100, backend.Store("s", 0).Range([], null).Count());
        Assert.Equal(100, backend.Store("s", 2).Range([], null).Count());
        Assert.Equal(100, backend.Store("t", 1).Range([], null).Count());
        backend.DropPartition("never-created", 0); // nothing to drop
        backend.Store("s", 1).Put(S("again"), S("x"));
        Assert.Single(backend.Store("s", 1).Range([], null));
    }

    [Fact]
    public void Reopening_brings_back_column_families_and_data()
    {
        using var dir = new TempDirectory("eddy-state");
        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            backend.Store("alpha", 0).Put(S("a"), S("1"));
            backend.Store("beta", 7).Put(S("b"), S("2"));
            backend.Store("beta", 7).Put(S("c"), S("3"));
            backend.Store("beta", 7).Delete(S("c"));
        }

        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            Assert.Equal(["alpha", "beta"], backend.StoreNames);
            Assert.Equal(S("1"), backend.Store("alpha", 0).Get(S("a")));
            Assert.Equal(S("2"), backend.Store("beta", 7).Get(S("b")));
            Assert.Null(backend.Store("beta", 7).Get(S("c")));
        }
    }

    [Fact]
    public void A_write_batch_applies_its_writes_in_one_write_and_reads_see_them()
    {
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        var a = backend.Store("a", 0);
        var b = backend.Store("b", 0);
        a.Put(S("gone"), S("x"));
        using (var batch = backend.BeginBatch())
        {
            a.Put(S("k1"), S("1"));
            b.Put(S("k2"), S("2"));
            a.Delete(S("gone"));
            Assert.Equal(S("1"), a.Get(S("k1")));
            Assert.Null(a.Get(S("gone")));
            Assert.Equal([S("k1")], a.Range([], null).Select(e => e.Key).ToList());
            Assert.Equal(3, batch.Count);
            Assert.Throws<InvalidOperationException>(() => backend.BeginBatch());
            batch.Commit();
        }

        Assert.Equal(S("1"), a.Get(S("k1")));
        Assert.Equal(S("2"), b.Get(S("k2")));
        Assert.Null(a.Get(S("gone")));

        using (backend.BeginBatch())
        {
            a.Put(S("discarded"), S("x"));
        }

        Assert.Null(a.Get(S("discarded")));
    }
}

[Trait("Category", "Unit")]
public class ConcurrencyTests
{
    [Fact]
    public void Tasks_on_several_threads_write_their_own_partitions_and_batches()
    {
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, partition =>
        {
            var store = backend.Store("shared", partition);
            for (var round = 0; round < 20; round++)
            {
                using var batch = backend.BeginBatch();
                for (var i = 0; i < 50; i++)
                {
                    store.Put(BitConverter.GetBytes(round * 50 + i), BitConverter.GetBytes(partition));
                }

                batch.Commit();
            }
        });

        for (var partition = 0; partition < 8; partition++)
        {
            var entries = backend.Store("shared", partition).Range([], null).ToList();
            Assert.Equal(1000, entries.Count);
            Assert.All(entries, e => Assert.Equal(partition, BitConverter.ToInt32(e.Value)));
        }
    }
}
