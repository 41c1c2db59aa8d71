using System.Collections.Immutable;
using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Binding;

/// <summary>Whether a column is a time attribute, which windows, interval joins and deduplication require.</summary>
internal enum TimeAttribute
{
    /// <summary>An ordinary column.</summary>
    None,
    /// <summary>The event-time attribute: the column of the table's WATERMARK FOR, or a window's window_time.</summary>
    Rowtime,
    /// <summary>The processing-time attribute: a <c>PROCTIME()</c> computed column.</summary>
    Proctime,
}

/// <summary>A column of a relation in scope: the table (alias) that qualifies it, its name, and its time attribute.</summary>
/// <param name="Table">The qualifier (<c>o</c> of <c>orders AS o</c>, or the table's name); null for an unnamed subquery.</param>
/// <param name="Name">The column's name.</param>
/// <param name="Time">Whether it is a time attribute.</param>
/// <param name="Hidden">Whether <c>SELECT *</c> leaves it out (an OVER aggregate's helper columns).</param>
internal sealed record BoundColumn(string? Table, string Name, TimeAttribute Time = TimeAttribute.None, bool Hidden = false);

/// <summary>
/// A bound FROM item or query: the logical plan producing it and, per output column, what names it in scope. Column
/// <c>i</c> of <see cref="Columns"/> is field <c>i</c> of <see cref="Node"/>.
/// </summary>
/// <param name="Node">The plan.</param>
/// <param name="Columns">The columns in scope.</param>
internal sealed record BoundRelation(PlanNode Node, ImmutableArray<BoundColumn> Columns)
{
    /// <summary>
    /// When this relation is a window TVF (<c>TABLE(TUMBLE(...))</c>): the windowed input and the window, so a
    /// <c>GROUP BY window_start, window_end</c> over it becomes one window aggregation.
    /// </summary>
    public WindowedInput? Window { get; init; }

    /// <summary>The relation seen under an alias (and, when given, new column names).</summary>
    public BoundRelation As(string alias, IReadOnlyList<string>? names = null)
    {
        var columns = ImmutableArray.CreateBuilder<BoundColumn>(Columns.Length);
        for (var i = 0; i < Columns.Length; i++)
            columns.Add(Columns[i] with { Table = alias, Name = names is null ? Columns[i].Name : names[i] });
        return this with { Columns = columns.MoveToImmutable() };
    }

    /// <summary>A relation whose columns are named as <paramref name="node"/>'s fields, qualified by <paramref name="table"/>.</summary>
    public static BoundRelation Of(PlanNode node, string? table, IReadOnlyList<TimeAttribute>? times = null)
    {
        var columns = ImmutableArray.CreateBuilder<BoundColumn>(node.Fields.Length);
        for (var i = 0; i < node.Fields.Length; i++)
            columns.Add(new BoundColumn(table, node.Fields[i].Name, times is null ? TimeAttribute.None : times[i]));
        return new BoundRelation(node, columns.MoveToImmutable());
    }
}

/// <summary>A window TVF's input relation and window (the window's time column indexes the input).</summary>
internal sealed record WindowedInput(BoundRelation Input, WindowSpec Spec);
