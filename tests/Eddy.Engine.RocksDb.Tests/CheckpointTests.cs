using System.Diagnostics;
using System.Text;

namespace Eddy.Engine.RocksDb.Tests;

public class CheckpointTests
{
    private static byte[] S(string s) => Encoding.UTF8.GetBytes(s);

    private static string CheckpointFile(string dir) => Path.Combine(dir, StateCheckpoint.FileName);

    [Fact]
    [Trait("Category", "Unit")]
    public void Checkpoint_is_written_after_flush_and_read_after_reopen()
    {
        using var dir = new TempDirectory("eddy-state");
        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            Assert.Null(backend.CheckpointedOffset("s", 0));
            backend.Store("s", 0).Put(S("k"), S("v"));
            backend.SetChangelogOffset("s", 0, 42);
            backend.SetChangelogOffset("s", 1, 7);
            Assert.Null(backend.CheckpointedOffset("s", 0)); // not before the checkpoint
            backend.Checkpoint();
            Assert.Equal(42, backend.CheckpointedOffset("s", 0));
            // Flushed before the file was written: the memtable is empty, the data is in SST files.
            Assert.Equal("0", backend.Db.GetProperty("rocksdb.num-entries-active-mem-table", backend.GetStore("s", 0).Family));
            Assert.True(long.Parse(backend.Db.GetProperty("rocksdb.total-sst-files-size", backend.GetStore("s", 0).Family)) > 0);
        }

        Assert.True(File.Exists(CheckpointFile(dir.Path)));
        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            Assert.Equal(42, backend.CheckpointedOffset("s", 0));
            Assert.Equal(7, backend.CheckpointedOffset("s", 1));
            Assert.Null(backend.CheckpointedOffset("s", 2));
            Assert.Equal(S("v"), backend.Store("s", 0).Get(S("k")));
        }
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void First_write_after_open_invalidates_that_partitions_entry_only()
    {
        using var dir = new TempDirectory("eddy-state");
        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            backend.Store("s", 0).Put(S("k"), S("v"));
            backend.SetChangelogOffset("s", 0, 10);
            backend.SetChangelogOffset("s", 1, 20);
            backend.Checkpoint();
        }

        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            _ = backend.Store("s", 0).Get(S("k")); // reads do not invalidate
            Assert.Equal(10, backend.CheckpointedOffset("s", 0));
            backend.Store("s", 0).Put(S("k"), S("uncommitted"));
            Assert.Null(backend.CheckpointedOffset("s", 0));
            Assert.Equal(20, backend.CheckpointedOffset("s", 1));
        }

        // On disk too: a crash now would make the runtime wipe and replay partition 0.
        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            Assert.Null(backend.CheckpointedOffset("s", 0));
            Assert.Equal(20, backend.CheckpointedOffset("s", 1));
        }
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void A_new_checkpoint_after_writes_then_invalidates_again_on_the_next_write()
    {
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        var store = backend.Store("s", 0);
        store.Put(S("a"), S("1"));
        backend.SetChangelogOffset("s", 0, 1);
        backend.Checkpoint();
        Assert.Equal(1, backend.CheckpointedOffset("s", 0));
        store.Put(S("b"), S("2")); // after the checkpoint: the entry goes again
        Assert.Null(backend.CheckpointedOffset("s", 0));
        backend.SetChangelogOffset("s", 0, 2);
        backend.Checkpoint();
        Assert.Equal(2, backend.CheckpointedOffset("s", 0));
        store.Delete(S("a"));
        Assert.Null(backend.CheckpointedOffset("s", 0));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void A_leftover_temp_file_is_ignored_and_the_old_checkpoint_stands()
    {
        using var dir = new TempDirectory("eddy-state");
        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            backend.SetChangelogOffset("s", 0, 5);
            backend.Checkpoint();
        }

        File.WriteAllText(Path.Combine(dir.Path, StateCheckpoint.TempFileName), "eddy-state-checkpoint 1\n1\ns\t0\t999");
        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            Assert.Equal(5, backend.CheckpointedOffset("s", 0));
        }

        Assert.False(File.Exists(Path.Combine(dir.Path, StateCheckpoint.TempFileName)));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void A_truncated_or_corrupt_checkpoint_reads_as_absent()
    {
        using var dir = new TempDirectory("eddy-state");
        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            backend.SetChangelogOffset("s", 0, 123456);
            backend.SetChangelogOffset("s", 1, 7);
            backend.Checkpoint();
        }

        var whole = File.ReadAllBytes(CheckpointFile(dir.Path));
        for (var cut = 0; cut < whole.Length; cut++)
        {
            File.WriteAllBytes(CheckpointFile(dir.Path), whole[..cut]);
            var checkpoint = StateCheckpoint.Load(dir.Path);
            Assert.Empty(checkpoint.Entries);
        }

        var flipped = (byte[])whole.Clone();
        flipped[Array.IndexOf(flipped, (byte)'1')] = (byte)'9'; // 123456 → 923456, checksum no longer matches
        File.WriteAllBytes(CheckpointFile(dir.Path), flipped);
        Assert.Empty(StateCheckpoint.Load(dir.Path).Entries);

        File.WriteAllBytes(CheckpointFile(dir.Path), whole);
        Assert.Equal(123456, StateCheckpoint.Load(dir.Path).Get("s", 0));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void ApplyChangelog_applies_puts_and_deletes_and_records_the_offset()
    {
        using var dir = new TempDirectory("eddy-state");
        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            backend.ApplyChangelog("s", 2, [(S("a"), S("1")), (S("b"), S("2")), (S("a"), S("3")), (S("b"), null)], 4);
            var store = backend.Store("s", 2);
            Assert.Equal(S("3"), store.Get(S("a")));
            Assert.Null(store.Get(S("b")));
            Assert.Empty(backend.Store("s", 3).Range([], null));
            backend.Checkpoint();
            Assert.Equal(4, backend.CheckpointedOffset("s", 2));
            // Restoring more of the changelog keeps the entry: replaying from it converges.
            backend.ApplyChangelog("s", 2, [(S("c"), S("5"))], 5);
            Assert.Equal(4, backend.CheckpointedOffset("s", 2));
            backend.Checkpoint();
        }

        using (var backend = new RocksDbStateBackend(dir.Path))
        {
            Assert.Equal(5, backend.CheckpointedOffset("s", 2));
            Assert.Equal(S("5"), backend.Store("s", 2).Get(S("c")));
        }
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Wipe_forgets_the_data_and_the_checkpoint_entry()
    {
        using var dir = new TempDirectory("eddy-state");
        using var backend = new RocksDbStateBackend(dir.Path);
        backend.ApplyChangelog("s", 0, [(S("a"), S("1"))], 1);
        backend.ApplyChangelog("s", 1, [(S("a"), S("1"))], 1);
        backend.Checkpoint();
        backend.Wipe("s", 0);
        Assert.Null(backend.CheckpointedOffset("s", 0));
        Assert.Empty(backend.Store("s", 0).Range([], null));
        Assert.Equal(1, backend.CheckpointedOffset("s", 1));
        backend.Checkpoint();
        Assert.Null(backend.CheckpointedOffset("s", 0));
    }

    [Fact]
    [Trait("Category", "Chaos")]
    public void Kill_9_after_a_checkpoint_leaves_the_checkpointed_state_and_no_overclaim()
    {
        using var dir = new TempDirectory("eddy-state");
        var dll = typeof(CrashWriter).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("crash-writer");
        start.ArgumentList.Add(dir.Path);
        using var child = Process.Start(start)!;
        var seen = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!seen.Contains("WROTE-MORE"))
        {
            var line = child.StandardOutput.ReadLine();
            if (line is null)
            {
                Assert.Fail("crash-writer ended early with " + child.ExitCode);
            }

            seen.Add(line);
            Assert.True(DateTime.UtcNow < deadline, "crash-writer too slow");
        }

        Thread.Sleep(200); // more unflushed and memory-pressure-flushed writes
        child.Kill(); // SIGKILL on Unix
        child.WaitForExit();
        Assert.Equal(["CHECKPOINTED", "WROTE-MORE"], seen);

        using var backend = new RocksDbStateBackend(dir.Path);
        // Partition 0 was not touched after the checkpoint: its entry stands and its data is exactly the checkpointed state.
        Assert.Equal(CrashWriter.CheckpointedKeys, backend.CheckpointedOffset("counts", 0));
        var clean = backend.Store("counts", 0);
        var entries = clean.Range([], null).ToList();
        Assert.Equal(CrashWriter.CheckpointedKeys, entries.Count);
        for (var i = 0; i < CrashWriter.CheckpointedKeys; i += 97)
        {
            Assert.Equal(S("clean-" + i), clean.Get(CrashWriter.Key(i)));
        }

        // Partition 1 was written after the checkpoint (uncommitted, partly flushed): the entry was invalidated
        // before the first such write, so the checkpoint does not claim a state the store no longer holds.
        Assert.Null(backend.CheckpointedOffset("counts", 1));
    }
}
