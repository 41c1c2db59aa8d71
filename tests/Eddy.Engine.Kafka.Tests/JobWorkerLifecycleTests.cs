using Confluent.Kafka;
using Eddy.Engine.RocksDb;
using Eddy.Engine.State;
using Eddy.Testing;

namespace Eddy.Engine.Kafka.Tests;

public class JobWorkerLifecycleTests
{
    [Fact]
    public async Task StartAsync_with_a_cancelled_token_creates_no_topics_opens_no_state_and_leaves_the_worker_startable()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var stateDir = Path.Combine(state.Path, "w");
        await using var worker = new JobWorker(KafkaJobs.WindowCount("cancelled"),
            new JobWorkerOptions { BootstrapServers = broker.BootstrapServers, StateDirectory = stateDir, WorkerId = "c" });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker.StartAsync(new CancellationToken(canceled: true)));

        Assert.Empty(worker.TransactionalIds);
        Assert.False(Directory.Exists(stateDir));
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic.StartsWith("cancelled", StringComparison.Ordinal));
        }

        await worker.StartAsync(CancellationToken.None);
        Assert.Equal(["cancelled-c-0"], worker.TransactionalIds);
        Assert.True(Directory.Exists(stateDir));
    }

    [Fact]
    public async Task A_fenced_worker_leaves_the_group_at_once_rather_than_after_its_session_timeout()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var stateA = new TempDirectory("eddy-state");
        using var stateB = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "out", 3);
        var plan = KafkaJobs.Stateless("leaves");
        KafkaJobs.Produce(broker.BootstrapServers, "in", KafkaJobs.Words(100));
        // A session far longer than the test waits: only leaving the group removes the zombie's member in time.
        JobWorker Worker(string stateDir) => new(plan, new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDirectory = stateDir, WorkerId = "same", SessionTimeout = TimeSpan.FromSeconds(60),
        });

        await using var zombie = Worker(stateA.Path);
        await zombie.StartAsync();
        Assert.NotEmpty(KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 3, 1));

        await using var successor = Worker(stateB.Path);
        await successor.StartAsync();
        await WaitForMembersAsync(broker.BootstrapServers, "leaves", 2, TimeSpan.FromSeconds(30));
        KafkaJobs.Produce(broker.BootstrapServers, "in", KafkaJobs.Words(100, from: 100));
        Assert.Equal(WorkerExit.Fenced, await zombie.Completion.WaitAsync(TimeSpan.FromSeconds(60)));

        await WaitForMembersAsync(broker.BootstrapServers, "leaves", 1, TimeSpan.FromSeconds(15));
        Assert.False(successor.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_worker_keeps_its_state_in_the_backend_its_options_open()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using var state = new TempDirectory("eddy-state");
        await KafkaJobs.CreateTopicAsync(broker.BootstrapServers, "in", 2);
        var plan = KafkaJobs.WindowCount("custom");
        var input = KafkaJobs.Words(300);
        var expected = KafkaJobs.Reference(plan, input);
        KafkaJobs.Produce(broker.BootstrapServers, "in", input);
        CountingBackend? backend = null;

        await using (var worker = new JobWorker(plan, new JobWorkerOptions
        {
            BootstrapServers = broker.BootstrapServers, StateDirectory = Path.Combine(state.Path, "unused"), WorkerId = "b",
            StateBackend = () => backend = new CountingBackend(new RocksDbStateBackend(Path.Combine(state.Path, "custom"))),
        }))
        {
            await worker.StartAsync();
            Assert.Equal(expected, KafkaJobs.Shown(KafkaJobs.ReadCommitted(broker.BootstrapServers, "out", 2, expected.Count)));
        }

        Assert.NotNull(backend);
        Assert.True(backend.StoresOpened > 0);
        Assert.True(backend.Checkpoints > 0);
        Assert.True(backend.Disposed);
        Assert.False(Directory.Exists(Path.Combine(state.Path, "unused")));
    }

    private static async Task WaitForMembersAsync(string bootstrap, string group, int members, TimeSpan timeout)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var deadline = DateTime.UtcNow + timeout;
        var seen = -1;
        while (DateTime.UtcNow < deadline)
        {
            var description = await admin.DescribeConsumerGroupsAsync([group]);
            seen = description.ConsumerGroupDescriptions[0].Members.Count;
            if (seen == members)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Group {group} has {seen} members after {timeout.TotalSeconds} s, not {members}.");
    }

    /// <summary>Forwards to RocksDB and counts what the worker asks of its backend.</summary>
    private sealed class CountingBackend(RocksDbStateBackend inner) : ICheckpointedStateBackend
    {
        public int StoresOpened { get; private set; }

        public int Checkpoints { get; private set; }

        public bool Disposed { get; private set; }

        public IKeyValueStore Store(string storeName, int partition)
        {
            StoresOpened++;
            return inner.Store(storeName, partition);
        }

        public void DropPartition(string storeName, int partition) => inner.DropPartition(storeName, partition);

        public long? CheckpointedOffset(string storeName, int partition) => inner.CheckpointedOffset(storeName, partition);

        public void Wipe(string storeName, int partition) => inner.Wipe(storeName, partition);

        public void ApplyChangelog(string storeName, int partition, IEnumerable<(byte[] Key, byte[]? Value)> records, long nextOffset) =>
            inner.ApplyChangelog(storeName, partition, records, nextOffset);

        public void SetChangelogOffset(string storeName, int partition, long nextOffset) => inner.SetChangelogOffset(storeName, partition, nextOffset);

        public void Checkpoint()
        {
            Checkpoints++;
            inner.Checkpoint();
        }

        public IStateWriteBatch BeginBatch() => inner.BeginBatch();

        public void Dispose()
        {
            Disposed = true;
            inner.Dispose();
        }
    }
}
