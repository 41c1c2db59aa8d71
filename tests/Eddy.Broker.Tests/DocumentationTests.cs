using Eddy.Broker.Configuration;
using Eddy.Broker.Network;

namespace Eddy.Broker.Tests;

/// <summary>The docs list what the code accepts and advertises (so neither drifts from the other).</summary>
public class DocumentationTests
{
    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return File.ReadAllText(candidate);
            }
        }
        throw new FileNotFoundException(relative);
    }

    [Fact]
    public void Configuration_doc_lists_every_broker_and_topic_key()
    {
        var doc = RepositoryFile("docs/configuration.md");
        foreach (var definition in BrokerConfigs.Broker.Concat(BrokerConfigs.Topic))
        {
            Assert.Contains($"| `{definition.Name}` |", doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compatibility_doc_lists_every_advertised_api_with_its_versions()
    {
        var doc = RepositoryFile("docs/compatibility.md");
        foreach (var (key, (min, max)) in SupportedApis.Versions)
        {
            Assert.Contains($"| {(short)key} | {key} | {min}–{max} |", doc, StringComparison.Ordinal);
        }
    }
}
