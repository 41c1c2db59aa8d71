using Eddy.Sql.Syntax;

namespace Eddy.Sql.Binding;

/// <summary>Joins and subquery predicates.</summary>
internal sealed partial class QueryBinder
{
    private BoundRelation BindJoin(JoinTable join) => throw BindingErrors.NotSupported(join, "JOIN");

    private BoundRelation BindSubqueryFilter(BoundRelation from, Expression where) =>
        throw BindingErrors.NotSupported(where, "IN / EXISTS subqueries");

    private BoundRelation BindOver(SelectQuery select, BoundRelation from) =>
        throw BindingErrors.NotSupported(select, "OVER windows");
}
