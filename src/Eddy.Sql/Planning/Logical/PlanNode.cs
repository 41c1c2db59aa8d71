using System.Collections.Immutable;
using System.Text;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Logical;

/// <summary>
/// A node of the logical plan: a relational operator with its output row type (field names and <see cref="SqlType"/>s)
/// and its inputs. The binder builds these from the AST; the changelog inference and the engine translator read them.
/// Nodes are immutable. <see cref="Explain"/> prints the tree as Flink's EXPLAIN prints its logical plan.
/// </summary>
internal abstract class PlanNode
{
    protected PlanNode(ImmutableArray<SqlField> fields, ImmutableArray<PlanNode> inputs)
    {
        Fields = fields;
        Inputs = inputs;
        var types = new SqlType[fields.Length];
        for (var i = 0; i < types.Length; i++)
            types[i] = fields[i].Type;
        FieldTypes = types;
    }

    /// <summary>The output row type: one field per column, in order.</summary>
    public ImmutableArray<SqlField> Fields { get; }

    /// <summary>The output column types, in order (the types a <see cref="Row"/> of this node holds).</summary>
    public IReadOnlyList<SqlType> FieldTypes { get; }

    public ImmutableArray<PlanNode> Inputs { get; }

    /// <summary>The node's name in a logical plan (<c>LogicalProject</c>).</summary>
    public abstract string LogicalName { get; }

    /// <summary>The attributes printed between the parentheses (<c>group=[{0}]</c>, ...).</summary>
    protected abstract IEnumerable<string> Attributes();

    /// <summary>
    /// The physical operator's name and attributes with field names, as Flink names the node in its errors
    /// (<c>GroupAggregate(groupBy=[a], select=[a, COUNT(*) AS cnt])</c>).
    /// </summary>
    public abstract string PhysicalDescription { get; }

    /// <summary>The node alone: <c>LogicalName(attributes)</c>.</summary>
    public string Describe() => LogicalName + "(" + string.Join(", ", Attributes()) + ")";

    public override string ToString() => Describe();

    /// <summary>
    /// The plan from this node down, one node per line, children indented under <c>+- </c> (last) and <c>:- </c>;
    /// <paramref name="annotate"/> adds attributes to each node (<c>, changelogMode=[I]</c>).
    /// </summary>
    public string Explain(Func<PlanNode, string>? annotate = null)
    {
        var text = new StringBuilder();
        Append(text, "", "", annotate);
        return text.ToString();
    }

    private void Append(StringBuilder text, string prefix, string childPrefix, Func<PlanNode, string>? annotate)
    {
        var description = Describe();
        // An annotation goes inside the parentheses, as Flink prints changelogMode=[...] among a node's attributes.
        text.Append(prefix).Append(annotate is null ? description : description[..^1] + annotate(this) + ")");
        text.Append('\n');
        for (var i = 0; i < Inputs.Length; i++)
        {
            var last = i == Inputs.Length - 1;
            Inputs[i].Append(text, childPrefix + (last ? "+- " : ":- "), childPrefix + (last ? "   " : ":  "), annotate);
        }
    }

    /// <summary>The field names, as printed in <c>fields=[a, b]</c> and physical descriptions.</summary>
    public string FieldNames(IEnumerable<int>? indices = null)
    {
        var names = new List<string>();
        foreach (var i in indices ?? Enumerable.Range(0, Fields.Length))
            names.Add(Fields[i].Name);
        return string.Join(", ", names);
    }

    /// <summary>Flink's display of an expression with its input's field names instead of <c>$n</c> (physical plans do).</summary>
    internal static string WithNames(string expression, PlanNode input)
    {
        // Replace $n from the highest index down so that $1 does not clobber $10.
        for (var i = input.Fields.Length - 1; i >= 0; i--)
            expression = expression.Replace("$" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), input.Fields[i].Name, StringComparison.Ordinal);
        return expression;
    }

    internal static ImmutableArray<SqlField> Concat(ImmutableArray<SqlField> a, ImmutableArray<SqlField> b) => a.AddRange(b);
}
