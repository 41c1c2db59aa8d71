using Eddy.Engine.Records;
using Eddy.Engine.Testing;

namespace Eddy.Engine.Tests;

/// <summary>Applies changelog rows as a sink that honours retractions would, for comparing outputs with an oracle.</summary>
internal static class Changelogs
{
    /// <summary>
    /// The multiset of rows left after applying <paramref name="records"/> in order: inserts and update-afters add a row,
    /// update-befores and deletes remove one equal row, which must be there (a retraction of a row never emitted is a bug).
    /// </summary>
    public static List<(TKey Key, TValue Value)> Materialize<TKey, TValue>(IEnumerable<TestRecord<TKey, TValue>> records)
    {
        var rows = new List<(TKey Key, TValue Value)>();
        foreach (var record in records)
        {
            if (record.Kind is RowKind.Insert or RowKind.UpdateAfter)
            {
                rows.Add((record.Key, record.Value));
            }
            else if (!rows.Remove((record.Key, record.Value)))
            {
                throw new InvalidOperationException($"A {record.Kind} of ({record.Key}, {record.Value}) retracts a row that is not there.");
            }
        }

        return rows;
    }

    /// <summary>The rows in a stable order, to compare two multisets with Assert.Equal.</summary>
    public static List<(TKey Key, TValue Value)> Sorted<TKey, TValue>(IEnumerable<(TKey Key, TValue Value)> rows) =>
        rows.OrderBy(r => r.Key?.ToString(), StringComparer.Ordinal).ThenBy(r => r.Value?.ToString(), StringComparer.Ordinal).ToList();
}
