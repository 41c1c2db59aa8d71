using Eddy.Engine;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Types;

namespace Eddy.Sql.Planning.Translation;

internal sealed partial class JobTranslator
{
    private static readonly Row NoKey = new(0);

    /// <summary>
    /// UNION ALL: the inputs' streams merged by the engine's Union. Insert-only inputs stay a stream of inserts; when an
    /// input updates, every input's changes are merged (update-befores and deletes keep their kinds) under one empty key,
    /// a changelog without a unique key (the inputs' keys differ in type).
    /// </summary>
    private Translated Union(UnionNode union)
    {
        var inputs = new Translated[union.Inputs.Length];
        var appendOnly = true;
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = Translate(union.Inputs[i]);
            appendOnly &= inputs[i] is AppendRows;
        }
        var name = Name("union");
        var values = new BinaryRowSerde(union.FieldTypes);
        var keySerde = new BinaryRowSerde([]);
        Stream<Row, Row>? merged = null;
        for (var i = 0; i < inputs.Length; i++)
        {
            var stream = inputs[i] switch
            {
                AppendRows append when appendOnly => append.Stream,
                AppendRows append => append.Stream.Map(static (_, row) => (NoKey, row), keySerde, values, name: $"{name}-input{i}"),
                UpdatingRows updating => updating.Table.ToStream().Map(static (_, row) => (NoKey, row), keySerde, values, name: $"{name}-input{i}"),
                _ => throw new PlanningException("Unknown translation."),
            };
            merged = merged is null ? stream : merged.Union(stream, name: $"{name}-{i}");
        }
        return appendOnly
            ? new AppendRows(merged!)
            : new UpdatingRows(new Table<Row, Row>(_job, merged!.Node, keySerde, values), [], null);
    }

    /// <summary>VALUES: refused, as the engine's sources are topics and it has no bounded source of constant rows.</summary>
    private static Translated Values(ValuesNode values) =>
        throw new PlanningException(
            $"{values.LogicalName} is not translated to the engine: the engine has no bounded source of constant rows (its sources are topics): {values.PhysicalDescription}");
}
