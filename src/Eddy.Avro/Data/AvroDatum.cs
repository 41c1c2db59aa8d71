using System.Collections;

namespace Eddy.Avro;

/// <summary>Operations on values of the generic data model (see <see cref="GenericRecord"/>).</summary>
public static class AvroDatum
{
    /// <summary>
    /// Structural equality: records field by field, bytes by content, lists element-wise, maps by key. Numbers
    /// compare by value and type, except that float and double NaN equal themselves.
    /// </summary>
    public static bool DeepEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        switch (a)
        {
            case null:
                return false;
            case GenericRecord ra:
                if (b is not GenericRecord rb || ra.Schema.FullName != rb.Schema.FullName || ra.FieldCount != rb.FieldCount)
                {
                    return false;
                }

                for (var i = 0; i < ra.FieldCount; i++)
                {
                    if (!DeepEquals(ra[i], rb[i]))
                    {
                        return false;
                    }
                }

                return true;
            case byte[] bytesA:
                return b is byte[] bytesB && bytesA.AsSpan().SequenceEqual(bytesB);
            case string:
                return a.Equals(b);
            case IDictionary mapA:
                if (b is not IDictionary mapB || mapA.Count != mapB.Count)
                {
                    return false;
                }

                foreach (DictionaryEntry entry in mapA)
                {
                    if (!mapB.Contains(entry.Key) || !DeepEquals(entry.Value, mapB[entry.Key]))
                    {
                        return false;
                    }
                }

                return true;
            case IList listA:
                if (b is not IList listB || listA.Count != listB.Count)
                {
                    return false;
                }

                for (var i = 0; i < listA.Count; i++)
                {
                    if (!DeepEquals(listA[i], listB[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return a.Equals(b);
        }
    }

    /// <summary>A copy sharing nothing mutable with <paramref name="value"/> (immutable values are returned as they are).</summary>
    public static object? DeepCopy(object? value)
    {
        switch (value)
        {
            case GenericRecord record:
                var copy = new GenericRecord(record.Schema);
                for (var i = 0; i < record.FieldCount; i++)
                {
                    copy[i] = DeepCopy(record[i]);
                }

                return copy;
            case byte[] bytes:
                return bytes.Clone();
            case GenericFixed fixedValue:
                return new GenericFixed(fixedValue.Schema, (byte[])fixedValue.Value.Clone());
            case Dictionary<string, object?> map:
                var mapCopy = new Dictionary<string, object?>(map.Count, StringComparer.Ordinal);
                foreach (var entry in map)
                {
                    mapCopy[entry.Key] = DeepCopy(entry.Value);
                }

                return mapCopy;
            case List<object?> list:
                var listCopy = new List<object?>(list.Count);
                foreach (var item in list)
                {
                    listCopy.Add(DeepCopy(item));
                }

                return listCopy;
            default:
                return value;
        }
    }

    /// <summary>Whether a value can be shared between records without copying.</summary>
    internal static bool IsImmutable(object? value) =>
        value is null or bool or int or long or float or double or string or GenericEnum;
}
