using Eddy.Sql.Catalog;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Tests.Catalog;

/// <summary>CREATE, DROP and ALTER of tables and views, with Flink's rules and messages (CatalogManager), on an in-memory store.</summary>
[Trait("Category", "Unit")]
public class TableAndViewDdlTests
{
    private const string Orders = "CREATE TABLE orders (id BIGINT, amount DECIMAL(10, 2), ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'kafka', 'topic' = 'orders')";

    private readonly InMemoryCatalogStore _store = new();

    private CatalogSession NewSession() => CatalogSession.On(_store);

    [Fact]
    public async Task A_created_table_is_found_under_its_full_name_with_its_parsed_DDL_and_text()
    {
        var session = NewSession();
        Assert.Equal(StatementResult.Ok.Rows, (await session.Run(Orders)).Rows);
        Assert.Equal(["result"], StatementResult.Ok.Columns);

        var entry = session.Table("orders");
        Assert.NotNull(entry);
        Assert.Equal(new ObjectIdentifier("default_catalog", "default_database", "orders"), entry.Name);
        Assert.Equal(Orders, entry.Text);
        Assert.Equal(SqlParser.ParseStatement(Orders), entry.Definition);
        Assert.False(entry.Temporary);
        Assert.Null(session.Table("Orders")); // table names are case-sensitive in Flink
    }

    [Fact]
    public async Task Creating_a_table_twice_fails_with_Flinks_message_unless_IF_NOT_EXISTS_which_keeps_the_first()
    {
        var session = NewSession();
        await session.Run(Orders);
        Assert.Equal("Table (or view) default_database.orders already exists in Catalog default_catalog.", await session.Fails(Orders));
        Assert.Equal("Table (or view) default_database.orders already exists in Catalog default_catalog.",
            await session.Fails("CREATE VIEW orders AS SELECT 1"));

        await session.Run("CREATE TABLE IF NOT EXISTS orders (other INT) WITH ('connector' = 'datagen')");
        Assert.Equal(Orders, session.Table("orders")!.Text);
    }

    [Fact]
    public async Task A_view_takes_the_tables_namespace_and_a_table_cannot_take_a_views_name()
    {
        var session = NewSession();
        await session.Run("CREATE VIEW v AS SELECT 1 AS one");
        Assert.IsType<CreateViewStatement>(session.Table("v")!.Definition);
        Assert.Equal("Table (or view) default_database.v already exists in Catalog default_catalog.",
            await session.Fails("CREATE TABLE v (a INT) WITH ('connector' = 'datagen')"));
    }

    [Fact]
    public async Task Another_session_on_the_same_store_sees_permanent_objects_but_not_temporary_ones()
    {
        var first = NewSession();
        await first.Run(Orders);
        await first.Run("CREATE TEMPORARY TABLE scratch (a INT) WITH ('connector' = 'datagen')");
        await first.Run("CREATE TEMPORARY VIEW tv AS SELECT 1");

        var second = NewSession();
        Assert.NotNull(second.Table("orders"));
        Assert.Null(second.Table("scratch"));
        Assert.Null(second.Table("tv"));
        Assert.Equal(["orders"], await second.Show("SHOW TABLES"));
        Assert.Equal(["orders", "scratch", "tv"], await first.Show("SHOW TABLES"));
        Assert.DoesNotContain(_store.Definitions(), d => d.Entry.Name.Name is "scratch" or "tv");
    }

    [Fact]
    public async Task A_temporary_table_shadows_the_permanent_one_of_the_same_name_until_it_is_dropped()
    {
        var session = NewSession();
        await session.Run(Orders);
        const string Temporary = "CREATE TEMPORARY TABLE orders (id INT) WITH ('connector' = 'datagen')";
        await session.Run(Temporary);
        Assert.True(session.Table("orders")!.Temporary);
        Assert.Equal(Temporary, session.Table("orders")!.Text);

        Assert.Equal("Temporary table '`default_catalog`.`default_database`.`orders`' already exists", await session.Fails(Temporary));
        await session.Run("CREATE TEMPORARY TABLE IF NOT EXISTS orders (x INT) WITH ('connector' = 'datagen')");

        // DROP TABLE never removes the permanent table hidden behind the temporary one.
        Assert.Equal(
            "Temporary table with identifier '`default_catalog`.`default_database`.`orders`' exists. Drop it first before removing the permanent table.",
            await session.Fails("DROP TABLE orders"));
        await session.Run("DROP TEMPORARY TABLE orders");
        Assert.False(session.Table("orders")!.Temporary);
        await session.Run("DROP TABLE orders");
        Assert.Null(session.Table("orders"));
    }

    [Fact]
    public async Task Dropping_what_does_not_exist_fails_with_Flinks_messages_unless_IF_EXISTS()
    {
        var session = NewSession();
        Assert.Equal("Table with identifier 'default_catalog.default_database.nope' does not exist.", await session.Fails("DROP TABLE nope"));
        Assert.Equal("View with identifier 'default_catalog.default_database.nope' does not exist.", await session.Fails("DROP VIEW nope"));
        Assert.Equal("Temporary table or view with identifier 'default_catalog.default_database.nope' does not exist.",
            await session.Fails("DROP TEMPORARY TABLE nope"));
        Assert.Equal("Temporary table or view with identifier 'default_catalog.default_database.nope' does not exist.",
            await session.Fails("DROP TEMPORARY VIEW nope"));
        await session.Run("DROP TABLE IF EXISTS nope");
        await session.Run("DROP VIEW IF EXISTS nope");
        await session.Run("DROP TEMPORARY TABLE IF EXISTS nope");
    }

    [Fact]
    public async Task DROP_VIEW_refuses_a_table_and_DROP_TABLE_refuses_a_view_as_if_they_did_not_exist()
    {
        var session = NewSession();
        await session.Run(Orders);
        await session.Run("CREATE VIEW v AS SELECT 1");
        await session.Run("CREATE TEMPORARY VIEW tv AS SELECT 1");

        Assert.Equal("View with identifier 'default_catalog.default_database.orders' does not exist.", await session.Fails("DROP VIEW orders"));
        Assert.Equal("Table with identifier 'default_catalog.default_database.v' does not exist.", await session.Fails("DROP TABLE v"));
        Assert.Equal("Temporary table or view with identifier 'default_catalog.default_database.tv' does not exist.",
            await session.Fails("DROP TEMPORARY TABLE tv"));
        // IF EXISTS makes the wrong kind a no-op, which leaves the object in place.
        await session.Run("DROP VIEW IF EXISTS orders");
        Assert.NotNull(session.Table("orders"));

        await session.Run("DROP VIEW v");
        await session.Run("DROP TEMPORARY VIEW tv");
        Assert.Null(session.Table("v"));
        Assert.Null(session.Table("tv"));
    }

    [Fact]
    public async Task A_permanent_object_outside_the_default_catalog_or_database_is_refused()
    {
        var session = NewSession();
        Assert.Equal("Catalog other does not exist.", await session.Fails("CREATE TABLE other.db.t (a INT) WITH ('connector' = 'datagen')"));
        Assert.Equal("Database db does not exist in Catalog default_catalog.", await session.Fails("CREATE TABLE db.t (a INT) WITH ('connector' = 'datagen')"));
        // A fully qualified name in the default database is the same object as the short one.
        await session.Run("CREATE TABLE default_catalog.default_database.t (a INT) WITH ('connector' = 'datagen')");
        Assert.NotNull(session.Table("t"));
    }

    [Fact]
    public async Task ALTER_TABLE_SET_replaces_or_adds_options_and_RESET_removes_them_in_the_stored_DDL()
    {
        var session = NewSession();
        await session.Run(Orders);
        await session.Run("ALTER TABLE orders SET ('topic' = 'orders-v2', 'scan.startup.mode' = 'earliest-offset')");
        var table = (CreateTableStatement)session.Table("orders")!.Definition;
        Assert.Equal(
            [("connector", "kafka"), ("topic", "orders-v2"), ("scan.startup.mode", "earliest-offset")],
            table.Options.Select(o => (o.Key, o.Value)));
        Assert.Equal(((CreateTableStatement)SqlParser.ParseStatement(Orders)).Columns, table.Columns);
        Assert.NotNull(table.Watermark);

        await session.Run("ALTER TABLE orders RESET ('scan.startup.mode')");
        var text = await session.ShowCreate("SHOW CREATE TABLE orders");
        Assert.Equal("""
            CREATE TABLE `default_catalog`.`default_database`.`orders` (
              `id` BIGINT,
              `amount` DECIMAL(10, 2),
              `ts` TIMESTAMP(3),
              WATERMARK FOR `ts` AS ts - INTERVAL '5' SECOND
            ) WITH (
              'connector' = 'kafka',
              'topic' = 'orders-v2'
            )
            """.ReplaceLineEndings("\n"), text);
        Assert.Equal("ALTER TABLE RESET does not support changing 'connector'", await session.Fails("ALTER TABLE orders RESET ('connector')"));
        Assert.Equal(3, _store.Find(CatalogKey.TableOrView(session.Table("orders")!.Name))!.Version);
    }

    [Fact]
    public async Task ALTER_TABLE_refuses_a_missing_or_temporary_table_and_a_view()
    {
        var session = NewSession();
        Assert.Equal("Table `default_catalog`.`default_database`.`nope` doesn't exist or is a temporary table.",
            await session.Fails("ALTER TABLE nope SET ('a' = 'b')"));
        await session.Run("ALTER TABLE IF EXISTS nope SET ('a' = 'b')");
        await session.Run("CREATE TEMPORARY TABLE tmp (a INT) WITH ('connector' = 'datagen')");
        Assert.Equal("Table `default_catalog`.`default_database`.`tmp` doesn't exist or is a temporary table.",
            await session.Fails("ALTER TABLE tmp SET ('a' = 'b')"));
        await session.Run("CREATE VIEW v AS SELECT 1");
        Assert.Equal("ALTER TABLE for a view is not allowed", await session.Fails("ALTER TABLE v RENAME TO w"));
    }

    [Fact]
    public async Task ALTER_TABLE_RENAME_moves_the_definition_and_refuses_a_taken_name()
    {
        var session = NewSession();
        await session.Run(Orders);
        await session.Run("CREATE VIEW v AS SELECT 1");
        Assert.Equal("Table (or view) default_database.v already exists in Catalog default_catalog.", await session.Fails("ALTER TABLE orders RENAME TO v"));

        await session.Run("ALTER TABLE orders RENAME TO orders2");
        Assert.Null(session.Table("orders"));
        var renamed = session.Table("orders2")!;
        Assert.Equal(new ObjectIdentifier("default_catalog", "default_database", "orders2"), renamed.Name);
        Assert.StartsWith("CREATE TABLE `default_catalog`.`default_database`.`orders2` (", renamed.Text, StringComparison.Ordinal);
        Assert.Equal(SqlParser.ParseStatement(renamed.Text), renamed.Definition);

        await session.Run("ALTER VIEW v RENAME TO w");
        Assert.IsType<CreateViewStatement>(session.Table("w")!.Definition);
        Assert.Equal("ALTER VIEW for a table is not allowed", await session.Fails("ALTER VIEW orders2 RENAME TO x"));
    }

    [Fact]
    public async Task SHOW_CREATE_prints_the_stored_DDL_and_refuses_the_wrong_kind_with_Flinks_messages()
    {
        var session = NewSession();
        await session.Run(Orders);
        const string View = "CREATE VIEW big AS SELECT id FROM orders WHERE amount > 100";
        await session.Run(View);
        Assert.Equal(Orders, await session.ShowCreate("SHOW CREATE TABLE orders"));
        Assert.Equal(View, await session.ShowCreate("SHOW CREATE VIEW big"));
        Assert.Equal(["result"], (await session.Run("SHOW CREATE TABLE orders")).Columns);

        Assert.Equal("SHOW CREATE VIEW is only supported for views, but `default_catalog`.`default_database`.`orders` is a table. Please use SHOW CREATE TABLE instead.",
            await session.Fails("SHOW CREATE VIEW orders"));
        Assert.Equal("SHOW CREATE TABLE is only supported for tables, but `default_catalog`.`default_database`.`big` is a view. Please use SHOW CREATE VIEW instead.",
            await session.Fails("SHOW CREATE TABLE big"));
        Assert.Equal("Could not execute SHOW CREATE TABLE. Table with identifier `default_catalog`.`default_database`.`nope` does not exist.",
            await session.Fails("SHOW CREATE TABLE nope"));
    }

    [Fact]
    public async Task CREATE_TABLE_AS_SELECT_is_left_to_the_planner()
    {
        var statement = SqlParser.ParseStatement("CREATE TABLE t WITH ('connector' = 'kafka') AS SELECT 1 AS a");
        Assert.False(SqlCatalog.Handles(statement));
        await using var catalog = SqlCatalog.CreateInMemory();
        await Assert.ThrowsAsync<CatalogException>(() => catalog.ExecuteAsync(statement));
    }
}

/// <summary>The bookkeeping stored with a definition: its version and creation time.</summary>
[Trait("Category", "Unit")]
public class StoredDefinitionTests
{
    private sealed class SettableTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 7, 20, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task ALTER_raises_the_version_and_keeps_the_creation_time()
    {
        var store = new InMemoryCatalogStore();
        var time = new SettableTime();
        var session = CatalogSession.On(store, time);
        var created = time.Now;
        await session.Run("CREATE TABLE t (a INT) WITH ('connector' = 'datagen')");
        time.Now = created.AddHours(1);
        await session.Run("ALTER TABLE t SET ('rows-per-second' = '5')");

        var stored = Assert.Single(store.Definitions());
        Assert.Equal(2, stored.Version);
        Assert.Equal(created, stored.CreatedAt);
        Assert.Equal(ObjectKind.Table, stored.Kind);
    }

    [Fact]
    public async Task A_statement_the_catalog_does_not_run_fails_through_the_returned_task()
    {
        await using var catalog = SqlCatalog.CreateInMemory();
        foreach (var sql in new[] { "SELECT 1", "SHOW JOBS" })
        {
            var statement = SqlParser.ParseStatement(sql);
            Assert.False(SqlCatalog.Handles(statement));
            var task = catalog.ExecuteAsync(statement);
            await Assert.ThrowsAsync<CatalogException>(() => task);
        }
        // USE fails without waiting on the store, and still through the task.
        var use = catalog.ExecuteAsync(SqlParser.ParseStatement("USE CATALOG hive"));
        Assert.Equal("A catalog with name [hive] does not exist.", (await Assert.ThrowsAsync<CatalogException>(() => use)).Message);
    }
}
