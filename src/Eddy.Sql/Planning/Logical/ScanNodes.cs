using System.Collections.Immutable;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Logical;

/// <summary>Reads a catalog table: its schema is the node's row type.</summary>
internal sealed class TableScanNode(CatalogTable table) : PlanNode(table.SourceFields, [])
{
    public CatalogTable Table { get; } = table;

    public override string LogicalName => "LogicalTableScan";

    protected override IEnumerable<string> Attributes() => ["table=[[" + Table.Name.Replace(".", ", ", StringComparison.Ordinal) + "]]"];

    public override string PhysicalDescription => $"TableSourceScan(table=[[{Table.Name.Replace(".", ", ", StringComparison.Ordinal)}]], fields=[{FieldNames()}])";
}

/// <summary>Constant rows (<c>VALUES (1, 'a'), (2, 'b')</c>).</summary>
internal sealed class ValuesNode : PlanNode
{
    public ValuesNode(ImmutableArray<SqlField> fields, ImmutableArray<ImmutableArray<RexLiteral>> rows)
        : base(fields, [])
    {
        foreach (var row in rows)
        {
            if (row.Length != fields.Length)
                throw new PlanningException($"A VALUES row has {row.Length} values for {fields.Length} columns.");
        }
        Rows = rows;
    }

    public ImmutableArray<ImmutableArray<RexLiteral>> Rows { get; }

    public override string LogicalName => "LogicalValues";

    protected override IEnumerable<string> Attributes() =>
        ["tuples=[[" + string.Join(", ", Rows.Select(r => "{ " + string.Join(", ", r) + " }")) + "]]"];

    public override string PhysicalDescription => $"Values(tuples=[[{string.Join(", ", Rows.Select(r => "{ " + string.Join(", ", r) + " }"))}]])";
}

/// <summary>Computes one expression per output column (<c>SELECT</c>'s list).</summary>
internal sealed class ProjectNode : PlanNode
{
    public ProjectNode(PlanNode input, ImmutableArray<RexNode> projections, ImmutableArray<string> names)
        : base(ProjectedFields(projections, names), [input])
    {
        Projections = projections;
    }

    public PlanNode Input => Inputs[0];

    public ImmutableArray<RexNode> Projections { get; }

    public override string LogicalName => "LogicalProject";

    protected override IEnumerable<string> Attributes()
    {
        for (var i = 0; i < Projections.Length; i++)
            yield return Fields[i].Name + "=[" + Projections[i] + "]";
    }

    public override string PhysicalDescription =>
        $"Calc(select=[{string.Join(", ", Projections.Select((p, i) => Display(p, i)))}])";

    private string Display(RexNode projection, int i)
    {
        var text = WithNames(projection.ToString()!, Input);
        return text == Fields[i].Name ? text : text + " AS " + Fields[i].Name;
    }

    private static ImmutableArray<SqlField> ProjectedFields(ImmutableArray<RexNode> projections, ImmutableArray<string> names)
    {
        if (projections.Length != names.Length)
            throw new ArgumentException($"{projections.Length} projections for {names.Length} names.", nameof(names));
        var fields = ImmutableArray.CreateBuilder<SqlField>(names.Length);
        for (var i = 0; i < names.Length; i++)
            fields.Add(new SqlField(names[i], projections[i].Type));
        return fields.MoveToImmutable();
    }
}

/// <summary>Keeps the rows whose condition is TRUE (<c>WHERE</c>, <c>HAVING</c>): NULL and FALSE drop the row.</summary>
internal sealed class FilterNode : PlanNode
{
    public FilterNode(PlanNode input, RexNode condition)
        : base(input.Fields, [input])
    {
        if (condition.Type.Kind is not (SqlTypeKind.Boolean or SqlTypeKind.Null))
            throw new PlanningException($"A filter condition must be BOOLEAN, not {condition.Type}: {condition}");
        Condition = condition;
    }

    public PlanNode Input => Inputs[0];

    public RexNode Condition { get; }

    public override string LogicalName => "LogicalFilter";

    protected override IEnumerable<string> Attributes() => ["condition=[" + Condition + "]"];

    public override string PhysicalDescription => $"Calc(select=[{FieldNames()}], where=[{WithNames(Condition.ToString()!, Input)}])";
}

/// <summary>UNION ALL of inputs with the same column types (the first input's names).</summary>
internal sealed class UnionNode : PlanNode
{
    public UnionNode(ImmutableArray<PlanNode> inputs)
        : base(inputs[0].Fields, inputs)
    {
        foreach (var input in inputs)
        {
            if (input.Fields.Length != inputs[0].Fields.Length)
                throw new PlanningException($"Set operator cannot combine inputs of {inputs[0].Fields.Length} and {input.Fields.Length} columns.");
            for (var i = 0; i < input.Fields.Length; i++)
            {
                if (input.FieldTypes[i].WithNullability(true) != inputs[0].FieldTypes[i].WithNullability(true))
                    throw new PlanningException($"Set operator cannot combine {inputs[0].FieldTypes[i]} and {input.FieldTypes[i]} in column {i + 1}.");
            }
        }
    }

    public override string LogicalName => "LogicalUnion";

    protected override IEnumerable<string> Attributes() => ["all=[true]"];

    public override string PhysicalDescription => $"Union(all=[true], union=[{FieldNames()}])";
}

/// <summary>Writes its input into a catalog table (<c>INSERT INTO</c>): the root of a statement's plan.</summary>
internal sealed class SinkNode : PlanNode
{
    public SinkNode(PlanNode input, CatalogTable table)
        : base(input.Fields, [input])
    {
        if (input.Fields.Length != table.Schema.Length)
            throw new PlanningException(
                $"Column types of query result and sink for '{table.Name}' do not match. Query schema: [{input.FieldNames()}], sink has {table.Schema.Length} columns.");
        Table = table;
    }

    public PlanNode Input => Inputs[0];

    public CatalogTable Table { get; }

    public override string LogicalName => "LogicalSink";

    protected override IEnumerable<string> Attributes() => ["table=[" + Table.Name + "]", "fields=[" + FieldNames() + "]"];

    public override string PhysicalDescription => $"Sink(table=[{Table.Name}], fields=[{FieldNames()}])";
}
