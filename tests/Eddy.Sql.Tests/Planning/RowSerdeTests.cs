using CsCheck;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Runtime;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Planning;

public class RowSerdeTests
{
    private static readonly SqlType[] Types =
    [
        SqlType.Boolean, SqlType.TinyInt, SqlType.Int, SqlType.BigInt, SqlType.Double, SqlType.Decimal(12, 3), SqlType.String,
        SqlType.Bytes, SqlType.Date, SqlType.Timestamp(3), SqlType.TimestampLtz(3), SqlType.Row(new SqlField("x", SqlType.String), new SqlField("y", SqlType.BigInt)),
    ];

    private static readonly Gen<Row> RowGen = Gen.Select(
            Gen.Select(Gen.Bool, Gen.SByte, Gen.Int, Gen.Long, Gen.Double, Gen.Decimal),
            Gen.Select(Gen.String, Gen.Byte.Array[0, 5], Gen.Int[-100_000, 100_000], Gen.Long[0, 3_000_000_000_000_000L], Gen.String.Null(), Gen.Long),
            Gen.Int[0, 4095])
        .Select((a, b, nulls) =>
        {
            object?[] values =
            [
                a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, b.Item1, b.Item2, DateOnly.FromDayNumber(700_000 + b.Item3),
                new DateTime(b.Item4, DateTimeKind.Unspecified), new DateTimeOffset(b.Item4, TimeSpan.Zero),
                Row.Of([SqlType.String, SqlType.BigInt], b.Item5, b.Item6),
            ];
            for (var i = 0; i < values.Length; i++)
            {
                if ((nulls & (1 << i)) != 0 && i % 3 == 0)
                    values[i] = null;
            }
            return Row.Of(Types, values);
        });

    [Fact]
    public void Every_row_reads_back_equal_to_what_was_written() =>
        RowGen.Sample(row =>
        {
            var serde = new RowSerde(Types);
            Assert.Equal(row, serde.Deserialize(serde.Serialize(row)));
        }, iter: 500);

    [Fact]
    public void Collections_are_refused_when_the_serde_is_made() =>
        Assert.Throws<PlanningException>(() => new RowSerde([SqlType.Array(SqlType.Int)]));
}
