using Eddy.Sql.Catalog;
using Eddy.Sql.Functions;
using Eddy.Sql.Session;
using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Functions;

/// <summary>
/// Flink's <c>ADD JAR</c>, <c>SHOW JARS</c> and <c>REMOVE JAR</c> in a session, with a .NET assembly for the jar: the
/// assembly is these tests' own built one, whose functions a query then calls after <c>CREATE FUNCTION</c>.
/// </summary>
[Trait("Category", "Unit")]
public class AddJarTests
{
    private static readonly string TestAssembly = typeof(PlusOne).Assembly.Location;

    private static readonly SqlType[] OrderTypes = [SqlType.BigInt, SqlType.String, SqlType.Int, SqlType.Int];

    [Fact]
    public void Add_jar_parses_with_its_path_and_prints_back_the_same_statement()
    {
        var statement = Assert.IsType<JarStatement>(SqlParser.ParseStatement("add jar '/opt/it''s/udf.dll';"));
        Assert.Equal(new JarStatement(JarAction.Add, "/opt/it's/udf.dll"), statement);
        Assert.Equal("ADD JAR '/opt/it''s/udf.dll'", statement.ToSql());
        Assert.Equal(statement, SqlParser.ParseStatement(statement.ToSql()));
    }

    [Fact]
    public void Add_without_jar_is_still_refused_as_an_unsupported_add_statement()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("ADD MODULE 'x'"));
        Assert.Contains("ADD statements is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_function_of_an_added_jar_is_created_and_called_by_a_query()
    {
        await using var session = new SqlSession(SqlCatalog.CreateInMemory(), sessionId: "jar");
        Assert.IsType<SqlRowsSessionResult>(await session.ExecuteAsync($"ADD JAR '{TestAssembly}'"));
        await session.ExecuteAsync("CREATE TABLE orders (id BIGINT, customer STRING, amount INT, weight INT) WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json')");
        await session.ExecuteAsync("CREATE TABLE out (id BIGINT, a BIGINT) WITH ('connector' = 'kafka', 'topic' = 'out', 'format' = 'json')");
        await session.ExecuteAsync("CREATE FUNCTION plus_one AS 'Eddy.Sql.Tests.Functions.PlusOne'");
        var job = Assert.IsType<SqlJobSessionResult>(await session.ExecuteAsync("INSERT INTO out SELECT id, plus_one(amount) FROM orders")).Job;
        var rows = SqlScript.Run(job.Sinks[0], [("orders", OrderTypes, [1L, "a", 41, 1], 0), ("orders", OrderTypes, [2L, "b", -1, 1], 1)]);
        Assert.Equal(["1 | 42", "2 | 0"], rows);
    }

    [Fact]
    public async Task Show_jars_lists_each_added_assembly_once_by_its_full_path()
    {
        await using var session = new SqlSession(SqlCatalog.CreateInMemory());
        var empty = Assert.IsType<SqlRowsSessionResult>(await session.ExecuteAsync("SHOW JARS")).Result;
        Assert.Equal(["jars"], empty.Columns);
        Assert.Empty(empty.Rows);
        await session.ExecuteAsync($"ADD JAR '{TestAssembly}'");
        await session.ExecuteAsync($"ADD JAR '{TestAssembly}'");
        var shown = Assert.IsType<SqlRowsSessionResult>(await session.ExecuteAsync("SHOW JARS")).Result;
        Assert.Equal([Path.GetFullPath(TestAssembly)], shown.Rows.Select(r => r[0]));
    }

    [Fact]
    public async Task A_missing_file_is_refused_naming_its_path()
    {
        await using var session = new SqlSession(SqlCatalog.CreateInMemory());
        var error = await Assert.ThrowsAsync<SqlFunctionException>(() => session.ExecuteAsync("ADD JAR '/no/such/udfs.dll'"));
        Assert.Equal("Could not find the assembly '/no/such/udfs.dll'.", error.Message);
        Assert.True(SqlSession.IsStatementError(error));
    }

    [Fact]
    public async Task A_file_that_is_not_an_assembly_is_refused_naming_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"eddy-not-an-assembly-{Guid.NewGuid():N}.dll");
        await File.WriteAllTextAsync(path, "this is text, not a PE file");
        try
        {
            await using var session = new SqlSession(SqlCatalog.CreateInMemory());
            var error = await Assert.ThrowsAsync<SqlFunctionException>(() => session.ExecuteAsync($"ADD JAR '{path}'"));
            Assert.StartsWith($"'{path}' is not a .NET assembly", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Remove_jar_is_refused_because_dotnet_cannot_unload_the_assembly()
    {
        await using var session = new SqlSession(SqlCatalog.CreateInMemory());
        await session.ExecuteAsync($"ADD JAR '{TestAssembly}'");
        var added = await Assert.ThrowsAsync<SqlFunctionException>(() => session.ExecuteAsync($"REMOVE JAR '{TestAssembly}'"));
        Assert.Contains("REMOVE JAR is not supported", added.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<SqlFunctionException>(() => session.ExecuteAsync("REMOVE JAR '/never/added.dll'"));
        Assert.Contains("does not exist in the current session", unknown.Message, StringComparison.Ordinal);
    }
}
