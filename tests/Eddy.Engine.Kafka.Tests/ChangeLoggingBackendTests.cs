using Eddy.Engine.State;

namespace Eddy.Engine.Kafka.Tests;

/// <summary>The capture of state writes for the changelogs, without Kafka.</summary>
public class ChangeLoggingBackendTests
{
    private static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes.Span);

    /// <summary>What a drain holds, as (store, partition, key) → value, null for a delete; copied out of the backend's buffers.</summary>
    private static Dictionary<(string Store, int Partition, string Key), string?> Drained(ChangeLoggingBackend logging)
    {
        var drained = new Dictionary<(string, int, string), string?>();
        foreach (var change in logging.Drain())
        {
            Assert.True(drained.TryAdd((change.Store, change.Partition, Text(change.Key)), change.Delete ? null : Text(change.Value)),
                "a key drained twice");
        }

        return drained;
    }

    [Fact]
    public void A_drain_holds_the_last_write_of_each_key_of_each_store_partition_and_deletes_as_deletes()
    {
        using var logging = new ChangeLoggingBackend(new InMemoryStateBackend());
        var counts0 = logging.Store("counts", 0);
        var counts1 = logging.Store("counts", 1);
        var rows0 = logging.Store("rows", 0);

        counts0.Put(Bytes("a"), Bytes("1"));
        counts0.Put(Bytes("b"), Bytes("1"));
        counts0.Put(Bytes("a"), Bytes("22"));
        counts1.Put(Bytes("a"), Bytes("3"));
        rows0.Put(Bytes("a"), Bytes("row"));
        rows0.Delete(Bytes("a"));
        counts0.Delete(Bytes("b"));
        counts0.Put(Bytes("b"), Bytes(""));

        var drained = Drained(logging);

        Assert.Equal(4, drained.Count);
        Assert.Equal("22", drained[("counts", 0, "a")]);
        Assert.Equal("", drained[("counts", 0, "b")]);
        Assert.Equal("3", drained[("counts", 1, "a")]);
        Assert.Null(drained[("rows", 0, "a")]);
        // The writes reach the wrapped store too.
        Assert.Equal(Bytes("22"), counts0.Get(Bytes("a")));
        Assert.Null(rows0.Get(Bytes("a")));
    }

    [Fact]
    public void A_drain_forgets_what_it_returned_and_a_cleared_interval_is_not_written()
    {
        using var logging = new ChangeLoggingBackend(new InMemoryStateBackend());
        var store = logging.Store("counts", 0);

        store.Put(Bytes("a"), Bytes("1"));
        Assert.Single(Drained(logging));
        Assert.Empty(Drained(logging));

        store.Put(Bytes("b"), Bytes("2"));
        logging.Clear();
        store.Put(Bytes("c"), Bytes("3"));

        Assert.Equal(new Dictionary<(string, int, string), string?> { [("counts", 0, "c")] = "3" }, Drained(logging));
    }

    [Fact]
    public void Many_long_writes_in_one_interval_are_all_kept_whole()
    {
        using var logging = new ChangeLoggingBackend(new InMemoryStateBackend());
        var store = logging.Store("rows", 3);
        var random = new Random(7);
        var expected = new Dictionary<(string, int, string), string?>();
        for (var i = 0; i < 5_000; i++)
        {
            // Keys recur and values vary in length (up to past the reused arrays' 512 bytes), so the buffer grows
            // several times while earlier entries are still to be drained.
            var key = $"key-{random.Next(2_000)}";
            if (random.Next(10) == 0)
            {
                store.Delete(Bytes(key));
                expected[("rows", 3, key)] = null;
            }
            else
            {
                var value = new string((char)('a' + random.Next(26)), random.Next(1, 700));
                store.Put(Bytes(key), Bytes(value));
                expected[("rows", 3, key)] = value;
            }
        }

        Assert.Equal(expected, Drained(logging));
    }

    [Fact]
    public void Records_drained_from_a_buffer_that_shrinks_stay_whole_until_the_next_write()
    {
        using var logging = new ChangeLoggingBackend(new InMemoryStateBackend());
        var store = logging.Store("rows", 0);
        var value = new string('v', 200_000);
        store.Put(Bytes("big"), Bytes(value));
        Assert.Equal(value, Drained(logging)[("rows", 0, "big")]);

        // The buffer grew past 200 KB for one interval; the next, small, gives it back when drained.
        store.Put(Bytes("small"), Bytes("1"));
        var changes = logging.Drain();

        Assert.Equal("1", Text(Assert.Single(changes).Value));
    }

    [Fact]
    public void A_store_partition_dropped_and_opened_again_keeps_one_set_of_writes()
    {
        using var logging = new ChangeLoggingBackend(new InMemoryStateBackend());
        logging.Store("counts", 0).Put(Bytes("a"), Bytes("1"));
        logging.DropPartition("counts", 0);
        logging.Store("counts", 0).Put(Bytes("a"), Bytes("2"));

        Assert.Equal(new Dictionary<(string, int, string), string?> { [("counts", 0, "a")] = "2" }, Drained(logging));
    }
}
