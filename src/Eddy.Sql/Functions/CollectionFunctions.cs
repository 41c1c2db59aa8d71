namespace Eddy.Sql.Functions;

/// <summary>
/// Flink's collection functions over the CLR convention of ARRAY (<see cref="object"/>?[]) and MAP/MULTISET
/// (<see cref="Dictionary{TKey,TValue}"/>): CARDINALITY, ELEMENT, item access, ARRAY_CONTAINS, MAP_KEYS, MAP_VALUES,
/// ARRAY_DISTINCT, and the ARRAY[…] and MAP[…] value constructors.
/// </summary>
internal static class CollectionFunctions
{
    public static int Cardinality(object?[] array) => array.Length;

    /// <summary>CARDINALITY of a MAP is its entries; of a MULTISET, the sum of its counts (use <see cref="MultisetCardinality"/>).</summary>
    public static int Cardinality(Dictionary<object, object?> map) => map.Count;

    public static int MultisetCardinality(Dictionary<object, object?> multiset)
    {
        var total = 0;
        foreach (var count in multiset.Values)
            total += count is int n ? n : 1;
        return total;
    }

    /// <summary>ELEMENT(array): the only element; NULL for an empty array; an error for more than one.</summary>
    public static object? Element(object?[] array) => array.Length switch
    {
        0 => null,
        1 => array[0],
        _ => throw new SqlFunctionException("Array has more than one element."),
    };

    /// <summary>array[index]: 1-based; NULL when out of range.</summary>
    public static object? Item(object?[] array, int index) => index >= 1 && index <= array.Length ? array[index - 1] : null;

    /// <summary>map[key]: NULL when absent.</summary>
    public static object? Item(Dictionary<object, object?> map, object key) => map.TryGetValue(key, out var value) ? value : null;

    /// <summary>ARRAY_CONTAINS(array, value): whether the array holds the value (a NULL value looks for a NULL element); NULL for a NULL array.</summary>
    public static bool? ArrayContains(object?[]? array, object? value)
    {
        if (array is null)
            return null;
        foreach (var element in array)
        {
            if (element is null ? value is null : value is not null && Types.Row.ValueEquals(element, value))
                return true;
        }
        return false;
    }

    public static object?[] MapKeys(Dictionary<object, object?> map) => [.. map.Keys];

    public static object?[] MapValues(Dictionary<object, object?> map) => [.. map.Values];

    /// <summary>ARRAY_DISTINCT(array): the first occurrence of each element, in order (one NULL kept).</summary>
    public static object?[] ArrayDistinct(object?[] array)
    {
        var result = new List<object?>(array.Length);
        var seenNull = false;
        foreach (var element in array)
        {
            if (element is null)
            {
                if (!seenNull)
                    result.Add(null);
                seenNull = true;
                continue;
            }
            var duplicate = false;
            foreach (var kept in result)
            {
                if (kept is not null && Types.Row.ValueEquals(kept, element))
                {
                    duplicate = true;
                    break;
                }
            }
            if (!duplicate)
                result.Add(element);
        }
        return [.. result];
    }

    /// <summary>ARRAY[v1, …].</summary>
    public static object?[] ArrayOf(object?[] values) => values;

    /// <summary>MAP[k1, v1, …]: a later key replaces an earlier one; a NULL key is an error.</summary>
    public static Dictionary<object, object?> MapOf(object?[] keysAndValues)
    {
        var map = new Dictionary<object, object?>(keysAndValues.Length / 2);
        for (var i = 0; i + 1 < keysAndValues.Length; i += 2)
            map[keysAndValues[i] ?? throw new SqlFunctionException("A MAP key must not be NULL.")] = keysAndValues[i + 1];
        return map;
    }
}
