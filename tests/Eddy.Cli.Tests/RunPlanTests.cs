using Eddy.Cli.Commands;
using Eddy.Cli.Run;
using Eddy.Engine;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class RunPlanTests
{
    [Fact]
    public void A_job_that_cannot_run_is_one_error_naming_it_and_the_problem()
    {
        var hosted = new HostedJob(new SinklessJob(), "/jobs/Broken.dll");

        var error = Assert.Throws<CliException>(() => RunCommand.BuildPlan(hosted));

        Assert.Equal(ExitCodes.Failure, error.ExitCode);
        Assert.StartsWith("job sinkless (/jobs/Broken.dll) cannot run: ", error.Message);
        Assert.Contains("no sink", error.Message);
    }

    [Fact]
    public void A_job_whose_definition_throws_is_reported_as_the_jobs_error()
    {
        var hosted = new HostedJob(new ThrowingJob(), "/jobs/Broken.dll");

        var error = Assert.Throws<CliException>(() => RunCommand.BuildPlan(hosted));

        Assert.Equal("job throwing (/jobs/Broken.dll) failed while defining itself: NullReferenceException: no topic", error.Message);
    }

    private sealed class SinklessJob : IJob
    {
        public string Name => "sinkless";

        public void Define(JobBuilder job) =>
            job.Source("in", Serdes.String, Serdes.String)
                .KeyBy((_, v) => v, Serdes.String)
                .Window(Eddy.Engine.Windows.Tumbling(TimeSpan.FromSeconds(1)))
                .Count();
    }

    private sealed class ThrowingJob : IJob
    {
        public string Name => "throwing";

        public void Define(JobBuilder job) => throw new NullReferenceException("no topic");
    }
}
