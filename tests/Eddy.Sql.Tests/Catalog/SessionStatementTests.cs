using Eddy.Sql.Catalog;

namespace Eddy.Sql.Tests.Catalog;

/// <summary>SHOW, SET, RESET and USE: Flink's result columns and messages, and the session state they change.</summary>
[Trait("Category", "Unit")]
public class SessionStatementTests
{
    private readonly CatalogSession _session = CatalogSession.On(new InMemoryCatalogStore());

    [Fact]
    public async Task SHOW_lists_under_Flinks_column_names()
    {
        Assert.Equal(["catalog name"], (await _session.Run("SHOW CATALOGS")).Columns);
        Assert.Equal(["default_catalog"], await _session.Show("SHOW CATALOGS"));
        Assert.Equal(["database name"], (await _session.Run("SHOW DATABASES")).Columns);
        Assert.Equal(["default_database"], await _session.Show("SHOW DATABASES"));
        Assert.Equal(["current catalog name"], (await _session.Run("SHOW CURRENT CATALOG")).Columns);
        Assert.Equal(["default_catalog"], await _session.Show("SHOW CURRENT CATALOG"));
        Assert.Equal(["current database name"], (await _session.Run("SHOW CURRENT DATABASE")).Columns);
        Assert.Equal(["default_database"], await _session.Show("SHOW CURRENT DATABASE"));
        Assert.Equal(["table name"], (await _session.Run("SHOW TABLES")).Columns);
        Assert.Empty((await _session.Run("SHOW TABLES")).Rows);
        Assert.Equal(["view name"], (await _session.Run("SHOW VIEWS")).Columns);
    }

    [Fact]
    public async Task SHOW_TABLES_lists_tables_and_views_sorted_and_SHOW_VIEWS_only_views()
    {
        await _session.Run("CREATE TABLE b (a INT) WITH ('connector' = 'datagen')");
        await _session.Run("CREATE VIEW c AS SELECT 1");
        await _session.Run("CREATE TEMPORARY VIEW a AS SELECT 1");
        await _session.Run("CREATE TEMPORARY TABLE B2 (a INT) WITH ('connector' = 'datagen')");
        Assert.Equal(["B2", "a", "b", "c"], await _session.Show("SHOW TABLES"));
        Assert.Equal(["a", "c"], await _session.Show("SHOW VIEWS"));
    }

    [Fact]
    public async Task SET_lists_the_session_options_by_key_and_RESET_removes_one_or_all()
    {
        Assert.Equal(StatementResult.Ok.Rows, (await _session.Run("SET 'table.local-time-zone' = 'Europe/Berlin'")).Rows);
        await _session.Run("SET 'execution.runtime-mode' = 'streaming'");
        await _session.Run("SET 'table.local-time-zone' = 'UTC'");
        var listed = await _session.Run("SET");
        Assert.Equal(["key", "value"], listed.Columns);
        Assert.Equal([["execution.runtime-mode", "streaming"], ["table.local-time-zone", "UTC"]], listed.Rows);

        await _session.Run("RESET 'table.local-time-zone'");
        Assert.Equal([["execution.runtime-mode", "streaming"]], (await _session.Run("SET")).Rows);
        await _session.Run("RESET");
        Assert.Empty((await _session.Run("SET")).Rows);
        Assert.Empty(_session.Catalog.SessionOptions);
    }

    [Fact]
    public async Task USE_accepts_only_the_default_catalog_and_database_with_Flinks_messages()
    {
        await _session.Run("USE CATALOG default_catalog");
        await _session.Run("USE default_database");
        await _session.Run("USE default_catalog.default_database");
        Assert.Equal("A catalog with name [hive] does not exist.", await _session.Fails("USE CATALOG hive"));
        Assert.Equal("A database with name [sales] does not exist in the catalog: [default_catalog].", await _session.Fails("USE sales"));
        Assert.Equal("A catalog with name [hive] does not exist.", await _session.Fails("USE hive.sales"));
        Assert.Equal("default_catalog", _session.Catalog.CurrentCatalog);
        Assert.Equal("default_database", _session.Catalog.CurrentDatabase);
    }
}
