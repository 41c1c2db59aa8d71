using Eddy.Sql.Catalog;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Tests.Catalog;

/// <summary>CREATE and DROP FUNCTION with Flink's FunctionCatalog rules: temporary system, temporary catalog and catalog functions, case-insensitive names.</summary>
[Trait("Category", "Unit")]
public class FunctionDdlTests
{
    private readonly InMemoryCatalogStore _store = new();

    private CatalogSession NewSession() => CatalogSession.On(_store);

    [Fact]
    public async Task A_catalog_function_is_shared_and_found_whatever_the_case_of_its_name()
    {
        var session = NewSession();
        await session.Run("CREATE FUNCTION MyUpper AS 'Acme.Functions.Upper'");
        var other = NewSession();
        var entry = other.Function("myupper");
        Assert.NotNull(entry);
        Assert.Equal("Acme.Functions.Upper", ((CreateFunctionStatement)entry.Definition).ClassName);
        Assert.Same(entry, other.Function("MYUPPER"));
        Assert.Equal(["myupper"], await other.Show("SHOW USER FUNCTIONS"));
    }

    [Fact]
    public async Task Creating_a_function_twice_fails_with_Flinks_messages_unless_IF_NOT_EXISTS()
    {
        var session = NewSession();
        await session.Run("CREATE FUNCTION f AS 'A'");
        Assert.Equal("Could not register catalog function. A function 'default_catalog.default_database.F' does already exist.",
            await session.Fails("CREATE FUNCTION F AS 'B'"));
        await session.Run("CREATE FUNCTION IF NOT EXISTS f AS 'B'");
        Assert.Equal("A", ((CreateFunctionStatement)session.Function("f")!.Definition).ClassName);

        await session.Run("CREATE TEMPORARY FUNCTION t AS 'A'");
        Assert.Equal("Could not register temporary catalog function. A function 'default_catalog.default_database.t' does already exist.",
            await session.Fails("CREATE TEMPORARY FUNCTION t AS 'B'"));
        await session.Run("CREATE TEMPORARY SYSTEM FUNCTION s AS 'A'");
        Assert.Equal("Could not register temporary system function. A function named 's' does already exist.",
            await session.Fails("CREATE TEMPORARY SYSTEM FUNCTION s AS 'B'"));
    }

    [Fact]
    public async Task A_temporary_function_shadows_the_catalog_one_and_must_be_dropped_first()
    {
        var session = NewSession();
        await session.Run("CREATE FUNCTION f AS 'Permanent'");
        await session.Run("CREATE TEMPORARY FUNCTION f AS 'Temporary'");
        Assert.True(session.Function("f")!.Temporary);
        Assert.False(NewSession().Function("f")!.Temporary);

        Assert.Equal("Could not drop catalog function. A temporary function 'default_catalog.default_database.f' does already exist. Please drop the temporary function first.",
            await session.Fails("DROP FUNCTION f"));
        await session.Run("DROP TEMPORARY FUNCTION f");
        Assert.Equal("Permanent", ((CreateFunctionStatement)session.Function("f")!.Definition).ClassName);
        await session.Run("DROP FUNCTION f");
        Assert.Null(session.Function("f"));
        Assert.Empty(_store.Definitions());
    }

    [Fact]
    public async Task A_catalog_function_cannot_be_created_under_a_temporary_ones_name()
    {
        var session = NewSession();
        await session.Run("CREATE TEMPORARY FUNCTION f AS 'Temporary'");
        Assert.Equal("Could not register catalog function. A temporary function 'default_catalog.default_database.f' does already exist. Please drop the temporary function first.",
            await session.Fails("CREATE FUNCTION f AS 'Permanent'"));
    }

    [Fact]
    public async Task Dropping_a_missing_function_fails_with_Flinks_messages_unless_IF_EXISTS()
    {
        var session = NewSession();
        Assert.Equal("Could not drop catalog function. A function 'default_catalog.default_database.f' doesn't exist.", await session.Fails("DROP FUNCTION f"));
        Assert.Equal("Temporary catalog function `default_catalog`.`default_database`.`f` doesn't exist", await session.Fails("DROP TEMPORARY FUNCTION f"));
        Assert.Equal("Could not drop temporary system function. A function named 'f' doesn't exist.", await session.Fails("DROP TEMPORARY SYSTEM FUNCTION f"));
        await session.Run("DROP FUNCTION IF EXISTS f");
        await session.Run("DROP TEMPORARY FUNCTION IF EXISTS f");
        await session.Run("DROP TEMPORARY SYSTEM FUNCTION IF EXISTS f");
    }

    [Fact]
    public async Task SHOW_FUNCTIONS_lists_the_built_in_and_user_functions_and_SHOW_USER_FUNCTIONS_only_the_users()
    {
        var session = NewSession();
        await session.Run("CREATE FUNCTION zeta AS 'Z'");
        await session.Run("CREATE TEMPORARY FUNCTION Alpha AS 'A'");
        await session.Run("CREATE TEMPORARY SYSTEM FUNCTION Mid AS 'M'");
        Assert.Equal(["alpha", "mid", "zeta"], await session.Show("SHOW USER FUNCTIONS"));
        Assert.NotNull(session.Catalog.FindTemporarySystemFunction("MID"));

        var all = await session.Show("SHOW FUNCTIONS");
        Assert.Equal(["function name"], (await session.Run("SHOW FUNCTIONS")).Columns);
        Assert.Contains("upper", all);
        Assert.Contains("zeta", all);
        Assert.Contains("alpha", all);
        Assert.Equal(all.OrderBy(n => n, StringComparer.Ordinal), all);
    }
}
