using System.Collections.Immutable;
using System.Globalization;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Logical;

/// <summary>A sort key of ORDER BY: a column, its direction and where NULLs go.</summary>
internal sealed record SortKey(int Column, bool Descending = false, bool NullsFirst = false)
{
    public string Display(PlanNode input) => input.Fields[Column].Name + (Descending ? " DESC" : " ASC");
}

/// <summary>The ranking function of a Top-N: ties get consecutive numbers, share a rank with gaps after, or share one without gaps.</summary>
internal enum RankFunction
{
    /// <summary>ROW_NUMBER(): 1, 2, 3, 4 over ties (ties by arrival).</summary>
    RowNumber,
    /// <summary>RANK(): 1, 2, 2, 4.</summary>
    Rank,
    /// <summary>DENSE_RANK(): 1, 2, 2, 3.</summary>
    DenseRank,
}

/// <summary>
/// Top-N per partition (<c>ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) AS rn ... WHERE rn &lt;= N</c>), with or
/// without the rank number as a column; RANK() and DENSE_RANK() keep every row whose rank is in range, so ties at the
/// end may keep more than N rows. Deduplication is its special case: N = 1 ordered by the time attribute
/// (ascending keeps the first row, descending the last).
/// </summary>
internal sealed class RankNode : PlanNode
{
    public RankNode(PlanNode input, ImmutableArray<int> partitionKeys, ImmutableArray<SortKey> orderKeys, long rankStart, long rankEnd,
        bool outputRankNumber, string rankName = "w0$o0", bool orderedByTimeAttribute = true, RankFunction function = RankFunction.RowNumber)
        : base(outputRankNumber ? input.Fields.Add(new SqlField(rankName, SqlType.BigInt.NotNull())) : input.Fields, [input])
    {
        if (rankStart < 1 || rankEnd < rankStart)
            throw new PlanningException($"Rank range [{rankStart}, {rankEnd}] is invalid: ranks start at 1.");
        if (orderKeys.IsEmpty)
            throw new PlanningException("A rank function needs an ORDER BY.");
        PartitionKeys = partitionKeys;
        OrderKeys = orderKeys;
        RankStart = rankStart;
        RankEnd = rankEnd;
        OutputRankNumber = outputRankNumber;
        OrderedByTimeAttribute = orderedByTimeAttribute;
        Function = function;
    }

    /// <summary>ROW_NUMBER, RANK or DENSE_RANK.</summary>
    public RankFunction Function { get; }

    /// <summary>The function as Flink's plans name it.</summary>
    public string RankType => Function switch
    {
        RankFunction.Rank => "RANK",
        RankFunction.DenseRank => "DENSE_RANK",
        _ => "ROW_NUMBER",
    };

    /// <summary>
    /// Whether the single order key is a time attribute (the binder knows; a TIMESTAMP column that is not one makes a
    /// Top-1, not a deduplication, as in Flink).
    /// </summary>
    public bool OrderedByTimeAttribute { get; }

    public PlanNode Input => Inputs[0];

    public ImmutableArray<int> PartitionKeys { get; }

    public ImmutableArray<SortKey> OrderKeys { get; }

    public long RankStart { get; }

    public long RankEnd { get; }

    public bool OutputRankNumber { get; }

    /// <summary>
    /// Deduplication: the first or last row per partition by the time attribute (Flink's Deduplicate), rather than a
    /// general Top-N.
    /// </summary>
    public bool IsDeduplication =>
        Function == RankFunction.RowNumber && RankStart == 1 && RankEnd == 1 && !OutputRankNumber && OrderKeys.Length == 1 && OrderedByTimeAttribute
        && Input.FieldTypes[OrderKeys[0].Column].Kind is SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz;

    /// <summary>Deduplication keeping the first row (ascending time): an insert-only result.</summary>
    public bool KeepsFirstRow => IsDeduplication && !OrderKeys[0].Descending;

    public override string LogicalName => "LogicalRank";

    private string Range => $"rankStart={RankStart.ToString(CultureInfo.InvariantCulture)}, rankEnd={RankEnd.ToString(CultureInfo.InvariantCulture)}";

    protected override IEnumerable<string> Attributes() =>
    [
        "rankType=[" + RankType + "]", "rankRange=[" + Range + "]", "partitionBy=[" + string.Join(", ", PartitionKeys.Select(k => "$" + k)) + "]",
        "orderBy=[" + string.Join(", ", OrderKeys.Select(k => "$" + k.Column + (k.Descending ? " DESC" : " ASC"))) + "]",
        "select=[" + FieldNames() + "]",
    ];

    public override string PhysicalDescription => IsDeduplication
        ? $"Deduplicate(keep=[{(KeepsFirstRow ? "FirstRow" : "LastRow")}], key=[{Input.FieldNames(PartitionKeys)}], order=[ROWTIME])"
        : $"Rank(strategy=[AppendFastStrategy], rankType=[{RankType}], rankRange=[{Range}], partitionBy=[{Input.FieldNames(PartitionKeys)}], orderBy=[{string.Join(", ", OrderKeys.Select(k => k.Display(Input)))}], select=[{FieldNames()}])";
}
