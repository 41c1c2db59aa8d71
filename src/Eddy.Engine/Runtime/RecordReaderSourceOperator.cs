using Eddy.Engine.Records;

namespace Eddy.Engine.Runtime;

/// <summary>
/// Reads a source topic through a <see cref="RecordReader{TKey, TValue}"/>, which sees the record's topic, partition,
/// offset and timestamp besides its bytes. The record is passed by reference: reading it allocates nothing.
/// </summary>
internal sealed class RecordReaderSourceOperator<TKey, TValue>(string topic, RecordReader<TKey, TValue> reader, Func<TKey, TValue, long, long>? timestampOf)
    : Operator, IRecordSource
{
    public bool TryIngest(in InputRecord record, out long timestamp, out Exception? error)
    {
        TKey key;
        TValue value;
        try
        {
            // Only reading the record is guarded: bad bytes are the input's fault, a failing user function is the job's.
            reader(new ConsumedRecord(topic, Task.Partition, record.Offset, record.Timestamp, record.Key, record.Value), out key, out value);
            timestamp = timestampOf?.Invoke(key, value, record.Timestamp) ?? record.Timestamp;
        }
        catch (Exception e) when (e is not TransientSerdeException)
        {
            timestamp = 0;
            error = e;
            return false;
        }

        error = null;
        Emit(new Element(key, value, timestamp, RowKind.Insert));
        return true;
    }

    public override void Process(in Element element) => Emit(element);
}
