using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Planning.Translation;

internal sealed partial class JobTranslator
{
    private Translated Union(UnionNode union) => throw NotYet(union);

    private Translated Values(ValuesNode values) => throw NotYet(values);

    private static PlanningException NotYet(PlanNode node) => new($"{node.LogicalName} is not translated to the engine yet: {node.PhysicalDescription}");
}
