using Eddy.Sql.Syntax;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Syntax;

[Trait("Category", "Unit")]
public class StatementParserTests
{
    [Fact]
    public void Create_table_keeps_every_kind_of_column_the_watermark_the_key_and_the_options_in_order()
    {
        var create = Assert.IsType<CreateTableStatement>(SqlParser.ParseStatement(SqlCorpus.Statements[0]));
        Assert.Equal(["orders"], create.Name);
        Assert.Equal(new PhysicalColumn("order_id", new TypeName(SqlType.BigInt.NotNull()), null), create.Columns[0]);
        Assert.Equal(new PhysicalColumn("amount", new TypeName(SqlType.Decimal(10, 2)), "in euros"), create.Columns[2]);
        Assert.Equal(new MetadataColumn("event_time", new TypeName(SqlType.TimestampLtz(3)), "timestamp", false, null), create.Columns[8]);
        Assert.Equal(new MetadataColumn("partition", new TypeName(SqlType.BigInt), null, true, null), create.Columns[9]);
        Assert.Equal(new ComputedColumn("proc_time", new FunctionCall(["PROCTIME"], []), null), create.Columns[12]);
        Assert.Equal(["order_time"], create.Watermark!.Column);
        Assert.IsType<BinaryExpression>(create.Watermark.Expression);
        Assert.Equal(new PrimaryKeyConstraint(null, ["order_id"], Enforced: false), create.PrimaryKey);
        Assert.Equal("orders from the shop", create.Comment);
        Assert.Equal(new SqlProperty("connector", "kafka"), create.Options[0]);
        Assert.Equal(7, create.Options.Count);
        Assert.Equal(new SourcePosition(2, 3), create.Columns[0].Position);
        Assert.Equal(new SourcePosition(16, 3), create.Watermark.Position);
    }

    [Fact]
    public void An_inline_primary_key_becomes_the_tables_key()
    {
        var create = Assert.IsType<CreateTableStatement>(SqlParser.ParseStatement("CREATE TABLE t (id INT NOT NULL CONSTRAINT pk PRIMARY KEY NOT ENFORCED, v STRING) WITH ('connector' = 'print')"));
        Assert.Equal(new PrimaryKeyConstraint("pk", ["id"], Enforced: false), create.PrimaryKey);
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("CREATE TABLE t (id INT PRIMARY KEY NOT ENFORCED, PRIMARY KEY (id) NOT ENFORCED)"));
        Assert.Equal("SQL parse failed. At line 1, column 50: Duplicate primary key definition.", error.Message);
        Assert.Contains("UNIQUE constraint is not supported yet.", Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement("CREATE TABLE t (id INT, UNIQUE (id))")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_table_like_and_as_select_are_kept()
    {
        var like = Assert.IsType<CreateTableStatement>(SqlParser.ParseStatement("CREATE TABLE t2 (x INT) WITH ('a' = 'b') LIKE t1 (INCLUDING ALL OVERWRITING OPTIONS EXCLUDING WATERMARKS)"));
        Assert.Equal(new LikeClause(["t1"], [new LikeOption("INCLUDING", "ALL"), new LikeOption("OVERWRITING", "OPTIONS"), new LikeOption("EXCLUDING", "WATERMARKS")]), like.Like);
        var ctas = Assert.IsType<CreateTableStatement>(SqlParser.ParseStatement("CREATE TABLE t3 WITH ('connector' = 'print') AS SELECT * FROM t1"));
        Assert.IsType<SelectQuery>(ctas.AsQuery);
    }

    [Fact]
    public void Views_functions_drops_and_alters_parse()
    {
        Assert.Equal(new CreateViewStatement(["v"], true, true, ["a"], null, SqlParser.ParseQuery("SELECT 1")),
            SqlParser.ParseStatement("CREATE TEMPORARY VIEW IF NOT EXISTS v (a) AS SELECT 1"));
        Assert.Equal(new CreateFunctionStatement(["f"], true, true, false, "My.Type", "JAVA"),
            SqlParser.ParseStatement("create temporary system function f as 'My.Type' language java"));
        Assert.Equal(new DropStatement(ObjectKind.Table, ["db", "t"], true, false, true), SqlParser.ParseStatement("DROP TEMPORARY TABLE IF EXISTS db.t"));
        Assert.Equal(new AlterStatement(ObjectKind.Table, ["t"], false, [new SqlProperty("k", "v")], [], null), SqlParser.ParseStatement("ALTER TABLE t SET ('k' = 'v')"));
        Assert.Equal(new AlterStatement(ObjectKind.Table, ["t"], false, [], [], ["u"]), SqlParser.ParseStatement("ALTER TABLE t RENAME TO u"));
    }

    [Fact]
    public void Client_statements_parse()
    {
        Assert.Equal(new SetStatement(new SqlProperty("execution.runtime-mode", "streaming")), SqlParser.ParseStatement("SET 'execution.runtime-mode' = 'streaming';"));
        Assert.Equal(new SetStatement(null), SqlParser.ParseStatement("SET"));
        Assert.Equal(new ResetStatement("a"), SqlParser.ParseStatement("RESET 'a'"));
        Assert.Equal(new ShowStatement(ShowKind.Tables, null), SqlParser.ParseStatement("show tables"));
        Assert.Equal(new ShowStatement(ShowKind.CreateTable, ["t"]), SqlParser.ParseStatement("SHOW CREATE TABLE t"));
        Assert.Equal(new DescribeStatement(["t"]), SqlParser.ParseStatement("DESC t"));
        Assert.Equal(new UseStatement(["c", "d"], false), SqlParser.ParseStatement("USE c.d"));
        Assert.Equal(new UseStatement(["c"], true), SqlParser.ParseStatement("USE CATALOG c"));
    }

    [Fact]
    public void Insert_keeps_target_partition_columns_and_query()
    {
        var insert = Assert.IsType<InsertStatement>(SqlParser.ParseStatement("INSERT OVERWRITE c.d.t PARTITION (dt = '2024-01-01', h = 1) (a, b) SELECT x, y FROM s"));
        Assert.Equal(["c", "d", "t"], insert.Table);
        Assert.True(insert.Overwrite);
        Assert.Equal([new PartitionValue("dt", new StringLiteral("2024-01-01")), new PartitionValue("h", new NumericLiteral("1", false))], insert.Partition);
        Assert.Equal(["a", "b"], insert.Columns);
        Assert.IsType<SelectQuery>(insert.Query);
        Assert.IsType<InsertStatement>(SqlParser.ParseStatement("EXECUTE INSERT INTO t VALUES (1)"));
    }

    [Fact]
    public void Both_forms_of_statement_set_give_the_same_tree()
    {
        var script = SqlParser.ParseStatements("""
            SET 'pipeline.name' = 'two sinks';
            BEGIN STATEMENT SET;
            INSERT INTO a SELECT * FROM s;
            INSERT INTO b SELECT * FROM s;
            END;
            EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT * FROM s; INSERT INTO b SELECT * FROM s; END;
            """);
        Assert.Equal(3, script.Count);
        var set = Assert.IsType<StatementSetStatement>(script[1]);
        Assert.Equal(2, set.Inserts.Count);
        Assert.Equal(new SourcePosition(4, 1), set.Inserts[1].Position);
        Assert.Equal(script[1], script[2]);
    }

    [Fact]
    public void Explain_keeps_its_details_and_statement()
    {
        var explain = Assert.IsType<ExplainStatement>(SqlParser.ParseStatement("EXPLAIN CHANGELOG_MODE, ESTIMATED_COST INSERT INTO t SELECT 1"));
        Assert.Equal(["CHANGELOG_MODE", "ESTIMATED_COST"], explain.Details);
        Assert.IsType<InsertStatement>(explain.Statement);
        Assert.Equal(SqlParser.ParseStatement("EXPLAIN SELECT 1"), SqlParser.ParseStatement("EXPLAIN PLAN FOR SELECT 1"));
        Assert.IsType<StatementSetStatement>(Assert.IsType<ExplainStatement>(SqlParser.ParseStatement("EXPLAIN STATEMENT SET BEGIN INSERT INTO t SELECT 1; END")).Statement);
    }

    [Fact]
    public void A_script_splits_on_semicolons_and_skips_empty_statements_and_comments()
    {
        var script = SqlParser.ParseStatements("-- a comment\n;; SELECT 1; /* block\n comment */ SELECT 2 ;\n");
        Assert.Equal(2, script.Count);
        Assert.Equal(new SourcePosition(2, 4), script[0].Position);
        Assert.Equal(new SourcePosition(3, 13), script[1].Position);
        Assert.Empty(SqlParser.ParseStatements("  -- nothing\n"));
    }

    [Theory]
    [InlineData("CREATE DATABASE db", "CREATE DATABASE is not supported.")]
    [InlineData("CREATE CATALOG c WITH ('type' = 'x')", "CREATE CATALOG is not supported.")]
    [InlineData("DROP DATABASE db", "DROP DATABASE is not supported.")]
    [InlineData("LOAD MODULE hive", "LOAD statements is not supported.")]
    [InlineData("DELETE FROM t WHERE a = 1", "DELETE statements is not supported.")]
    [InlineData("CREATE OR REPLACE TABLE t (a INT)", "CREATE OR REPLACE is not supported.")]
    public void Unsupported_statements_are_refused_by_name(string text, string message)
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement(text));
        Assert.Equal("SQL parse failed. At line 1, column 1: " + message, error.Message);
    }
}
