using System.Buffers;
using CsCheck;
using Eddy.Sql.Formats;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Formats;

[Trait("Category", "Unit")]
public class RowSortKeyEncoderTests
{
    private static readonly TypeRules KeyRules = new() { Depth = 0, Chars = "ab\0é漢z", NestedChars = "ab" };

    private static Gen<SqlType> KeyType => RandomRows.Scalar(KeyRules).Where(t => t.Kind != SqlTypeKind.Decimal);

    // SQL's order, written independently of the encoder: NULLs first, numbers by value (as Java compares them), strings by code point, bytes unsigned.
    private static int Compare(SqlType type, object? a, object? b)
    {
        if (a is null || b is null)
            return (a is null ? 0 : 1) - (b is null ? 0 : 1);
        return (a, b) switch
        {
            (string x, string y) => CompareCodePoints(x, y),
            (byte[] x, byte[] y) => x.AsSpan().SequenceCompareTo(y),
            (float x, float y) => JavaCompare(x, y),
            (double x, double y) => JavaCompare(x, y),
            (IComparable x, _) => x.CompareTo(b),
            _ => throw new InvalidOperationException(type.ToString()),
        };
    }

    // Java's Double.compare: NaN above everything (and equal to itself), -0.0 below 0.0.
    private static int JavaCompare(double x, double y)
    {
        if (double.IsNaN(x) || double.IsNaN(y))
            return (double.IsNaN(x) ? 1 : 0) - (double.IsNaN(y) ? 1 : 0);
        if (x != y)
            return x < y ? -1 : 1;
        return (double.IsNegative(y) ? 1 : 0) - (double.IsNegative(x) ? 1 : 0);
    }

    private static int CompareCodePoints(string x, string y)
    {
        var ex = x.EnumerateRunes();
        var ey = y.EnumerateRunes();
        while (true)
        {
            var hx = ex.MoveNext();
            var hy = ey.MoveNext();
            if (!hx || !hy)
                return (hx ? 1 : 0) - (hy ? 1 : 0);
            var c = ex.Current.Value.CompareTo(ey.Current.Value);
            if (c != 0)
                return c;
        }
    }

    private static byte[] Key(RowSortKeyEncoder encoder, Row row)
    {
        var buffer = new ArrayBufferWriter<byte>();
        encoder.Write(row, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void The_byte_order_of_keys_is_the_SQL_order_of_their_columns_ascending_or_descending()
    {
        var columns = Gen.Select(KeyType, Gen.Bool).Array[1, 3];
        columns.SelectMany(cols =>
        {
            var type = SqlType.Row(cols.Select((c, i) => new SqlField($"k{i}", c.Item1)));
            return Gen.Select(RandomRows.Row(type, KeyRules), RandomRows.Row(type, KeyRules)).Select(rows => (cols, type, rows.Item1, rows.Item2));
        }).Sample((cols, type, a, b) =>
        {
            var encoder = new RowSortKeyEncoder([.. cols.Select(c => new SortColumn(c.Item1, c.Item2))]);
            var expected = 0;
            for (var i = 0; i < cols.Length && expected == 0; i++)
            {
                var c = Compare(cols[i].Item1, a.GetValue(i, cols[i].Item1), b.GetValue(i, cols[i].Item1));
                expected = cols[i].Item2 ? -c : c;
            }
            var actual = Key(encoder, a).AsSpan().SequenceCompareTo(Key(encoder, b));
            Assert.True(Math.Sign(expected) == Math.Sign(actual), $"{RandomRows.Describe(type, a)} vs {RandomRows.Describe(type, b)}: {expected} but {actual}");
        }, iter: 2000);
    }

    [Fact]
    public void A_string_sorts_before_its_extensions_and_NULL_before_everything()
    {
        var encoder = new RowSortKeyEncoder([new SortColumn(SqlType.String)]);
        var keys = new[] { null, "", "a", "a\0", "ab", "b" }.Select(s => Key(encoder, Row.Of([SqlType.String], s))).ToArray();
        for (var i = 1; i < keys.Length; i++)
            Assert.True(keys[i - 1].AsSpan().SequenceCompareTo(keys[i]) < 0, $"key {i - 1} < key {i}");
        Assert.Throws<FormatValidationException>(() => new RowSortKeyEncoder([new SortColumn(SqlType.Array(SqlType.Int))]));
    }
}
