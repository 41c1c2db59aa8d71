using Eddy.Sql.Functions;
using Eddy.Sql.Types;
using static Eddy.Sql.Tests.Functions.FunctionInvoker;

namespace Eddy.Sql.Tests.Functions;

[Trait("Category", "Unit")]
public class JsonFunctionTests
{
    private static readonly FunctionContext Utc = FunctionInvoker.Utc;

    [Fact]
    public void JSON_VALUE_follows_Flinks_documented_examples()
    {
        Assert.Equal("true", Call("JSON_VALUE", S("{\"a\": true}"), S("$.a")));
        Assert.Equal("x", Call("JSON_VALUE", S("{\"a\": {\"b\": \"x\"}}"), S("$.a.b")));
        Assert.Null(Call("JSON_VALUE", S("{\"a\": true}"), S("$.b")));
        Assert.Null(Call("JSON_VALUE", S("{\"a\": [1, 2]}"), S("$.a")));
        Assert.Null(Call("JSON_VALUE", S("not json"), S("$.a")));
        Assert.Equal(0.996, JsonFunctions.JsonValue(Utc, "{\"a.b\": [0.998,0.996]}", "$.[\"a.b\"][1]".Replace("$.[", "$[", StringComparison.Ordinal), new JsonValueOptions(SqlType.Double)));
        Assert.Equal(false, JsonFunctions.JsonValue(Utc, "{\"a\": false}", "$.a", new JsonValueOptions(SqlType.Boolean)));
        Assert.Equal(42, JsonFunctions.JsonValue(Utc, "{\"a\": \"42\"}", "$.a", new JsonValueOptions(SqlType.Int)));
    }

    [Fact]
    public void JSON_VALUE_applies_ON_EMPTY_and_ON_ERROR()
    {
        var defaults = new JsonValueOptions(SqlType.Int, JsonBehavior.Default, -1, JsonBehavior.Default, -2);
        Assert.Equal(-1, JsonFunctions.JsonValue(Utc, "{}", "$.a", defaults));
        Assert.Equal(-2, JsonFunctions.JsonValue(Utc, "{\"a\": \"x\"}", "$.a", defaults));
        Assert.Equal(-2, JsonFunctions.JsonValue(Utc, "{\"a\": [1]}", "$.a", defaults));
        var errors = new JsonValueOptions(SqlType.Int, JsonBehavior.Error, null, JsonBehavior.Error);
        Assert.Throws<SqlFunctionException>(() => JsonFunctions.JsonValue(Utc, "{}", "$.a", errors));
        Assert.Throws<SqlFunctionException>(() => JsonFunctions.JsonValue(Utc, "{\"a\": \"x\"}", "$.a", errors));
        var resolved = BuiltInFunctions.ResolveJsonValue([SqlType.String.NotNull(), SqlType.String.NotNull()], defaults);
        Assert.Equal(SqlType.Int, resolved.ReturnType);
    }

    [Fact]
    public void Lax_paths_unwrap_arrays_and_strict_paths_fail()
    {
        Assert.Equal("[1,2]", Call("JSON_QUERY", S("{\"a\": [{\"b\": 1}, {\"b\": 2}]}"), S("lax $.a.b")) ?? JsonFunctions.JsonQuery("{\"a\": [{\"b\": 1}, {\"b\": 2}]}", "lax $.a.b", JsonWrapper.Conditional));
        Assert.Equal(true, Call("JSON_EXISTS", S("{\"a\": [{\"b\": 1}]}"), S("$.a[0].b")));
        Assert.Equal(true, Call("JSON_EXISTS", S("{\"a\": true}"), S("$.a")));
        Assert.Equal(false, Call("JSON_EXISTS", S("{\"a\": true}"), S("$.b")));
        Assert.Equal(false, Call("JSON_EXISTS", S("{\"a\": true}"), S("strict $.b")));
        Assert.Equal(false, Call("JSON_EXISTS", S("{not json"), S("$")));
    }

    [Fact]
    public void JSON_QUERY_returns_objects_and_arrays_with_the_asked_wrapper()
    {
        Assert.Equal("{\"b\":1}", Call("JSON_QUERY", S("{ \"a\": { \"b\": 1 } }"), S("$.a")));
        Assert.Equal("[1,2]", Call("JSON_QUERY", S("[1, 2]"), S("$")));
        Assert.Null(Call("JSON_QUERY", S(null), S("$")));
        Assert.Null(Call("JSON_QUERY", S("{}"), S("strict $.invalid")));
        Assert.Null(Call("JSON_QUERY", S("{\"a\": 1}"), S("$.a")));
        Assert.Equal("[1]", JsonFunctions.JsonQuery("{\"a\": 1}", "$.a", JsonWrapper.Conditional));
        Assert.Equal("[[1,2]]", JsonFunctions.JsonQuery("{\"a\": [1, 2]}", "$.a", JsonWrapper.Unconditional));
        Assert.Equal("[1,2]", JsonFunctions.JsonQuery("{\"a\": [1, 2]}", "$.a[*]", JsonWrapper.Conditional));
    }

    [Fact]
    public void JSON_STRING_serializes_values_as_Flink()
    {
        Assert.Equal("1", Call("JSON_STRING", I(1)));
        Assert.Equal("true", Call("JSON_STRING", B(true)));
        Assert.Equal("\"Hello, World!\"", Call("JSON_STRING", S("Hello, World!")));
        Assert.Equal("[1,2]", Call("JSON_STRING", (new object?[] { 1, 2 }, SqlType.Array(SqlType.Int))));
        Assert.Null(Call("JSON_STRING", I(null)));
        Assert.Equal("{\"k\":\"v\",\"n\":null}", JsonFunctions.JsonObject(Utc, ["k", "n"], ["v", null], [SqlType.String, SqlType.Int], absentOnNull: false));
        Assert.Equal("[1,{\"a\":1}]", JsonFunctions.JsonArrayOf(Utc, [1, null, new JsonRaw("{\"a\":1}")], [SqlType.Int, SqlType.Int, SqlType.String], absentOnNull: true));
    }

    [Fact]
    public void An_invalid_path_is_an_error_for_JSON_VALUE_only_when_asked()
    {
        Assert.Null(Call("JSON_VALUE", S("{}"), S("a.b")));
        Assert.Throws<SqlFunctionException>(() => JsonFunctions.JsonValue(Utc, "{}", "a.b", new JsonValueOptions(SqlType.String, OnError: JsonBehavior.Error)));
    }
}
