using System.Buffers;
using Eddy.Engine.Plan;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>Adds the operator that turns upserts into a table's changelog (topic tables and <c>ToTable</c>).</summary>
internal static class ChangelogNormalize
{
    public const string RowsState = "rows";

    public static NodeDefinition Add<TKey, TValue>(JobBuilder job, NodeDefinition input, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde,
        string name, string generatedPrefix) =>
        job.Add(name, generatedPrefix, OperatorKind.ToTable, [input], n => new NodeDefinition(n.Id, n.Name, n.Kind, n.Parents)
        {
            StateNames = [RowsState],
            Factory = () => new ChangelogNormalizeOperator<TKey, TValue>(keySerde!, valueSerde!),
            Error = JobBuilder.MissingSerde(keySerde, valueSerde, "table"),
        });
}

/// <summary>
/// Materializes upserts into a table's changelog, as Flink's ChangelogNormalize: the current row per key is kept as
/// bytes (key bytes → value bytes), so a change can retract the row it replaces. An insert or update-after is an
/// upsert (a null value deletes), a delete removes the key, an update-before is ignored (its update-after follows).
/// Rows whose bytes equal the current row's emit nothing.
/// </summary>
internal sealed class ChangelogNormalizeOperator<TKey, TValue>(ISerde<TKey> keySerde, ISerde<TValue> valueSerde) : Operator
{
    // Reused per record: every table source runs this, so its per-record path allocates no key or row arrays of its own.
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _row = new();
    private IKeyValueStore _rows = null!;

    protected override void Open() => _rows = Store(ChangelogNormalize.RowsState);

    public override void Process(in Element element)
    {
        if (element.Kind == RowKind.UpdateBefore)
        {
            return;
        }

        _key.ResetWrittenCount();
        keySerde.Serialize((TKey)element.Key!, _key);
        var keyBytes = _key.WrittenSpan;
        var previous = _rows.Get(keyBytes);
        if (element.Kind == RowKind.Delete || element.Value is null)
        {
            if (previous is not null)
            {
                _rows.Delete(keyBytes);
                Emit(new Element(element.Key, valueSerde.Deserialize(previous), element.Timestamp, RowKind.Delete));
            }

            return;
        }

        _row.ResetWrittenCount();
        valueSerde.Serialize((TValue)element.Value, _row);
        var bytes = _row.WrittenSpan;
        if (previous is null)
        {
            _rows.Put(keyBytes, bytes);
            Emit(new Element(element.Key, element.Value, element.Timestamp, RowKind.Insert));
        }
        else if (!previous.AsSpan().SequenceEqual(bytes))
        {
            _rows.Put(keyBytes, bytes);
            Emit(new Element(element.Key, valueSerde.Deserialize(previous), element.Timestamp, RowKind.UpdateBefore));
            Emit(new Element(element.Key, element.Value, element.Timestamp, RowKind.UpdateAfter));
        }
    }
}
