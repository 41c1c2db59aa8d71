using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Translation;

internal sealed partial class JobTranslator
{
    /// <summary>
    /// LATERAL TABLE(f(args)): a flat map over the input's rows. The arguments are one compiled projection, the
    /// function's Eval is bound once, and each collected row becomes the input row's columns then the function's; a LEFT
    /// correlate emits the input row padded with NULLs when the function collects nothing.
    /// </summary>
    private AppendRows Correlate(CorrelateNode correlate)
    {
        if (Translate(correlate.Input) is not AppendRows input)
            throw new PlanningException($"StreamPhysicalCorrelate doesn't support consuming update and delete changes: {correlate.PhysicalDescription}");
        var arguments = ExpressionCompiler.CompileProjection(correlate.Arguments);
        var runner = correlate.Function.Runner;
        var types = correlate.Input.FieldTypes.ToArray();
        var raw = RowConcat.RawColumns(types);
        var width = types.Length;
        var arity = correlate.Fields.Length;
        void CopyInput(Row from, Row into) => RowConcat.Copy(from, types, raw, into, 0);
        var left = correlate.Left;
        var results = input.Stream.FlatMap<Row, Row>((key, row) =>
        {
            var output = new List<Row>();
            runner.Run(arguments(row), row, width, CopyInput, output);
            if (output.Count == 0 && left)
            {
                var padded = new Row(arity);
                CopyInput(row, padded);
                output.Add(padded);
            }
            var pairs = new (Row, Row)[output.Count];
            for (var i = 0; i < pairs.Length; i++)
                pairs[i] = (key, output[i]);
            return pairs;
        }, valueSerde: new BinaryRowSerde(correlate.FieldTypes), name: Name("correlate"));
        return new AppendRows(results);
    }
}
