using System.Buffers;
using System.Buffers.Binary;
using Eddy.Engine.Records;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>The state names of a COUNT DISTINCT.</summary>
internal static class CountDistinctStates
{
    /// <summary>[length][key][value bytes] → occurrences of the value (8 bytes, big-endian).</summary>
    public const string ValuesState = "values";

    /// <summary>[key bytes] → the key's number of distinct values (8 bytes, big-endian); absent when zero.</summary>
    public const string CountsState = "counts";
}

/// <summary>
/// COUNT DISTINCT per key over a changelog. Each distinct value of a key has its own state entry counting its
/// occurrences, so adding a value never rewrites the key's other values (a key with millions of them costs the same
/// per record as one with a few); the key's count of distinct values is a second entry. The count changes only when a
/// value's occurrences go from 0 to 1 or from 1 to 0, and each change is emitted as an updating aggregate's row.
/// </summary>
internal sealed class CountDistinctOperator<TKey, TValue, TDistinct>(Func<TValue, TDistinct> selector, ISerde<TKey> keySerde,
    ISerde<TDistinct> distinctSerde) : Operator
{
    // Reused per record: the key's bytes, the value's state key, and the 8-byte counts written back.
    private readonly ArrayBufferWriter<byte> _key = new();
    private readonly ArrayBufferWriter<byte> _valueKey = new();
    private readonly byte[] _number = new byte[8];
    private IKeyValueStore _values = null!;
    private IKeyValueStore _counts = null!;

    protected override void Open()
    {
        _values = Store(CountDistinctStates.ValuesState);
        _counts = Store(CountDistinctStates.CountsState);
    }

    public override void Process(in Element element)
    {
        var distinct = selector((TValue)element.Value!);
        if (distinct is null)
        {
            // As SQL's COUNT(DISTINCT x): a null is no value.
            return;
        }

        var adds = element.Kind is RowKind.Insert or RowKind.UpdateAfter;
        _key.ResetWrittenCount();
        keySerde.Serialize((TKey)element.Key!, _key);
        var keyBytes = _key.WrittenSpan;

        // [length][key][value bytes]: length-prefixed, so one key's values never mix with another's.
        _valueKey.ResetWrittenCount();
        BinaryPrimitives.WriteInt32BigEndian(_valueKey.GetSpan(4), keyBytes.Length);
        _valueKey.Advance(4);
        _valueKey.Write(keyBytes);
        distinctSerde.Serialize(distinct, _valueKey);
        var valueKey = _valueKey.WrittenSpan;

        var occurrences = ReadNumber(_values.Get(valueKey));
        if (adds)
        {
            WriteNumber(_values, valueKey, occurrences + 1);
            if (occurrences > 0)
            {
                return;
            }
        }
        else
        {
            if (occurrences == 0)
            {
                // A retraction of a value this key does not hold (its insert was filtered out upstream, say): nothing to take back.
                return;
            }

            if (occurrences > 1)
            {
                WriteNumber(_values, valueKey, occurrences - 1);
                return;
            }

            _values.Delete(valueKey);
        }

        var count = ReadNumber(_counts.Get(keyBytes));
        var updated = adds ? count + 1 : count - 1;
        if (updated == 0)
        {
            _counts.Delete(keyBytes);
            Emit(new Element(element.Key, count, element.Timestamp, RowKind.Delete));
            return;
        }

        WriteNumber(_counts, keyBytes, updated);
        if (count == 0)
        {
            Emit(new Element(element.Key, updated, element.Timestamp, RowKind.Insert));
        }
        else
        {
            Emit(new Element(element.Key, count, element.Timestamp, RowKind.UpdateBefore));
            Emit(new Element(element.Key, updated, element.Timestamp, RowKind.UpdateAfter));
        }
    }

    private static long ReadNumber(byte[]? bytes) => bytes is null ? 0 : BinaryPrimitives.ReadInt64BigEndian(bytes);

    private void WriteNumber(IKeyValueStore store, ReadOnlySpan<byte> key, long number)
    {
        BinaryPrimitives.WriteInt64BigEndian(_number, number);
        store.Put(key, _number);
    }
}
