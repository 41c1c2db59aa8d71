using System.Text;
using Eddy.Engine.Plan;
using Eddy.Sql.Planning.Changelog;
using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Session;

/// <summary>
/// EXPLAIN's text in Flink's layout: <c>== Abstract Syntax Tree ==</c> (the logical plan as the binder built it),
/// <c>== Optimized Physical Plan ==</c> (the physical operators; with <c>EXPLAIN CHANGELOG_MODE</c> each one's
/// <c>changelogMode=[I,UB,UA,D]</c>), then Eddy's own section, <c>== Eddy Job Plan ==</c>: the engine job the
/// statement runs as (stages, operators, state stores, repartition topics), as <c>eddy run --plan</c> prints it.
/// </summary>
/// <remarks>Eddy does not optimize the logical plan (no rule-based rewrites), so the physical plan has the logical plan's shape.</remarks>
internal static class PlanExplainer
{
    public static string Explain(IReadOnlyList<PlanNode> roots, bool changelogMode, JobPlan job)
    {
        var text = new StringBuilder();
        text.Append("== Abstract Syntax Tree ==\n");
        foreach (var root in roots)
            text.Append(root.Explain());
        text.Append("\n== Optimized Physical Plan ==\n");
        foreach (var root in roots)
        {
            var inference = changelogMode ? ChangelogInference.Analyze(root) : null;
            AppendPhysical(text, root, "", "", inference);
        }
        text.Append("\n== Eddy Job Plan ==\n");
        text.Append(job.ToString().TrimEnd('\n')).Append('\n');
        return text.ToString();
    }

    private static void AppendPhysical(StringBuilder text, PlanNode node, string prefix, string childPrefix, ChangelogInference? inference)
    {
        var description = node.PhysicalDescription;
        if (inference is not null)
        {
            var mode = ", changelogMode=" + inference[node].Mode;
            description = description.EndsWith(')') ? description[..^1] + mode + ")" : description + "(" + mode[2..] + ")";
        }
        text.Append(prefix).Append(description).Append('\n');
        for (var i = 0; i < node.Inputs.Length; i++)
        {
            var last = i == node.Inputs.Length - 1;
            AppendPhysical(text, node.Inputs[i], childPrefix + (last ? "+- " : ":- "), childPrefix + (last ? "   " : ":  "), inference);
        }
    }
}
