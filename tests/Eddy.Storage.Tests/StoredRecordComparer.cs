namespace Eddy.Storage.Tests;

/// <summary>Compares records field by field, headers included (records hold lists, which records compare by reference).</summary>
public sealed class StoredRecordComparer : IEqualityComparer<StoredRecord>
{
    public static readonly StoredRecordComparer Instance = new();

    public bool Equals(StoredRecord? x, StoredRecord? y) =>
        x is not null && y is not null
        && x.Offset == y.Offset && x.Timestamp == y.Timestamp && x.Key == y.Key && x.Value == y.Value
        && x.Headers.SequenceEqual(y.Headers);

    public int GetHashCode(StoredRecord obj) => HashCode.Combine(obj.Offset, obj.Key);
}
