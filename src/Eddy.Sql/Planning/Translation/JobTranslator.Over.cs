using System.Collections.Immutable;
using Eddy.Engine;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Runtime;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Translation;

internal sealed partial class JobTranslator
{
    /// <summary>
    /// An OVER aggregate: keyed by the partition key and run by the engine's event-time Over (rows wait for the
    /// watermark, then are aggregated in time order; late rows are dropped), whose frame is ROWS or RANGE preceding or
    /// unbounded. The output row is the input row then one column per call, written straight from the accumulator.
    /// </summary>
    private AppendRows OverAggregate(OverAggregateNode over)
    {
        if (Translate(over.Input) is not AppendRows input)
            throw new PlanningException($"StreamPhysicalOverAggregate doesn't support consuming update and delete changes: {over.PhysicalDescription}");
        if (!IsRowtime(over.Input, over.OrderColumn))
            throw new PlanningException($"{over.PhysicalDescription}: OVER windows' ordering in stream mode must be defined on a time attribute.");
        var window = over.RowsPreceding is { } rows
            ? OverWindow.Rows(rows <= int.MaxValue ? (int)rows : throw new PlanningException($"{over.PhysicalDescription}: too many preceding rows."))
            : over.RangePreceding is { } range ? OverWindow.Range(range) : OverWindow.UnboundedRange();
        if (over.RowsPreceding is not null || over.RangePreceding is not null)
            RequireRetract(over.Calls);
        var name = Name("over-aggregate");
        var keyTypes = over.PartitionKeys.Select(k => over.Input.FieldTypes[k]).ToImmutableArray();
        var keyOf = ExpressionCompiler.CompileProjection([.. over.PartitionKeys.Select(k => (RexNode)Rex.Input(k, over.Input.FieldTypes[k]))]);
        var rowsSerde = new BinaryRowSerde(over.Input.FieldTypes);
        var function = new FrameAggregate(new RowAggregateFunction(over.Calls, over.Input.FieldTypes, static _ => Empty, []));
        var types = over.Input.FieldTypes.ToArray();
        var raw = RowConcat.RawColumns(types);
        var arity = over.Fields.Length;
        var results = input.Stream
            .KeyBy((_, row) => keyOf(row), new BinaryRowSerde(keyTypes), rowsSerde, name: name + "-by")
            .Over(window, function, (row, accumulator) =>
            {
                var output = new Row(arity);
                RowConcat.Copy(row, types, raw, output, 0);
                var states = accumulator.States;
                for (var i = 0; i < states.Length; i++)
                    states[i].WriteResult(output, types.Length + i);
                return output;
            }, new BinaryRowSerde(over.FieldTypes), name: name);
        return new AppendRows(results.AsStream());
    }

    private static readonly Row Empty = new(0);

    /// <summary>
    /// The SQL aggregate calls as the engine's OVER function, whose result is the accumulator itself: the output row is
    /// written from its states once, rather than through an intermediate row.
    /// </summary>
    private sealed class FrameAggregate(RowAggregateFunction calls) : IAggregateFunction<Row, AggregateAccumulator, AggregateAccumulator>
    {
        public ISerde<AggregateAccumulator> AccumulatorSerde => calls.AccumulatorSerde;

        public AggregateAccumulator CreateAccumulator() => calls.CreateAccumulator();

        public AggregateAccumulator Add(AggregateAccumulator accumulator, Row value) => calls.Add(accumulator, value);

        public AggregateAccumulator Retract(AggregateAccumulator accumulator, Row value) => calls.Retract(accumulator, value);

        public AggregateAccumulator GetResult(AggregateAccumulator accumulator) => accumulator;
    }
}
