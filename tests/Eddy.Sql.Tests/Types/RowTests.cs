using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Types;

[Trait("Category", "Unit")]
public class RowTests
{
    private static readonly SqlType[] EveryKind =
    [
        SqlType.Boolean, SqlType.TinyInt, SqlType.SmallInt, SqlType.Int, SqlType.BigInt, SqlType.Float, SqlType.Double,
        SqlType.Decimal(10, 2), SqlType.String, SqlType.Bytes, SqlType.Date, SqlType.Time(3), SqlType.Timestamp(3),
        SqlType.TimestampLtz(3), SqlType.IntervalYearMonth(), SqlType.IntervalDayTime(), SqlType.Array(SqlType.Int),
        SqlType.Map(SqlType.String, SqlType.Int), SqlType.Row(new SqlField("x", SqlType.Int)),
    ];

    private static readonly object?[] SampleValues =
    [
        true, (sbyte)-3, (short)-300, -70000, long.MinValue, 1.5f, -2.25, 12.34m, "héllo", new byte[] { 1, 2 },
        new DateOnly(1969, 12, 31), new TimeOnly(23, 59, 58, 999), new DateTime(2026, 12, 7, 17, 0, 0, 123),
        new DateTimeOffset(2026, 12, 7, 17, 0, 0, TimeSpan.Zero), 14, TimeSpan.FromMilliseconds(-1500),
        new object?[] { 1, null, 3 }, new Dictionary<object, object?> { ["a"] = 1 },
        Row.Of([SqlType.Int], 7),
    ];

    [Fact]
    public void Every_kind_reads_back_the_value_it_was_set_to()
    {
        var row = Row.Of(EveryKind, SampleValues);
        for (var i = 0; i < EveryKind.Length; i++)
        {
            Assert.False(row.IsNull(i));
            Assert.True(Row.ValueEquals(SampleValues[i], row.GetValue(i, EveryKind[i])), $"column {i} ({EveryKind[i]})");
        }
    }

    [Fact]
    public void A_new_row_is_all_null_and_setting_a_value_clears_only_that_columns_null()
    {
        // 70 columns: the null bits span two words.
        var row = new Row(70);
        Assert.All(Enumerable.Range(0, 70), i => Assert.True(row.IsNull(i)));
        row.SetBigInt(64, 0);
        row.SetString(3, "x");
        Assert.All(Enumerable.Range(0, 70), i => Assert.Equal(i is not 64 and not 3, row.IsNull(i)));
        row.SetNull(64);
        Assert.True(row.IsNull(64));
        Assert.Equal(0, row.GetBigInt(64));
    }

    [Fact]
    public void Rows_are_equal_by_value_and_a_null_differs_from_a_zero()
    {
        var a = Row.Of(EveryKind, SampleValues);
        var b = Row.Of(EveryKind, SampleValues.Select(v => v is byte[] bytes ? bytes.ToArray() : v).ToArray());
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a, a.Copy());

        var zero = Row.Of([SqlType.Int], 0);
        var nul = Row.Of([SqlType.Int], [null]);
        Assert.NotEqual(zero, nul);
    }

    [Fact]
    public void A_value_of_the_wrong_clr_type_for_an_object_column_is_refused()
    {
        var row = new Row(1);
        Assert.Throws<ArgumentException>(() => row.SetValue(0, SqlType.String, 42));
        Assert.Throws<ArgumentOutOfRangeException>(() => row.SetInt(1, 0));
    }
}
