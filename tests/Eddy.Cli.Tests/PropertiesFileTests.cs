using Eddy.Cli.Configuration;

namespace Eddy.Cli.Tests;

[Trait("Category", "Unit")]
public class PropertiesFileTests
{
    private static Dictionary<string, string> Parse(string text) =>
        PropertiesFile.Parse(text).ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void Server_properties_style_lines()
    {
        var entries = Parse("""
            # The id of the broker.
            node.id=1
              ! another comment
            listeners=PLAINTEXT://0.0.0.0:9092

            log.dirs = /var/lib/eddy
            num.partitions: 3
            delete.topic.enable true
            empty.value=
            """);

        Assert.Equal("1", entries["node.id"]);
        Assert.Equal("PLAINTEXT://0.0.0.0:9092", entries["listeners"]);
        Assert.Equal("/var/lib/eddy", entries["log.dirs"]);
        Assert.Equal("3", entries["num.partitions"]);
        Assert.Equal("true", entries["delete.topic.enable"]);
        Assert.Equal("", entries["empty.value"]);
        Assert.Equal(6, entries.Count);
    }

    [Fact]
    public void Continuations_escapes_and_windows_line_ends()
    {
        var entries = Parse("sasl.jaas.config=org.Module required \\\r\n    username=\"u\" \\\r\n    password=\"p\";\r\npath=C\\:\\\\data\\tx\r\nunicode=\\u00e9\r\n");

        Assert.Equal("org.Module required username=\"u\" password=\"p\";", entries["sasl.jaas.config"]);
        Assert.Equal("C:\\data\tx", entries["path"]);
        Assert.Equal("é", entries["unicode"]);
    }

    [Fact]
    public void Later_duplicates_come_later()
    {
        var entries = PropertiesFile.Parse("a=1\na=2\n");

        Assert.Equal(["1", "2"], entries.Select(e => e.Value));
    }
}
