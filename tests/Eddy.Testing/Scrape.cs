using System.Globalization;
using System.Text.RegularExpressions;

namespace Eddy.Testing;

/// <summary>One scrape of a Prometheus endpoint, parsed: the families (by their TYPE lines) and every sample.</summary>
public sealed partial class Scrape
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private Scrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (TypeLine().Match(line) is { Success: true } type)
            {
                Families[type.Groups["name"].Value] = type.Groups["type"].Value;
            }
            else if (SampleLine().Match(line) is { Success: true } sample)
            {
                var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (Match label in LabelPair().Matches(sample.Groups["labels"].Value))
                {
                    labels[label.Groups["key"].Value] = label.Groups["value"].Value;
                }
                Samples.Add((sample.Groups["name"].Value, labels, double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture)));
            }
        }
    }

    public string Text { get; }

    /// <summary>Family name → type (counter, gauge, histogram), from the <c># TYPE</c> lines.</summary>
    public Dictionary<string, string> Families { get; } = new(StringComparer.Ordinal);

    public List<(string Name, SortedDictionary<string, string> Labels, double Value)> Samples { get; } = [];

    public static async Task<Scrape> FromAsync(Uri url) => new(await Http.GetStringAsync(url));

    /// <summary>Parses exposition text already read.</summary>
    public static Scrape Parse(string text) => new(text);

    /// <summary>
    /// Runs <c>promtool check metrics</c> (Debian's prometheus package; .ci/run installs it) on the scrape; returns its
    /// exit code and everything it printed (nothing when the exposition is clean).
    /// </summary>
    public async Task<(int ExitCode, string Output)> PromtoolCheckAsync()
    {
        var info = new System.Diagnostics.ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var promtool = System.Diagnostics.Process.Start(info)!;
        await promtool.StandardInput.WriteAsync(Text);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        return (promtool.ExitCode, output.Trim());
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include <paramref name="labels"/>, or null.</summary>
    public double? Value(string name, params (string Key, string Value)[] labels)
    {
        var matches = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        if (matches.Count > 1)
        {
            throw new InvalidOperationException($"{matches.Count} samples of {name} match");
        }
        return matches.Count == 1 ? matches[0].Value : null;
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels include <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>\w+)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)( \d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
