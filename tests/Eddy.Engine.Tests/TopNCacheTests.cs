using System.Buffers.Binary;
using CsCheck;
using Eddy.Engine.Records;
using Eddy.Engine.Runtime;
using Eddy.Engine.State;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>
/// The Top-N's cache of keys' top rows (<see cref="CachedTopRows"/>): the same changes and the same store as the
/// uncached <see cref="RankedRows"/>, whatever its size and however often it starts cold, and no store access for a
/// row that does not enter a cached key's top N.
/// </summary>
public class TopNCacheTests
{
    /// <summary>A store that counts what is asked of it.</summary>
    private sealed class CountingStore(IKeyValueStore inner) : IKeyValueStore
    {
        public int Accesses { get; private set; }

        public string Name => inner.Name;

        public byte[]? Get(ReadOnlySpan<byte> key)
        {
            Accesses++;
            return inner.Get(key);
        }

        public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            Accesses++;
            inner.Put(key, value);
        }

        public void Delete(ReadOnlySpan<byte> key)
        {
            Accesses++;
            inner.Delete(key);
        }

        public IEnumerable<KeyValuePair<byte[], byte[]>> Range(byte[] fromInclusive, byte[]? toExclusive)
        {
            Accesses++;
            return inner.Range(fromInclusive, toExclusive);
        }
    }

    private static byte[] Group(int key)
    {
        var keyBytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(keyBytes, key);
        return StateKeys.KeyPrefix(keyBytes);
    }

    private static byte[] SortKey(long points)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, unchecked((ulong)(points ^ long.MinValue)));
        return bytes;
    }

    /// <summary>A row's bytes: its points and an id, so equal points make distinct rows.</summary>
    private static byte[] Row(long points, int id) => [.. SortKey(points), .. BitConverter.GetBytes(id)];

    private static string Show(RowKind kind, int rank, byte[] row) => $"{kind} {rank} {Convert.ToHexString(row)}";

    private static List<string> Dump(InMemoryKeyValueStore store) =>
        store.Range([], null).Select(e => $"{Convert.ToHexString(e.Key)}={Convert.ToHexString(e.Value)}").ToList();

    /// <summary>One step: add a row (points, id) to a key, or take back the <c>Pick</c>-th row added to it so far (or one never added).</summary>
    private readonly record struct Step(int Key, long Points, bool Retract, int Pick);

    private static Gen<Step> StepGen(bool retractions) =>
        Gen.Select(Gen.Int[0, 5], Gen.Long[0, 9], Gen.Int[0, 3], Gen.Int[0, 30],
            (key, points, roll, pick) => new Step(key, points, retractions && roll == 0, pick));

    /// <summary>
    /// Runs the steps through <see cref="RankedRows"/> and through <see cref="CachedTopRows"/> (each on its own store),
    /// the cached one started over (cold) every <paramref name="restartEvery"/> steps, and asserts the same changes
    /// after every step and the same stores at the end.
    /// </summary>
    private static void Compare(Step[] steps, int n, bool keepAll, bool withRank, int rowLimit, int restartEvery)
    {
        var referenceStore = new InMemoryKeyValueStore("rows");
        var cachedStore = new InMemoryKeyValueStore("rows");
        var reference = new RankedRows(referenceStore, n, keepAll, withRank);
        var cached = new CachedTopRows(cachedStore, n, keepAll, withRank, rowLimit);
        var added = new Dictionary<int, List<byte[]>>();
        for (var i = 0; i < steps.Length; i++)
        {
            var (key, points, retract, pick) = steps[i];
            var group = Group(key);
            var rows = added.TryGetValue(key, out var list) ? list : added[key] = [];
            if (retract)
            {
                // Either a row added before (maybe taken back already) or one never added.
                var row = pick < rows.Count ? rows[pick] : Row(points, -1);
                var sortKey = row.AsSpan(0, 8).ToArray();
                Assert.Equal(reference.Remove(group, sortKey, row), cached.Remove(group, sortKey, row));
                Assert.Equal(
                    reference.Changes.Select(c => Show(c.Kind, c.Rank, c.Value!)),
                    cached.Removed.Select(c => Show(c.Kind, c.Rank, c.Value!)));
            }
            else
            {
                var row = Row(points, i);
                rows.Add(row);
                reference.Add(group, SortKey(points), row);
                cached.Add(group, SortKey(points), () => row);
                Assert.Equal(
                    reference.Changes.Select(c => Show(c.Kind, c.Rank, c.Value ?? row)),
                    cached.Changes.Select(c => Show(c.Kind, c.Rank, c.Row.Value)));
            }

            Assert.InRange(cached.CachedGroups, 0, rowLimit); // each key counts at least one against the limit
            if (restartEvery > 0 && i % restartEvery == restartEvery - 1)
            {
                cached = new CachedTopRows(cachedStore, n, keepAll, withRank, rowLimit);
            }
        }

        Assert.Equal(Dump(referenceStore), Dump(cachedStore));
    }

    [Fact]
    public void On_an_insert_only_input_the_cache_makes_the_same_changes_and_store_as_the_uncached_rows_at_any_size_and_restart()
    {
        Gen.Select(StepGen(retractions: false).Array[1, 120], Gen.Int[1, 4], Gen.Bool, Gen.Int[1, 30], Gen.Int[0, 25])
            .Sample((steps, n, withRank, rowLimit, restartEvery) =>
                Compare(steps, n, keepAll: false, withRank, rowLimit, restartEvery), iter: 300);
    }

    [Fact]
    public void On_an_updating_input_the_cache_makes_the_same_changes_and_store_as_the_uncached_rows_at_any_size_and_restart()
    {
        Gen.Select(StepGen(retractions: true).Array[1, 120], Gen.Int[1, 4], Gen.Bool, Gen.Int[1, 30], Gen.Int[0, 25])
            .Sample((steps, n, withRank, rowLimit, restartEvery) =>
                Compare(steps, n, keepAll: true, withRank, rowLimit, restartEvery), iter: 300);
    }

    [Fact]
    public void A_row_that_does_not_enter_a_cached_keys_top_n_neither_reads_nor_writes_the_store()
    {
        var store = new CountingStore(new InMemoryKeyValueStore("rows"));
        var rows = new CachedTopRows(store, n: 2, keepAll: false, withRank: true, rowLimit: 100);
        rows.Add(Group(1), SortKey(1), () => Row(1, 1));
        rows.Add(Group(1), SortKey(2), () => Row(2, 2));
        var accesses = store.Accesses;

        rows.Add(Group(1), SortKey(3), () => throw new InvalidOperationException("a rejected row is not serialized"));
        rows.Add(Group(1), SortKey(2), () => throw new InvalidOperationException("a rejected row is not serialized"));

        Assert.Empty(rows.Changes);
        Assert.Equal(accesses, store.Accesses);
        Assert.Equal(1, rows.Loads);
    }

    [Fact]
    public void Over_its_limit_the_cache_evicts_the_least_recently_used_key_and_reloads_it_from_the_store_on_its_next_use()
    {
        var rows = new CachedTopRows(new InMemoryKeyValueStore("rows"), n: 2, keepAll: false, withRank: true, rowLimit: 6);
        rows.Add(Group(1), SortKey(5), () => Row(5, 1));
        rows.Add(Group(2), SortKey(5), () => Row(5, 2));
        rows.Add(Group(1), SortKey(4), () => Row(4, 3)); // key 1 is now the most recently used: 2 + 3 entries
        Assert.Equal(2, rows.CachedGroups);

        rows.Add(Group(3), SortKey(5), () => Row(5, 4)); // 7 entries: key 2, the least recently used, goes

        Assert.Equal(2, rows.CachedGroups);
        Assert.Equal(3, rows.Loads);
        rows.Add(Group(1), SortKey(9), () => Row(9, 5)); // cached: rejected without a load
        Assert.Equal(3, rows.Loads);
        rows.Add(Group(2), SortKey(4), () => Row(4, 6)); // reloaded with its row at rank 1, the new row above it
        Assert.Equal(4, rows.Loads);
        Assert.Equal(
            [Show(RowKind.UpdateBefore, 1, Row(5, 2)), Show(RowKind.UpdateAfter, 2, Row(5, 2)), Show(RowKind.Insert, 1, Row(4, 6))],
            rows.Changes.Select(c => Show(c.Kind, c.Rank, c.Row.Value)));
    }

    /// <summary>source "in" (group → points) → key by group → top <paramref name="n"/> with a cache of <paramref name="cachedRows"/> rows → "top".</summary>
    private static Plan.JobPlan PointsPlan(int n, bool descending, int cachedRows, bool withRank)
    {
        var job = new JobBuilder("t");
        var byGroup = job.Source("in", Serdes.String, Serdes.Long).KeyBy((group, _) => group, Serdes.String, name: "by-group");
        if (withRank)
        {
            byGroup.TopNWithCacheLimit(n, points => points, descending, cachedRows, name: "top").To("top");
        }
        else
        {
            byGroup.TopNRowsWithCacheLimit(n, points => points, descending, cachedRows, name: "top").To("top");
        }

        return job.Build();
    }

    /// <summary>table "scores" (player → "team:points", a tombstone deletes) → by team → points → top n with a limited cache → "top".</summary>
    private static Plan.JobPlan TeamScoresPlan(int n, bool descending, int cachedRows)
    {
        var job = new JobBuilder("t");
        job.Table("scores", Serdes.String, Serdes.String, name: "scores")
            .GroupBy((_, row) => row.Split(':')[0], Serdes.String, name: "by-team")
            .MapValues(row => long.Parse(row.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture), Serdes.Long)
            .TopNWithCacheLimit(n, points => points, descending, cachedRows, name: "top")
            .To("top");
        return job.Build();
    }

    [Fact]
    public void An_append_only_top_n_with_a_tiny_cache_and_restarts_materializes_to_the_brute_force_ranking()
    {
        Gen.Select(Gen.Select(Gen.Int[0, 6], Gen.Long[0, 9]).Array[1, 100], Gen.Int[1, 4], Gen.Int[1, 3], Gen.Bool, Gen.Int[1, 8], Gen.Int[0, 20])
            .Sample((records, n, partitions, descending, cachedRows, restartEvery) =>
            {
                using var driver = new JobTestDriver(PointsPlan(n, descending, cachedRows, withRank: true), new JobTestDriverOptions { Partitions = partitions });
                TopNTests.PipeRestarting(driver, records, restartEvery);
                var expected = TopNTests.BruteForceRanking(records, n, descending);
                var materialized = Changelogs.Materialize(driver.Output<string, Ranked<long>>("top").ReadAll());
                Assert.Equal(Changelogs.Sorted(expected), Changelogs.Sorted(materialized));
            }, iter: 150);
    }

    [Fact]
    public void A_top_n_rows_with_a_tiny_cache_emits_exactly_what_it_emits_with_the_default_cache()
    {
        Gen.Select(Gen.Select(Gen.Int[0, 6], Gen.Long[0, 9]).Array[1, 100], Gen.Int[1, 4], Gen.Int[1, 3], Gen.Bool, Gen.Int[1, 8], Gen.Int[0, 20])
            .Sample((records, n, partitions, descending, cachedRows, restartEvery) =>
            {
                List<string> Run(int cache, int restarts)
                {
                    using var driver = new JobTestDriver(PointsPlan(n, descending, cache, withRank: false), new JobTestDriverOptions { Partitions = partitions });
                    var input = driver.Input<string, long>("in");
                    for (var i = 0; i < records.Length; i++)
                    {
                        input.Pipe($"g{records[i].Item1}", records[i].Item2, i);
                        if (restarts > 0 && i % restarts == restarts - 1)
                        {
                            driver.RestartTasks();
                        }
                    }

                    return driver.Output<string, long>("top").ReadAll().Select(r => $"{r.Key} {r.Value} {r.Kind}").ToList();
                }

                Assert.Equal(Run(TopNDefinition<string, long, long>.DefaultCachedRows, 0), Run(cachedRows, restartEvery));
            }, iter: 150);
    }

    private readonly record struct Upsert(string Player, string? Row);

    private static readonly string[] Teams = ["red", "blue", "green"];

    [Fact]
    public void A_top_n_on_an_updating_input_with_a_tiny_cache_and_restarts_materializes_to_the_brute_force_ranking()
    {
        var upsertGen = Gen.Select(Gen.Int[0, 9], Gen.Int[0, Teams.Length - 1], Gen.Int[0, 6], Gen.Int[0, 5],
            (player, team, points, deleteRoll) => new Upsert($"p{player}", deleteRoll == 0 ? null : $"{Teams[team]}:{points}"));
        Gen.Select(upsertGen.Array[1, 80], Gen.Int[1, 4], Gen.Int[1, 3], Gen.Bool, Gen.Int[1, 8], Gen.Int[0, 20])
            .Sample((upserts, n, partitions, descending, cachedRows, restartEvery) =>
            {
                using var driver = new JobTestDriver(TeamScoresPlan(n, descending, cachedRows), new JobTestDriverOptions { Partitions = partitions });
                var scores = driver.Input<string, string>("scores");
                for (var i = 0; i < upserts.Length; i++)
                {
                    scores.Pipe(upserts[i].Player, upserts[i].Row!, i);
                    if (restartEvery > 0 && i % restartEvery == restartEvery - 1)
                    {
                        driver.RestartTasks();
                    }
                }

                var table = new Dictionary<string, string>();
                foreach (var (player, row) in upserts)
                {
                    if (row is null)
                    {
                        table.Remove(player);
                    }
                    else
                    {
                        table[player] = row;
                    }
                }

                var expected = table.Values.GroupBy(r => r.Split(':')[0]).SelectMany(team =>
                {
                    var points = team.Select(r => long.Parse(r.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
                    return (descending ? points.OrderDescending() : points.Order()).Take(n).Select((p, i) => (team.Key, new Ranked<long>(i + 1, p)));
                });
                var materialized = Changelogs.Materialize(driver.Output<string, Ranked<long>>("top").ReadAll());
                Assert.Equal(Changelogs.Sorted(expected), Changelogs.Sorted(materialized));
            }, iter: 150);
    }
}
