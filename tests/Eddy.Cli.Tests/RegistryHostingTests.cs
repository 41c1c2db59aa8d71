using System.Text.RegularExpressions;
using Eddy.Cli.Commands;
using Eddy.Cli.Kafka;
using Eddy.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eddy.Cli.Tests;

/// <summary><c>eddy registry</c> and the registry <c>eddy up</c> starts: they print where they listen, serve, and stop on Ctrl-C.</summary>
[Trait("Category", "Compat")]
public partial class RegistryHostingTests
{
    [GeneratedRegex(@"http://127\.0\.0\.1:(\d+)")]
    private static partial Regex Url();

    private static async Task<string> WaitForLinesAsync(StringWriter stdout, Task<int> run, int lines)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (stdout.ToString().Count(c => c == '\n') < lines && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        return stdout.ToString();
    }

    [Fact]
    public async Task Registry_verb_serves_against_a_cluster_and_stops_on_cancellation()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();
        var options = new RegistryCommandOptions { Client = new ClientSettings { Bootstrap = broker.BootstrapServers }, Port = 0, Topic = "_eddy_schemas" };
        var run = RegistryCommand.RunAsync(options, TextWriter.Synchronized(stdout), stderr, stop.Token, NullLoggerFactory.Instance);

        var output = await WaitForLinesAsync(stdout, run, 1);
        Assert.StartsWith("Eddy schema registry listening on http://127.0.0.1:", output, StringComparison.Ordinal);
        Assert.EndsWith($"(kafkastore.bootstrap.servers={broker.BootstrapServers}, kafkastore.topic=_eddy_schemas)\n", output, StringComparison.Ordinal);
        using (var http = new HttpClient { BaseAddress = new Uri(Url().Match(output).Value) })
        {
            Assert.Equal("{}", await http.GetStringAsync("/"));
        }

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Success, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public async Task Registry_verb_reports_a_cluster_it_cannot_use_as_one_error_line()
    {
        await using var broker = await BrokerFixture.StartAsync();
        using (var admin = new Confluent.Kafka.AdminClientBuilder(new Confluent.Kafka.AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "plain", NumPartitions = 1, ReplicationFactor = 1 }]);
        }
        var stderr = new StringWriter();
        var options = new RegistryCommandOptions { Client = new ClientSettings { Bootstrap = broker.BootstrapServers }, Port = 0, Topic = "plain" };
        var exit = await RegistryCommand.RunAsync(options, new StringWriter(), stderr, CancellationToken.None, NullLoggerFactory.Instance);
        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Equal(
            "error: cannot start the schema registry: The retention policy of the schema topic plain is incorrect. Expected cleanup.policy to be 'compact' but it is delete\n",
            stderr.ToString());
    }

    [Fact]
    public async Task Up_starts_the_registry_next_to_the_broker()
    {
        using var data = new TempDirectory("eddy-up-registry");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();
        var options = new UpOptions { DataDir = data.Path, Port = 0, RegistryPort = 0 };
        var run = UpCommand.RunAsync(options, TextWriter.Synchronized(stdout), stderr, [], stop.Token, NullLoggerFactory.Instance);

        var output = await WaitForLinesAsync(stdout, run, 2);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Eddy broker listening on 127.0.0.1:", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^Eddy schema registry listening on http://127\.0\.0\.1:\d+ \(kafkastore\.topic=_schemas\)$", lines[1]);
        using (var http = new HttpClient { BaseAddress = new Uri(Url().Match(lines[1]).Value) })
        {
            using var content = new StringContent("{\"schema\":\"\\\"string\\\"\"}");
            content.Headers.ContentType = new("application/vnd.schemaregistry.v1+json");
            var response = await http.PostAsync("/subjects/greetings-value/versions", content);
            Assert.Equal("{\"id\":1,\"version\":1,\"schema\":\"\\\"string\\\"\"}", await response.Content.ReadAsStringAsync());
        }

        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Success, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public async Task Help_tells_how_to_run_the_registry()
    {
        var upHelp = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["up", "--help"], new CliConsole(TextReader.Null, upHelp, TextWriter.Null), new Dictionary<string, string>()));
        Assert.Contains("--registry-port <n>", upHelp.ToString(), StringComparison.Ordinal);
        Assert.Contains("--no-registry", upHelp.ToString(), StringComparison.Ordinal);

        var registryHelp = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["registry", "--help"], new CliConsole(TextReader.Null, registryHelp, TextWriter.Null), new Dictionary<string, string>()));
        foreach (var option in new[] { "--bootstrap", "--port", "--topic", "--listen" })
        {
            Assert.Contains(option, registryHelp.ToString(), StringComparison.Ordinal);
        }
    }
}
