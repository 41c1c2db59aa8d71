using Eddy.Sql.Catalog;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Tests.Catalog;

/// <summary>CREATE TABLE ... LIKE: Flink's merging of columns, watermarks, keys, partitions and options, per INCLUDING/EXCLUDING/OVERWRITING.</summary>
[Trait("Category", "Unit")]
public class CreateTableLikeTests
{
    private const string Orders = """
        CREATE TABLE Orders (
            `user` BIGINT,
            product STRING,
            order_time TIMESTAMP(3),
            cost AS 1 + 1,
            PRIMARY KEY (`user`) NOT ENFORCED
        ) WITH (
            'connector' = 'kafka',
            'scan.startup.mode' = 'earliest-offset'
        )
        """;

    private readonly CatalogSession _session = CatalogSession.On(new InMemoryCatalogStore());

    private async Task<CreateTableStatement> Create(string sql, string name)
    {
        await _session.Run(Orders);
        await _session.Run(sql);
        var entry = _session.Table(name)!;
        Assert.Equal(SqlParser.ParseStatement(entry.Text), entry.Definition);
        return (CreateTableStatement)entry.Definition;
    }

    [Fact]
    public async Task Flinks_documented_example_adds_a_watermark_and_overwrites_an_option()
    {
        var table = await Create("""
            CREATE TABLE Orders_with_watermark (
                WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND
            ) WITH (
                'scan.startup.mode' = 'latest-offset'
            )
            LIKE Orders
            """, "Orders_with_watermark");
        Assert.Equal(["user", "product", "order_time", "cost"], table.Columns.Select(c => c.Name));
        Assert.Equal(["order_time"], table.Watermark!.Column);
        Assert.Equal(["user"], table.PrimaryKey!.Columns);
        Assert.Equal([("connector", "kafka"), ("scan.startup.mode", "latest-offset")], table.Options.Select(o => (o.Key, o.Value)));
        Assert.Null(table.Like);
    }

    [Fact]
    public async Task EXCLUDING_ALL_keeps_only_the_physical_columns_and_the_new_tables_own_parts()
    {
        var table = await Create("""
            CREATE TABLE Orders_in_file (extra INT) WITH ('connector' = 'filesystem') LIKE Orders (EXCLUDING ALL)
            """, "Orders_in_file");
        Assert.Equal(["user", "product", "order_time", "extra"], table.Columns.Select(c => c.Name));
        Assert.Null(table.PrimaryKey);
        Assert.Equal([("connector", "filesystem")], table.Options.Select(o => (o.Key, o.Value)));
    }

    [Fact]
    public async Task Clashes_the_strategies_do_not_resolve_fail_with_Flinks_messages()
    {
        await _session.Run(Orders);
        Assert.Equal("A column named 'product' already exists in the base table.",
            await _session.Fails("CREATE TABLE t (product INT) WITH ('connector' = 'x') LIKE Orders"));
        Assert.Equal("A generated column named 'cost' already exists in the base table. You might want to specify EXCLUDING GENERATED or OVERWRITING GENERATED.",
            await _session.Fails("CREATE TABLE t (cost AS 2) WITH ('connector' = 'x') LIKE Orders"));
        Assert.Equal("The base table already has a primary key. You might want to specify EXCLUDING CONSTRAINTS.",
            await _session.Fails("CREATE TABLE t (PRIMARY KEY (product) NOT ENFORCED) WITH ('connector' = 'x') LIKE Orders"));
        Assert.Equal("There already exists an option ['connector' -> 'kafka']  in the base table. You might want to specify EXCLUDING OPTIONS or OVERWRITING OPTIONS.",
            await _session.Fails("CREATE TABLE t WITH ('connector' = 'x') LIKE Orders (INCLUDING OPTIONS)"));
        Assert.StartsWith("Source table 'default_catalog.default_database.Nope' of the LIKE clause not found in the catalog, at line 1, column",
            await _session.Fails("CREATE TABLE t WITH ('connector' = 'x') LIKE Nope"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OVERWRITING_GENERATED_replaces_the_sources_computed_column()
    {
        var table = await Create("CREATE TABLE t (cost AS 2) WITH ('connector' = 'x') LIKE Orders (OVERWRITING GENERATED)", "t");
        var cost = Assert.IsType<ComputedColumn>(table.Columns.Single(c => c.Name == "cost"));
        Assert.Equal(SqlParser.ParseExpression("2"), cost.Expression);
        Assert.Equal([("connector", "x"), ("scan.startup.mode", "earliest-offset")], table.Options.Select(o => (o.Key, o.Value)));
    }

    [Fact]
    public async Task A_table_created_LIKE_another_does_not_change_when_the_source_is_dropped()
    {
        var table = await Create("CREATE TABLE copy WITH ('topic' = 'copy') LIKE Orders", "copy");
        await _session.Run("DROP TABLE Orders");
        Assert.Equal(table, _session.Table("copy")!.Definition);
        Assert.StartsWith("CREATE TABLE `default_catalog`.`default_database`.`copy` (", await _session.ShowCreate("SHOW CREATE TABLE copy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_view_cannot_be_the_source_of_LIKE()
    {
        await _session.Run("CREATE VIEW v AS SELECT 1 AS a");
        Assert.StartsWith("Source table of a LIKE clause can not be a VIEW, at line 1, column",
            await _session.Fails("CREATE TABLE t WITH ('connector' = 'x') LIKE v"), StringComparison.Ordinal);
    }
}
