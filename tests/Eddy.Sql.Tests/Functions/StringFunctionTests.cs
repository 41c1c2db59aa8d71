using CsCheck;
using Eddy.Sql.Types;
using static Eddy.Sql.Tests.Functions.FunctionInvoker;

namespace Eddy.Sql.Tests.Functions;

[Trait("Category", "Unit")]
public sealed class StringFunctionTests : IDisposable
{
    private readonly DuckDbOracle _duck = new();

    public void Dispose() => _duck.Dispose();

    private static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static readonly Gen<string> Text = Gen.String[Gen.Char["abcXYZ %_-'é"], 0, 12];

    [Fact]
    public void String_functions_match_DuckDB() =>
        Gen.Select(Text, Text, Gen.Int[-3, 14]).Sample((a, b, n) =>
        {
            Assert.Equal(_duck.Scalar($"SELECT upper({Quote(a)})"), Call("UPPER", S(a)));
            Assert.Equal(_duck.Scalar($"SELECT lower({Quote(a)})"), Call("LOWER", S(a)));
            Assert.Equal(_duck.Scalar($"SELECT reverse({Quote(a)})"), Call("REVERSE", S(a)));
            Assert.Equal(Convert.ToInt32(_duck.Scalar($"SELECT length({Quote(a)})")), Call("CHAR_LENGTH", S(a)));
            Assert.Equal(_duck.Scalar($"SELECT {Quote(a)} || {Quote(b)}"), Call("||", S(a), S(b)));
            Assert.Equal(_duck.Scalar($"SELECT concat_ws('-', {Quote(a)}, NULL, {Quote(b)})"), Call("CONCAT_WS", S("-"), S(a), S(null), S(b)));
            Assert.Equal(Convert.ToInt32(_duck.Scalar($"SELECT position({Quote(b)} IN {Quote(a)})")), Call("POSITION", S(b), S(a)));
            Assert.Equal(Convert.ToInt32(_duck.Scalar($"SELECT instr({Quote(a)}, {Quote(b)})")), Call("INSTR", S(a), S(b)));
            if (b.Length > 0)
                Assert.Equal(_duck.Scalar($"SELECT replace({Quote(a)}, {Quote(b)}, 'Q')"), Call("REPLACE", S(a), S(b), S("Q")));
            if (n >= 0)
            {
                Assert.Equal(_duck.Scalar($"SELECT repeat({Quote(a)}, {n})"), Call("REPEAT", S(a), I(n)));
                Assert.Equal(_duck.Scalar($"SELECT left({Quote(a)}, {n})"), Call("LEFT", S(a), I(n)));
                Assert.Equal(_duck.Scalar($"SELECT right({Quote(a)}, {n})"), Call("RIGHT", S(a), I(n)));
            }
            if (n > 0)
                Assert.Equal(_duck.Scalar($"SELECT substring({Quote(a)}, {n}, 3)"), Call("SUBSTRING", S(a), I(n), I(3)));
            Assert.Equal(_duck.Scalar($"SELECT {Quote(a)} LIKE {Quote(b)}"), Call("LIKE", S(a), S(b)));
            Assert.Equal(_duck.Scalar($"SELECT trim({Quote(a)})"), Call("TRIM", S(a)));
        }, iter: 300);

    [Fact]
    public void Flinks_documented_string_examples_hold()
    {
        Assert.Equal("??hi", Call("LPAD", S("hi"), I(4), S("??")));
        Assert.Equal("h", Call("LPAD", S("hi"), I(1), S("??")));
        Assert.Equal("hi??", Call("RPAD", S("hi"), I(4), S("??")));
        Assert.Null(Call("LPAD", S("hi"), I(-1), S("??")));
        Assert.Equal("This is a new string", Call("OVERLAY", S("This is an old string"), S(" new"), I(10), I(5)));
        Assert.Equal("bar", Call("REGEXP_EXTRACT", S("foothebar"), S("foo(.*?)(bar)"), I(2)));
        Assert.Null(Call("REGEXP_EXTRACT", S("foothebar"), S("xyz(.*)")));
        Assert.Equal("fb", Call("REGEXP_REPLACE", S("foobar"), S("oo|ar"), S("")));
        Assert.Equal("b-a", Call("REGEXP_REPLACE", S("a-b"), S("(a)-(b)"), S("$2-$1")));
        Assert.Equal(true, Call("REGEXP", S("abc123"), S("[0-9]+")));
        Assert.Equal("aGVsbG8gd29ybGQ=", Call("TO_BASE64", S("hello world")));
        Assert.Equal("hello world", Call("FROM_BASE64", S("aGVsbG8gd29ybGQ=")));
        Assert.Equal("facebook.com", Call("PARSE_URL", S("http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1"), S("HOST")));
        Assert.Equal("v1", Call("PARSE_URL", S("http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1"), S("QUERY"), S("k1")));
        Assert.Equal("k1=v1&k2=v2", Call("PARSE_URL", S("http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1"), S("QUERY")));
        Assert.Equal("Ref1", Call("PARSE_URL", S("http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1"), S("REF")));
        Assert.Equal("/path1/p.php?k1=v1&k2=v2", Call("PARSE_URL", S("http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1"), S("FILE")));
        Assert.Equal(97, Call("ASCII", S("abc")));
        Assert.Equal(0, Call("ASCII", S("")));
        Assert.Equal("a", Call("CHR", I(97)));
        Assert.Equal("a", Call("CHR", I(97 + 256)));
        Assert.Equal("Hello World_Foo", Call("INITCAP", S("hELLO wORLD_fOO")));
        Assert.Equal("xaxbx", Call("REPLACE", S("ab"), S(""), S("x")));
        Assert.Equal("c", Call("SPLIT_INDEX", S("a,b,c"), S(","), I(2)));
        Assert.Null(Call("SPLIT_INDEX", S("a,b,c"), S(","), I(3)));
        Assert.Equal("abc", Call("SUBSTRING", S("abcdef"), I(0), I(3)));
        Assert.Equal("ef", Call("SUBSTR", S("abcdef"), I(-2)));
        Assert.Equal(3, Call("LOCATE", S("c"), S("abcabc"), I(2)));
        Assert.Equal(6, Call("LOCATE", S("c"), S("abcabc"), I(4)));
        Assert.Equal("xxhixx", Call("TRIM", S("LEADING"), S("y"), S("yyxxhixx")));
        Assert.Equal("hi", Call("BTRIM", S("xxhixx"), S("x")));
        Assert.Equal(36, ((string)Call("UUID")!).Length);
        Assert.Equal(new byte[] { 0xC3, 0xA9 }, Call("ENCODE", S("é"), S("UTF-8")));
        Assert.Equal("é", Call("DECODE", (new byte[] { 0xE9 }, SqlType.Bytes), S("ISO-8859-1")));
    }

    [Fact]
    public void CONCAT_is_NULL_when_any_argument_is_and_CONCAT_WS_skips_NULLs()
    {
        Assert.Null(Call("CONCAT", S("a"), S(null), S("c")));
        Assert.Equal("abc", Call("CONCAT", S("a"), S("b"), S("c")));
        Assert.Equal("a,c", Call("CONCAT_WS", S(","), S("a"), S(null), S("c")));
        Assert.Null(Call("CONCAT_WS", S(null), S("a")));
    }

    [Fact]
    public void STR_TO_MAP_splits_by_regular_expressions()
    {
        var map = (Dictionary<object, object?>)Call("STR_TO_MAP", S("a=1,b=2,c"))!;
        Assert.Equal("1", map["a"]);
        Assert.Equal("2", map["b"]);
        Assert.Null(map["c"]);
        var custom = (Dictionary<object, object?>)Call("STR_TO_MAP", S("a:1;b:2"), S(";"), S(":"))!;
        Assert.Equal("2", custom["b"]);
    }

    [Fact]
    public void LIKE_and_SIMILAR_TO_honour_the_escape_character()
    {
        Assert.Equal(true, Call("LIKE", S("100%"), S("100!%"), S("!")));
        Assert.Equal(false, Call("LIKE", S("1000"), S("100!%"), S("!")));
        Assert.Equal(true, Call("LIKE", S("a_b"), S("a\\_b"), S("\\")));
        Assert.Equal(true, Call("SIMILAR TO", S("abc"), S("(a|x)b%")));
        Assert.Equal(false, Call("SIMILAR TO", S("xyz"), S("[a-c]+")));
        Assert.Equal(true, Call("SIMILAR TO", S("abcabc"), S("(abc){2}")));
        Assert.Equal(true, Call("LIKE", S("line1\nline2"), S("line1%")));
    }
}
