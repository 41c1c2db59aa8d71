using System.Text.Json;
using System.Text.RegularExpressions;
using Eddy.Testing;

namespace Eddy.Cli.Tests.Deploy;

/// <summary>
/// deploy/prometheus and deploy/grafana: promtool accepts the scrape configuration and the alert rules, every alert
/// has a unit test that makes it fire (and they pass), and every metric the rules and the dashboard query is one
/// docs/metrics.md documents (which the metrics tests hold to what the endpoints expose).
/// </summary>
[Trait("Category", "Unit")]
public partial class DeployConfigurationTests
{
    private static readonly string Prometheus = Path.Combine(RepositoryFiles.Root, "deploy", "prometheus");
    private static readonly string Dashboard = Path.Combine(RepositoryFiles.Root, "deploy", "grafana", "dashboards", "eddy.json");

    [Fact]
    public async Task Promtool_accepts_the_scrape_configuration_and_the_alert_rules()
    {
        var config = await Promtool.RunAsync("check", "config", Path.Combine(Prometheus, "prometheus.yml"));
        Assert.True(config.ExitCode == 0, config.Output);
        Assert.Contains("SUCCESS: 1 rule files found", config.Output);

        var rules = await Promtool.RunAsync("check", "rules", Path.Combine(Prometheus, "alerts.yml"));
        Assert.True(rules.ExitCode == 0, rules.Output);
        Assert.Contains($"SUCCESS: {AlertNames().Count} rules found", rules.Output);
    }

    [Fact]
    public async Task The_alert_rules_unit_tests_pass()
    {
        var test = await Promtool.RunAsync("test", "rules", Path.Combine(Prometheus, "alerts_test.yml"));

        Assert.True(test.ExitCode == 0, test.Output);
        Assert.Contains("SUCCESS", test.Output);
    }

    [Fact]
    public void Every_alert_has_a_unit_test_in_which_it_fires()
    {
        // A test case is "- eval_time: ..., alertname: X, exp_alerts: ..." : it fires when exp_alerts lists an alert.
        var cases = File.ReadAllText(Path.Combine(Prometheus, "alerts_test.yml")).Split("- eval_time:").Skip(1);
        var firing = cases
            .Where(c => c.Contains("- exp_labels:", StringComparison.Ordinal))
            .Select(c => AlertNameInTest().Match(c).Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);

        var untested = AlertNames().Where(name => !firing.Contains(name)).ToList();
        Assert.True(AlertNames().Count >= 10, "too few alerts found in alerts.yml");
        Assert.True(untested.Count == 0, "alerts without a test in which they fire: " + string.Join(", ", untested));
    }

    [Fact]
    public void The_alert_rules_query_only_documented_metrics()
    {
        var rules = File.ReadAllText(Path.Combine(Prometheus, "alerts.yml"));
        var exprs = Expression().Matches(rules).Select(m => m.Groups["expr"].Value).ToList();
        Assert.Equal(AlertNames().Count, exprs.Count);

        AssertDocumented(exprs, "alerts.yml");
    }

    [Fact]
    public void Every_dashboard_query_uses_only_documented_metrics_and_every_panel_has_one()
    {
        var queries = DashboardQueries();
        var panels = JsonDocument.Parse(File.ReadAllText(Dashboard)).RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.GetProperty("type").GetString() != "row").ToList();

        Assert.True(panels.Count >= 15, $"only {panels.Count} panels");
        Assert.All(panels, p => Assert.NotEmpty(p.GetProperty("targets").EnumerateArray()));
        AssertDocumented(queries, "the dashboard");
        // The dashboard covers the broker, the groups' lag and the jobs' workers.
        var used = queries.SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("eddy_group_lag_records", used);
        Assert.Contains("eddy_group_lag_seconds", used);
        Assert.Contains("eddy_worker_end_to_end_latency_seconds", used);
        Assert.Contains("eddy_task_watermark_lag_seconds", used);
        Assert.Contains("eddy_worker_commits_total", used);
        Assert.Contains("eddy_broker_requests_total", used);
    }

    /// <summary>Every panel's PromQL, as written in the dashboard (with Grafana's variables).</summary>
    internal static List<string> DashboardQueries() =>
        JsonDocument.Parse(File.ReadAllText(Dashboard)).RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();

    private static void AssertDocumented(List<string> queries, string where)
    {
        var documented = MetricsDocumentation.All();
        var unknown = queries.SelectMany(MetricNames).Distinct().Where(name => !documented.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unknown.Count == 0, $"{where} queries metrics docs/metrics.md does not document: " + string.Join(", ", unknown));
    }

    /// <summary>The metric families a query reads: a histogram's _bucket, _sum and _count series are its family's.</summary>
    internal static IEnumerable<string> MetricNames(string query) =>
        MetricName().Matches(query).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", ""));

    private static List<string> AlertNames() =>
        AlertName().Matches(File.ReadAllText(Path.Combine(Prometheus, "alerts.yml"))).Select(m => m.Groups["name"].Value).ToList();

    [GeneratedRegex(@"- alert: (?<name>\w+)")]
    private static partial Regex AlertName();

    [GeneratedRegex(@"alertname: (?<name>\w+)")]
    private static partial Regex AlertNameInTest();

    // A one-line expr, or a block scalar (expr: |) up to the next key.
    [GeneratedRegex(@"expr: (\|\n(?<expr>(?:\s{10}.*\n)+)|(?<expr>.*\n))")]
    private static partial Regex Expression();

    [GeneratedRegex(@"\beddy_[a-z_]+")]
    private static partial Regex MetricName();
}
