using System.Collections.Immutable;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Binding;

/// <summary>
/// Resolves identifiers against the columns in scope as Calcite does: <c>a</c> among every column (ambiguous when two
/// tables have it), <c>t.a</c> in table <c>t</c>, and the parts after a column as fields of a ROW
/// (<c>t.a.b</c>, <c>a.b</c>). Names are case-sensitive; a miss says the closest name.
/// </summary>
internal static class ColumnResolver
{
    /// <summary>The index of the column an identifier names, and how many of its parts that took.</summary>
    public static (int Index, int PartsUsed) Resolve(BoundRelation scope, ColumnReference reference)
    {
        var names = reference.Names;
        var columns = scope.Columns;
        if (names.Count >= 2 && HasTable(columns, names[0]))
        {
            var index = Find(columns, names[0], names[1]);
            if (index == -2)
                throw BindingErrors.At(reference, $"Column '{names[1]}' is ambiguous");
            if (index < 0)
            {
                var inTable = columns.Where(c => c.Table == names[0]).Select(c => c.Name);
                throw BindingErrors.At(reference, $"Column '{names[1]}' not found in table '{names[0]}'" + BindingErrors.Suggestion(names[1], inTable));
            }
            return (index, 2);
        }
        var unqualified = Find(columns, null, names[0]);
        if (unqualified == -2)
            throw BindingErrors.At(reference, $"Column '{names[0]}' is ambiguous");
        if (unqualified >= 0)
            return (unqualified, 1);
        if (names.Count >= 2)
            throw BindingErrors.At(reference, $"Table '{names[0]}' not found" + BindingErrors.Suggestion(names[0], columns.Select(c => c.Table).OfType<string>().Distinct()));
        throw BindingErrors.At(reference, $"Column '{names[0]}' not found in any table" + BindingErrors.Suggestion(names[0], columns.Select(c => c.Name)));
    }

    /// <summary>The expression an identifier names: the column, then a field access per remaining part.</summary>
    public static RexNode Bind(BoundRelation scope, ColumnReference reference)
    {
        var (index, used) = Resolve(scope, reference);
        RexNode result = Rex.Input(index, scope.Node.FieldTypes[index]);
        for (var i = used; i < reference.Names.Count; i++)
        {
            var target = result;
            var field = reference.Names[i];
            result = BindingErrors.Positioned(reference, () => Rex.Field(target, field));
        }
        return result;
    }

    private static bool HasTable(ImmutableArray<BoundColumn> columns, string table)
    {
        foreach (var column in columns)
        {
            if (column.Table == table)
                return true;
        }
        return false;
    }

    /// <summary>The column's index, -1 when none matches, -2 when several do.</summary>
    private static int Find(ImmutableArray<BoundColumn> columns, string? table, string name)
    {
        var found = -1;
        for (var i = 0; i < columns.Length; i++)
        {
            if (columns[i].Name != name || (table is not null && columns[i].Table != table))
                continue;
            if (found >= 0)
                return -2;
            found = i;
        }
        return found;
    }
}
