using System.Collections.Immutable;
using CsCheck;
using Eddy.Engine.Testing;
using Eddy.Sql.Planning;
using Eddy.Sql.Planning.Expressions;
using Eddy.Sql.Planning.Logical;
using Eddy.Sql.Planning.Translation;
using Eddy.Sql.Types;
using static Eddy.Sql.Tests.Translation.Harness;

namespace Eddy.Sql.Tests.Translation;

/// <summary>UNION ALL translated to the engine's Union, on append and updating inputs, compared with DuckDB's UNION ALL.</summary>
[Trait("Category", "Unit")]
public class UnionTranslationTests
{
    private static readonly string?[] Names = ["ann", "bob", null];

    private static readonly TestTable Clicks = new(
        Kafka("clicks", [new("user", SqlType.String), new("n", SqlType.Int)]), [("user", "VARCHAR"), ("n", "INTEGER")]);

    private static readonly TestTable Views = new(
        Kafka("views", [new("viewer", SqlType.String), new("n", SqlType.Int)]), [("viewer", "VARCHAR"), ("n", "INTEGER")]);

    private static readonly TestTable Profiles = new(
        Upsert("profiles", [new("pid", SqlType.BigInt.NotNull()), new("name", SqlType.String), new("n", SqlType.Int)], "pid"),
        [("pid", "BIGINT"), ("name", "VARCHAR"), ("n", "INTEGER")]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_union_all_merges_the_inputs_rows_or_changes_as_duckdb_does(bool withUpdates)
    {
        // SELECT user, n FROM clicks UNION ALL SELECT viewer, n FROM views [UNION ALL SELECT name, n FROM profiles]
        var clicks = new TableScanNode(Clicks.Table);
        var views = new TableScanNode(Views.Table);
        var profiles = new TableScanNode(Profiles.Table);
        var fromProfiles = new ProjectNode(profiles, [Rex.Input(1, SqlType.String), Rex.Input(2, SqlType.Int)], ["name", "n"]);
        var union = new UnionNode(withUpdates ? [clicks, views, fromProfiles] : [clicks, views]);
        var sink = withUpdates ? ChangelogSink("all", union) : InsertSink("all", union);
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 9], Gen.Int[0, 2]).Array[1, 50].Sample(events =>
        {
            using var driver = new JobTestDriver(JobTranslator.Translate("union", sink), new JobTestDriverOptions { Partitions = 3 });
            var rows = new List<object?[]>[] { [], [], [] };
            var current = new Dictionary<long, object?[]>();
            var time = 0L;
            foreach (var (table, name, number, partition) in events)
            {
                time++;
                if (table == 2 && withUpdates)
                {
                    var id = (long)(number % 4);
                    var key = Row.Of([SqlType.BigInt.NotNull()], id);
                    if (number >= 7)
                    {
                        driver.Input<Row, Row>("profiles").Pipe(key, null!, time);
                        current.Remove(id);
                    }
                    else
                    {
                        object?[] values = [id, Names[name], number];
                        driver.Input<Row, Row>("profiles").Pipe(key, Row.Of(profiles.FieldTypes, values), time);
                        current[id] = values;
                    }
                    continue;
                }
                var target = table == 0 ? Clicks : Views;
                object?[] row = [Names[name], number == 9 ? null : number];
                driver.Input<Row, Row>(target.Table.Topic).Pipe(null!, Row.Of([SqlType.String, SqlType.Int], row), time, partition);
                rows[table % 2].Add(row);
            }
            var query = "SELECT * FROM clicks UNION ALL SELECT * FROM views" + (withUpdates ? " UNION ALL SELECT name, n FROM profiles" : "");
            var expected = Oracle(query, (Clicks, rows[0]), (Views, rows[1]), (Profiles, current.Values));
            Assert.Equal(expected, withUpdates ? Materialize(driver, sink) : Inserts(driver, sink));
        }, iter: 30, threads: 1);
    }

    [Fact]
    public void Values_are_refused_by_name_as_the_engine_has_no_bounded_source()
    {
        var values = new ValuesNode([new SqlField("a", SqlType.Int.NotNull())], [[Rex.Int(1)], [Rex.Int(2)]]);
        var error = Assert.Throws<PlanningException>(() => JobTranslator.Translate("values", InsertSink("out", values)));
        Assert.StartsWith("LogicalValues is not translated to the engine: the engine has no bounded source of constant rows", error.Message);
    }
}
