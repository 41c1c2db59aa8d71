using System.Collections.Immutable;
using CsCheck;
using Eddy.Engine.Testing;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Changelog;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;
using static Eddy.Sql.Tests.Translation.Harness;

namespace Eddy.Sql.Tests.Translation;

/// <summary>
/// Regular, semi and anti joins translated to the engine's regular join, run on random rows (NULL keys, keys of two
/// integer types, several partitions, updates and deletes through an upsert table) and compared with DuckDB's join
/// over the same rows (an updating table at its final state).
/// </summary>
[Trait("Category", "Unit")]
public class JoinTranslationTests
{
    private static readonly string?[] Names = ["ann", "bob", "cy", null];

    private static readonly TestTable Orders = new(
        Kafka("orders", [new("id", SqlType.BigInt), new("customer", SqlType.String), new("amount", SqlType.Int)]),
        [("id", "BIGINT"), ("customer", "VARCHAR"), ("amount", "INTEGER")]);

    private static readonly TestTable Payments = new(
        Kafka("payments", [new("pid", SqlType.BigInt), new("who", SqlType.String), new("code", SqlType.BigInt)]),
        [("pid", "BIGINT"), ("who", "VARCHAR"), ("code", "BIGINT")]);

    private static readonly TestTable Accounts = new(
        Upsert("accounts", [new("aid", SqlType.BigInt.NotNull()), new("owner", SqlType.String), new("credit", SqlType.Int)], "aid"),
        [("aid", "BIGINT"), ("owner", "VARCHAR"), ("credit", "INTEGER")]);

    /// <summary>A random event: which table, a name (or NULL), a small number (or NULL), a partition, an upsert's kind (0 deletes).</summary>
    private static readonly Gen<(int Table, int Name, int Number, int Partition, int Kind)[]> Events =
        Gen.Select(Gen.Int[0, 1], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 3]).Array[1, 60];

    /// <summary>Pipes the events: table 0 appends to <paramref name="left"/>, table 1 to <paramref name="right"/> (upserts when it is an upsert table).</summary>
    private static (List<object?[]> Left, List<object?[]> Right) Feed(JobTestDriver driver, TestTable left, TestTable right,
        (int Table, int Name, int Number, int Partition, int Kind)[] events)
    {
        var lefts = new List<object?[]>();
        var rights = new List<object?[]>();
        var upserts = new Dictionary<long, object?[]>();
        var time = 0L;
        for (var i = 0; i < events.Length; i++)
        {
            var (table, name, number, partition, kind) = events[i];
            var target = table == 0 ? left : right;
            var types = target.Table.Schema.Select(f => f.Type).ToArray();
            var input = driver.Input<Row, Row>(target.Table.Topic);
            time++;
            if (target.Table.Changelog == TableChangelog.Upsert)
            {
                // Few keys, so rows are updated and deleted often.
                var id = (long)(i % 5);
                var key = Row.Of([SqlType.BigInt.NotNull()], id);
                if (kind == 0)
                {
                    input.Pipe(key, null!, time);
                    upserts.Remove(id);
                }
                else
                {
                    object?[] values = [id, Names[name], number == 3 ? null : number];
                    input.Pipe(key, Row.Of(types, values), time);
                    upserts[id] = values;
                }
                continue;
            }
            object?[] row = types[2].Kind == SqlTypeKind.Int
                ? [(long)i, Names[name], number == 3 ? null : number]
                : [(long)i, Names[name], number == 3 ? null : (long)number];
            input.Pipe(null!, Row.Of(types, row), time, partition);
            (table == 0 ? lefts : rights).Add(row);
        }
        if (upserts.Count > 0 || left.Table.Changelog == TableChangelog.Upsert || right.Table.Changelog == TableChangelog.Upsert)
        {
            if (left.Table.Changelog == TableChangelog.Upsert)
                lefts = [.. upserts.Values];
            else
                rights = [.. upserts.Values];
        }
        return (lefts, rights);
    }

    private static string DuckJoin(JoinKind kind) => kind switch
    {
        JoinKind.Inner => "JOIN",
        JoinKind.Left => "LEFT JOIN",
        JoinKind.Right => "RIGHT JOIN",
        _ => "FULL OUTER JOIN",
    };

    [Theory]
    [InlineData("Inner")]
    [InlineData("Left")]
    [InlineData("Right")]
    [InlineData("Full")]
    public void A_join_of_two_append_tables_on_a_two_column_key_materializes_to_duckdbs_join(string kindName)
    {
        // SELECT * FROM orders o [kind] JOIN payments p ON o.customer = p.who AND o.amount = p.code  (INT = BIGINT)
        var kind = Enum.Parse<JoinKind>(kindName);
        var orders = new TableScanNode(Orders.Table);
        var payments = new TableScanNode(Payments.Table);
        var join = new JoinNode(orders, payments, kind, [1, 2], [1, 2]);
        var sink = kind == JoinKind.Inner ? InsertSink("joined", join) : ChangelogSink("joined", join);
        Assert.Equal(kind == JoinKind.Inner, ChangelogInference.Analyze(sink)[join].Mode.IsInsertOnly);
        Events.Sample(events =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("join", sink), new JobTestDriverOptions { Partitions = 3 });
            var (lefts, rights) = Feed(driver, Orders, Payments, events);
            var actual = kind == JoinKind.Inner ? Inserts(driver, sink) : Materialize(driver, sink);
            var expected = Oracle($"SELECT * FROM orders o {DuckJoin(kind)} payments p ON o.customer = p.who AND o.amount = p.code",
                (Orders, lefts), (Payments, rights));
            Assert.Equal(expected, actual);
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void An_inner_joins_residual_condition_filters_the_matched_pairs()
    {
        // SELECT * FROM orders o JOIN payments p ON o.customer = p.who AND o.id < p.pid
        var orders = new TableScanNode(Orders.Table);
        var payments = new TableScanNode(Payments.Table);
        var residual = Rex.Compare(SqlOperator.LessThan, Rex.Input(0, SqlType.BigInt), Rex.Input(3, SqlType.BigInt));
        var join = new JoinNode(orders, payments, JoinKind.Inner, [1], [1], residual);
        var sink = InsertSink("joined", join);
        Events.Sample(events =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("join", sink), new JobTestDriverOptions { Partitions = 3 });
            var (lefts, rights) = Feed(driver, Orders, Payments, events);
            var expected = Oracle("SELECT * FROM orders o JOIN payments p ON o.customer = p.who AND o.id < p.pid", (Orders, lefts), (Payments, rights));
            Assert.Equal(expected, Inserts(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Theory]
    [InlineData("Inner")]
    [InlineData("Left")]
    [InlineData("Right")]
    [InlineData("Full")]
    public void A_join_with_an_upsert_table_retracts_what_its_updates_and_deletes_take_back(string kindName)
    {
        // SELECT * FROM orders o [kind] JOIN accounts a ON o.customer = a.owner, accounts updated and deleted meanwhile.
        var kind = Enum.Parse<JoinKind>(kindName);
        var orders = new TableScanNode(Orders.Table);
        var accounts = new TableScanNode(Accounts.Table);
        var join = new JoinNode(orders, accounts, kind, [1], [1]);
        var sink = ChangelogSink("joined", join);
        Events.Sample(events =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("join", sink), new JobTestDriverOptions { Partitions = 3 });
            var (lefts, rights) = Feed(driver, Orders, Accounts, events);
            var expected = Oracle($"SELECT * FROM orders o {DuckJoin(kind)} accounts a ON o.customer = a.owner", (Orders, lefts), (Accounts, rights));
            Assert.Equal(expected, Materialize(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void An_updating_table_on_the_left_of_a_full_join_retracts_its_padded_rows_too()
    {
        // SELECT * FROM accounts a FULL JOIN payments p ON a.owner = p.who AND a.credit = p.code
        var accounts = new TableScanNode(Accounts.Table);
        var payments = new TableScanNode(Payments.Table);
        var join = new JoinNode(accounts, payments, JoinKind.Full, [1, 2], [1, 2]);
        var sink = ChangelogSink("joined", join);
        Events.Sample(events =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("join", sink), new JobTestDriverOptions { Partitions = 3 });
            var (lefts, rights) = Feed(driver, Accounts, Payments, events);
            var expected = Oracle("SELECT * FROM accounts a FULL OUTER JOIN payments p ON a.owner = p.who AND a.credit = p.code",
                (Accounts, lefts), (Payments, rights));
            Assert.Equal(expected, Materialize(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Theory]
    [InlineData("Semi", "payments")]
    [InlineData("Anti", "payments")]
    [InlineData("Semi", "accounts")]
    [InlineData("Anti", "accounts")]
    public void Exists_and_not_exists_subqueries_keep_the_left_rows_with_and_without_a_match(string kindName, string rightName)
    {
        // SELECT * FROM orders o WHERE [NOT] EXISTS (SELECT 1 FROM right r WHERE r.<name> = o.customer)
        var kind = Enum.Parse<JoinKind>(kindName);
        var right = rightName == "payments" ? Payments : Accounts;
        var orders = new TableScanNode(Orders.Table);
        var join = new JoinNode(orders, new TableScanNode(right.Table), kind, [1], [1]);
        var insertOnly = kind == JoinKind.Semi && right == Payments;
        var sink = insertOnly ? InsertSink("matched", join) : ChangelogSink("matched", join);
        Assert.Equal(insertOnly, ChangelogInference.Analyze(sink)[join].Mode.IsInsertOnly);
        Assert.Equal(orders.Fields, join.Fields);
        Events.Sample(events =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("exists", sink), new JobTestDriverOptions { Partitions = 3 });
            var (lefts, rights) = Feed(driver, Orders, right, events);
            var column = right.DuckColumns[1].Name;
            var expected = Oracle(
                $"SELECT * FROM orders o WHERE {(kind == JoinKind.Anti ? "NOT " : "")}EXISTS (SELECT 1 FROM {right.DuckName} r WHERE r.{column} = o.customer)",
                (Orders, lefts), (right, rights));
            Assert.Equal(expected, insertOnly ? Inserts(driver, sink) : Materialize(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void An_outer_join_with_a_non_equi_condition_is_refused_by_name()
    {
        var orders = new TableScanNode(Orders.Table);
        var payments = new TableScanNode(Payments.Table);
        var residual = Rex.Compare(SqlOperator.LessThan, Rex.Input(0, SqlType.BigInt), Rex.Input(3, SqlType.BigInt));
        var join = new JoinNode(orders, payments, JoinKind.Left, [1], [1], residual);
        var error = Assert.Throws<PlanningException>(() => JobTranslator.Translate("refused", ChangelogSink("joined", join)));
        Assert.Equal(
            "Join(joinType=[LeftOuterJoin], where=[AND(=(customer, who), <(id, pid))], select=[id, customer, amount, pid, who, code]): a LEFT JOIN with a non-equi condition is not translated to the engine yet (the engine's regular join matches on equal keys only).",
            error.Message);
    }
}
