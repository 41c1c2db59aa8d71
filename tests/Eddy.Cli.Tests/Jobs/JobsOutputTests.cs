using System.Text.Json;
using Eddy.Cli.Jobs;
using Eddy.Cli.Output;
using Eddy.Engine.Kafka.Control;

namespace Eddy.Cli.Tests.Jobs;

/// <summary>The text and JSON of eddy jobs list and describe, from fixed control records at a fixed time.</summary>
[Trait("Category", "Unit")]
public class JobsOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 21, 0, 0, TimeSpan.Zero);

    private static readonly JobStageSummary[] Plan =
    [
        new(0, ["pageviews"], [new("source", "Source", "pageviews"), new("by-region", "KeyBy", "pageviews-by-region")]),
        new(1, ["pageviews-by-region"], [new("by-region-source", "RepartitionSource", "pageviews-by-region"), new("count", "WindowAggregate", null), new("sink", "Sink", "pageviews-per-region")]),
    ];

    private static JobWorkerRecord Worker(string job, string id, string state, DateTimeOffset started, TimeSpan sinceUpdate, double inRate, double outRate,
        params JobTopicPartition[] partitions) => new()
    {
        Job = job,
        WorkerId = id,
        Description = job == "pageviews" ? "page views per region" : "",
        Host = $"host-{id}",
        Pid = 100 + id[0],
        StartedAt = started,
        EddyVersion = "1.2.3",
        ExactlyOnce = job == "pageviews",
        Threads = 1,
        InputTopics = job == "pageviews" ? ["pageviews"] : ["orders"],
        OutputTopics = job == "pageviews" ? ["pageviews-per-region"] : ["orders-valid"],
        Stages = job == "pageviews" ? Plan : [],
        State = state,
        UpdatedAt = Now - sinceUpdate,
        HeartbeatIntervalMs = 5000,
        Partitions = partitions,
        RecordsIn = 10_000,
        RecordsOut = 2_500,
        InRate = inRate,
        OutRate = outRate,
        Commits = 42,
        LastCommitAt = state == JobWorkerStates.Running ? Now - TimeSpan.FromSeconds(1) : null,
        Lag = 7,
    };

    private static readonly DateTimeOffset Eight = new(2026, 12, 7, 20, 0, 0, TimeSpan.Zero);

    private static readonly JobWorkerRecord A = Worker("pageviews", "a", JobWorkerStates.Running, Eight, TimeSpan.FromSeconds(1), 1000.5, 250.5,
        new("pageviews", 0), new("pageviews", 1), new("pageviews-by-region", 0));

    private static readonly JobWorkerRecord B = Worker("pageviews", "b", JobWorkerStates.Running, Eight.AddSeconds(5), TimeSpan.FromSeconds(2), 999.5, 249.5,
        new("pageviews", 2), new("pageviews", 3), new("pageviews-by-region", 1));

    // Last refreshed a minute ago with a 5 s heartbeat: lost (what kill -9 leaves).
    private static readonly JobWorkerRecord C = Worker("pageviews", "c", JobWorkerStates.Running, Eight.AddHours(-1), TimeSpan.FromSeconds(60), 5, 5);

    private static readonly JobWorkerRecord Failed = Worker("orders", "w", JobWorkerStates.Failed, Eight.AddMinutes(-90), TimeSpan.FromMinutes(10), 3, 3) with
    {
        Error = "Local: Broker transport failure",
    };

    private static readonly JobRegistrySnapshot Snapshot = new(Now, [Failed, A, B, C], []);

    [Fact]
    public void List_prints_one_row_per_job_with_live_workers_lost_and_failed_counts_and_summed_rates()
    {
        var output = new StringWriter();

        JobsText.WriteList(JobSummary.Of(Snapshot), output);

        Assert.Equal(
            $"{"JOB",-15} {"STATE",-10} WORKERS LOST FAILED {"STARTED",-20} {"IN/S",-10} {"OUT/S",-10} GUARANTEE\n" +
            $"{"orders",-15} {"failed",-10} {"0",-7} {"0",-4} {"1",-6} 2026-12-07T18:30:00Z {"0.0",-10} {"0.0",-10} at-least-once\n" +
            $"{"pageviews",-15} {"running",-10} {"2",-7} {"1",-4} {"0",-6} 2026-12-07T20:00:00Z {"2000.0",-10} {"500.0",-10} exactly-once\n",
            output.ToString());
    }

    [Fact]
    public void List_as_json_has_the_same_numbers_with_times_in_iso_8601()
    {
        var output = new StringWriter();

        JobsJson.WriteList(JobSummary.Of(Snapshot), output);

        Assert.Equal(
            """
            {
              "jobs": [
                {
                  "job": "orders",
                  "description": "",
                  "state": "failed",
                  "workers": 0,
                  "lost": 0,
                  "failed": 1,
                  "startedAt": "2026-12-07T18:30:00+00:00",
                  "inRate": 0,
                  "outRate": 0,
                  "exactlyOnce": false,
                  "inputTopics": [
                    "orders"
                  ],
                  "outputTopics": [
                    "orders-valid"
                  ]
                },
                {
                  "job": "pageviews",
                  "description": "page views per region",
                  "state": "running",
                  "workers": 2,
                  "lost": 1,
                  "failed": 0,
                  "startedAt": "2026-12-07T20:00:00+00:00",
                  "inRate": 2000,
                  "outRate": 500,
                  "exactlyOnce": true,
                  "inputTopics": [
                    "pageviews"
                  ],
                  "outputTopics": [
                    "pageviews-per-region"
                  ]
                }
              ]
            }

            """.ReplaceLineEndings("\n"),
            output.ToString());
    }

    [Fact]
    public void Describe_prints_the_job_its_workers_with_their_partitions_and_last_heartbeat_and_its_plan()
    {
        var output = new StringWriter();
        var workers = Snapshot.WorkersOf("pageviews");

        JobsText.WriteDescription(JobSummary.Of("pageviews", workers, Now), workers, Now, output);

        Assert.Equal(
            "Job pageviews: page views per region\n" +
            "State running: 2 workers alive, 1 lost, 0 failed; exactly-once\n" +
            "Input topics: pageviews; output topics: pageviews-per-region\n" +
            "\n" +
            $"{"WORKER",-10} {"HOST",-15} {"PID",-7} {"STATE",-10} {"STARTED",-20} LAST-SEEN {"PARTITIONS",-37} {"IN/S",-10} {"OUT/S",-10} {"LAG",-8} {"LAST-COMMIT",-20} VERSION\n" +
            $"{"a",-10} {"host-a",-15} {"197",-7} {"running",-10} 2026-12-07T20:00:00Z {"1.0s",-9} {"pageviews(0,1),pageviews-by-region(0)",-37} {"1000.5",-10} {"250.5",-10} {"7",-8} 2026-12-07T20:59:59Z 1.2.3\n" +
            $"{"b",-10} {"host-b",-15} {"198",-7} {"running",-10} 2026-12-07T20:00:05Z {"2.0s",-9} {"pageviews(2,3),pageviews-by-region(1)",-37} {"999.5",-10} {"249.5",-10} {"7",-8} 2026-12-07T20:59:59Z 1.2.3\n" +
            $"{"c",-10} {"host-c",-15} {"199",-7} {"lost",-10} 2026-12-07T19:00:00Z {"60.0s",-9} {"-",-37} {"5.0",-10} {"5.0",-10} {"7",-8} 2026-12-07T20:59:59Z 1.2.3\n" +
            "\n" +
            "Plan (as worker a runs it):\n" +
            "  stage 0 (a task per partition of pageviews)\n" +
            "    source [Source <- pageviews]\n" +
            "    by-region [KeyBy -> pageviews-by-region]\n" +
            "  stage 1 (a task per partition of pageviews-by-region)\n" +
            "    by-region-source [RepartitionSource <- pageviews-by-region]\n" +
            "    count [WindowAggregate]\n" +
            "    sink [Sink -> pageviews-per-region]\n",
            output.ToString());
    }

    [Fact]
    public void Describe_names_the_error_a_failed_worker_stopped_on()
    {
        var output = new StringWriter();
        var workers = Snapshot.WorkersOf("orders");

        JobsText.WriteDescription(JobSummary.Of("orders", workers, Now), workers, Now, output);

        var text = output.ToString();
        Assert.StartsWith("Job orders\nState failed: 0 workers alive, 0 lost, 1 failed; at-least-once\nInput topics: orders; output topics: orders-valid\n", text);
        Assert.Contains($"\n{"w",-10} {"host-w",-15} {"219",-7} {"failed",-10} 2026-12-07T18:30:00Z {"600.0s",-9} {"-",-15} {"3.0",-10} {"3.0",-10} {"7",-8} {"-",-20} 1.2.3\n", text);
        Assert.EndsWith("Worker w failed: Local: Broker transport failure\n", text);
    }

    [Fact]
    public void Describe_as_json_shows_each_worker_state_as_of_now_the_plan_and_the_group_offsets()
    {
        var output = new StringWriter();
        var workers = Snapshot.WorkersOf("pageviews");
        GroupOffsetRow[] offsets = [new("pageviews", "pageviews", 0, 90, 100, 10, "rdkafka-1", "/127.0.0.1", "eddy")];

        JobsJson.WriteDescription(JobSummary.Of("pageviews", workers, Now), workers, Now, offsets, output);

        var root = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal("pageviews", root.GetProperty("job").GetString());
        Assert.Equal("running", root.GetProperty("state").GetString());
        Assert.Equal(2, root.GetProperty("workers").GetInt32());
        Assert.Equal(["running", "running", "lost"], root.GetProperty("workerRecords").EnumerateArray().Select(w => w.GetProperty("state").GetString()));
        var a = root.GetProperty("workerRecords")[0];
        Assert.Equal("2026-12-07T20:59:59+00:00", a.GetProperty("updatedAt").GetString());
        Assert.Equal(["pageviews-0", "pageviews-1", "pageviews-by-region-0"],
            a.GetProperty("partitions").EnumerateArray().Select(p => $"{p.GetProperty("topic").GetString()}-{p.GetProperty("partition").GetInt32()}"));
        Assert.Equal(1000.5, a.GetProperty("inRate").GetDouble());
        Assert.Equal([0, 1], root.GetProperty("plan").EnumerateArray().Select(s => s.GetProperty("id").GetInt32()));
        Assert.Equal("Sink", root.GetProperty("plan")[1].GetProperty("operators")[2].GetProperty("kind").GetString());
        var offset = Assert.Single(root.GetProperty("offsets").EnumerateArray());
        Assert.Equal(10, offset.GetProperty("lag").GetInt64());
        Assert.Equal("rdkafka-1", offset.GetProperty("consumerId").GetString());
    }

    [Fact]
    public void A_job_whose_live_workers_differ_shows_the_most_telling_state()
    {
        var restoring = B with { State = JobWorkerStates.Restoring };
        var stopping = B with { WorkerId = "d", State = JobWorkerStates.Stopping };

        Assert.Equal(JobWorkerStates.Restoring, JobSummary.Of("pageviews", [A, restoring], Now).State);
        Assert.Equal(JobWorkerStates.Stopping, JobSummary.Of("pageviews", [A, restoring, stopping], Now).State);
        Assert.Equal(JobWorkerStates.Lost, JobSummary.Of("pageviews", [C], Now).State);
    }

    [Fact]
    public void Partitions_are_shown_in_kafkas_assignment_notation()
    {
        Assert.Equal("a(0,2),b(1)", JobsText.Partitions([new("b", 1), new("a", 2), new("a", 0)]));
        Assert.Equal("-", JobsText.Partitions([]));
    }
}
