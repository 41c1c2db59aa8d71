using Eddy.Cli.Commands;
using Eddy.Cli.Output;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class VerbOptionsTests
{
    [Fact]
    public void Produce_flags_override_only_when_given()
    {
        Assert.Empty(ProduceCommand.ProducerOverrides(new ProduceOptions { Topic = "t" }));

        var overrides = ProduceCommand.ProducerOverrides(new ProduceOptions { Topic = "t", Acks = "0", Compression = "zstd", LingerMs = 50 });

        Assert.Equal(new Dictionary<string, string> { ["acks"] = "0", ["compression.type"] = "zstd", ["linger.ms"] = "50" }, overrides);
    }

    [Theory]
    [InlineData("2", null, null)]
    [InlineData(null, "brotli", null)]
    [InlineData(null, null, -1)]
    public void Bad_produce_flags_are_usage_errors(string? acks, string? compression, int? linger)
    {
        var options = new ProduceOptions { Topic = "t", Acks = acks, Compression = compression, LingerMs = linger };

        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => ProduceCommand.ProducerOverrides(options)).ExitCode);
    }

    [Fact]
    public void Consume_without_a_group_never_commits()
    {
        var overrides = ConsumeCommand.ConsumerOverrides(new ConsumeOptions { Topic = "t", ExitAtEnd = true, IsolationLevel = "read_uncommitted" });

        Assert.Equal("false", overrides["enable.auto.commit"]);
        Assert.Equal("true", overrides["enable.partition.eof"]);
        Assert.Equal("latest", overrides["auto.offset.reset"]);
        Assert.Equal("read_uncommitted", overrides["isolation.level"]);
    }

    [Fact]
    public void Consume_with_a_group_uses_it()
    {
        var overrides = ConsumeCommand.ConsumerOverrides(new ConsumeOptions { Topic = "t", Group = "billing" });

        Assert.Equal("billing", overrides["group.id"]);
        Assert.False(overrides.ContainsKey("enable.auto.commit"));
        Assert.Equal("false", overrides["enable.partition.eof"]);
    }

    [Fact]
    public void The_output_options_choose_the_formatter()
    {
        Assert.IsType<KcatFormat>(ConsumeCommand.CreateFormatter(new ConsumeOptions { Topic = "t" }));
        Assert.IsType<KcatFormat>(ConsumeCommand.CreateFormatter(new ConsumeOptions { Topic = "t", Format = "%k=%s\\n" }));
        Assert.IsType<ConsoleConsumerFormatter>(ConsumeCommand.CreateFormatter(new ConsumeOptions { Topic = "t", PrintKey = true }));
        var json = ConsumeCommand.CreateFormatter(new ConsumeOptions { Topic = "t", Output = OutputFormat.Json });
        Assert.IsType<KcatJsonFormatter>(json);
        ((IDisposable)json).Dispose();
    }

    [Fact]
    public void Print_options_render_like_kafka_console_consumer_with_an_escaped_separator()
    {
        var formatter = ConsumeCommand.CreateFormatter(new ConsumeOptions { Topic = "t", PrintKey = true, PrintOffset = true, KeySeparator = "\\t" });

        Assert.Equal("Offset:42\tk1\tv1\n", TestRecords.Render(formatter, TestRecords.Record()));
    }

    [Fact]
    public void Format_and_print_options_conflict()
    {
        Assert.Equal(ExitCodes.Usage, Assert.Throws<CliException>(() => ConsumeCommand.CreateFormatter(new ConsumeOptions { Topic = "t", Format = "%s", PrintKey = true })).ExitCode);
    }
}
