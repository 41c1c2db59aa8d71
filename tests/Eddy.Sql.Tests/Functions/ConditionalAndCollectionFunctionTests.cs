using Eddy.Sql.Functions;
using Eddy.Sql.Types;
using static Eddy.Sql.Tests.Functions.FunctionInvoker;

namespace Eddy.Sql.Tests.Functions;

[Trait("Category", "Unit")]
public class ConditionalAndCollectionFunctionTests
{
    [Fact]
    public void COALESCE_IFNULL_IF_and_NULLIF_follow_Flinks_NULL_rules()
    {
        Assert.Equal(5L, Call("COALESCE", I(null), L(5), I(7)));
        Assert.Null(Call("COALESCE", I(null), S(null) with { Item2 = SqlType.Int }));
        Assert.Equal(SqlType.BigInt.NotNull(), Resolve("COALESCE", SqlType.Int, SqlType.BigInt.NotNull()).ReturnType);
        Assert.Equal(SqlType.BigInt, Resolve("COALESCE", SqlType.Int, SqlType.BigInt).ReturnType);
        Assert.Equal(5, Call("IFNULL", I(null), I(5)));
        Assert.Equal("b", Call("IF", B(null), S("a"), S("b")));
        Assert.Equal("a", Call("IF", B(true), S("a"), S("b")));
        Assert.Null(Call("NULLIF", I(3), I(3)));
        Assert.Equal(3, Call("NULLIF", I(3), I(4)));
    }

    [Fact]
    public void GREATEST_and_LEAST_are_NULL_when_any_argument_is()
    {
        Assert.Equal(9L, Call("GREATEST", I(3), L(9), I(-1)));
        Assert.Equal(-1L, Call("LEAST", I(3), L(9), I(-1)));
        Assert.Equal("b", Call("GREATEST", S("a"), S("b")));
        Assert.Null(Call("GREATEST", I(3), I(null)));
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    [InlineData(true, null, null)]
    [InlineData(false, null, false)]
    [InlineData(null, null, null)]
    public void AND_is_three_valued(bool? a, bool? b, bool? expected)
    {
        Assert.Equal(expected, Call("AND", B(a), B(b)));
        Assert.Equal(expected, Call("AND", B(b), B(a)));
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, null, true)]
    [InlineData(false, null, null)]
    [InlineData(null, null, null)]
    public void OR_is_three_valued(bool? a, bool? b, bool? expected)
    {
        Assert.Equal(expected, Call("OR", B(a), B(b)));
        Assert.Equal(expected, Call("OR", B(b), B(a)));
    }

    [Fact]
    public void Comparison_converts_operands_to_their_common_type()
    {
        Assert.Equal(true, Call("=", I(1), L(1)));
        Assert.Equal(true, Call("<", S("abc"), S("abd")));
        Assert.Equal(true, Call("=", S("42"), I(42)));
        Assert.Equal(true, Call("<", Date("2024-02-28"), Ts("2024-02-28 00:00:01")));
        Assert.Equal(true, Call("<>", D(0.1 + 0.2), D(0.3)));
        // As Java's primitive comparisons: NaN is neither smaller nor larger than a number.
        Assert.Equal(false, Call("<", D(double.NaN), D(1)));
        Assert.Equal(false, Call(">=", D(double.NaN), D(1)));
        Assert.Null(Call("=", I(1), I(null)));
        Assert.Equal(false, Call("IS DISTINCT FROM", I(null), I(null)));
        Assert.Equal(true, Call("IS DISTINCT FROM", I(1), I(null)));
        // U+FFFD sorts before U+1F600 (a surrogate pair) by code point, as UTF-8 bytes do.
        Assert.Equal(true, Call("<", S("\uFFFD"), S("\U0001F600")));
        Assert.Throws<SqlFunctionException>(() => Resolve("<", SqlType.Boolean, SqlType.Int));
    }

    [Fact]
    public void IS_ALPHA_IS_DIGIT_and_IS_DECIMAL_are_never_NULL()
    {
        Assert.Equal(true, Call("IS_ALPHA", S("abc")));
        Assert.Equal(false, Call("IS_ALPHA", S("ab1")));
        Assert.Equal(false, Call("IS_ALPHA", S(null)));
        Assert.Equal(true, Call("IS_DIGIT", S("123")));
        Assert.Equal(false, Call("IS_DIGIT", S("")));
        Assert.Equal(true, Call("IS_DECIMAL", S("-1.5e3")));
        Assert.Equal(false, Call("IS_DECIMAL", S("1.2.3")));
        Assert.Equal(SqlType.Boolean.NotNull(), Resolve("IS_DIGIT", SqlType.String).ReturnType);
    }

    [Fact]
    public void Hashes_match_the_published_test_vectors()
    {
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", Call("MD5", S("abc")));
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", Call("SHA1", S("abc")));
        Assert.Equal("23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7", Call("SHA224", S("abc")));
        Assert.Equal("d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f", Call("SHA224", S("")));
        Assert.Equal("75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525", Call("SHA2", S("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), I(224)));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Call("SHA2", S("abc"), I(256)));
        Assert.Null(Call("SHA2", S("abc"), I(100)));
    }

    [Fact]
    public void Hashes_match_DuckDB()
    {
        using var duck = new DuckDbOracle();
        foreach (var text in new[] { "", "hello", "héllo wörld", new string('x', 1000) })
        {
            Assert.Equal(duck.Scalar($"SELECT md5('{text}')"), Call("MD5", S(text)));
            Assert.Equal(duck.Scalar($"SELECT sha256('{text}')"), Call("SHA256", S(text)));
            Assert.Equal(duck.Scalar($"SELECT sha1('{text}')"), Call("SHA1", S(text)));
        }
    }

    [Fact]
    public void Collection_functions_follow_Flink()
    {
        var array = (new object?[] { 1, 2, null, 2 }, SqlType.Array(SqlType.Int));
        Assert.Equal(4, Call("CARDINALITY", array));
        Assert.Equal(2, Call("ITEM", array, I(2)));
        Assert.Null(Call("ITEM", array, I(9)));
        Assert.Equal(true, Call("ARRAY_CONTAINS", array, I(null)));
        Assert.Equal(false, Call("ARRAY_CONTAINS", array, I(7)));
        Assert.Equal(new object?[] { 1, 2, null }, Call("ARRAY_DISTINCT", array));
        Assert.Equal(SqlType.Int, Resolve("ITEM", SqlType.Array(SqlType.Int.NotNull()).NotNull(), SqlType.Int.NotNull()).ReturnType);
        Assert.Equal(7, Call("ELEMENT", (new object?[] { 7 }, SqlType.Array(SqlType.Int))));
        Assert.Null(Call("ELEMENT", (Array.Empty<object?>(), SqlType.Array(SqlType.Int))));
        Assert.Throws<SqlFunctionException>(() => Call("ELEMENT", array));
        var map = (new Dictionary<object, object?> { ["a"] = 1, ["b"] = 2 }, SqlType.Map(SqlType.String, SqlType.Int));
        Assert.Equal(2, Call("ITEM", map, S("b")));
        Assert.Null(Call("ITEM", map, S("z")));
        Assert.Equal(new object?[] { "a", "b" }, Call("MAP_KEYS", map));
        Assert.Equal(SqlType.Array(SqlType.Int), Resolve("MAP_VALUES", map.Item2).ReturnType);
        Assert.Equal(new object?[] { 1L, 5L }, Call("ARRAY", I(1), L(5)));
        Assert.Equal(SqlType.Array(SqlType.BigInt).NotNull(), Resolve("ARRAY", SqlType.Int, SqlType.BigInt).ReturnType);
    }
}
