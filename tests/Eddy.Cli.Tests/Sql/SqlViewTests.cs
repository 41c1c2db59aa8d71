using System.Text.Json;
using Eddy.Cli.Sql;
using Eddy.Engine.Records;

namespace Eddy.Cli.Tests.Sql;

[Trait("Category", "Unit")]
public class SqlViewTests
{
    private static readonly SqlResultColumn[] NameCount = [new("name", "STRING"), new("cnt", "BIGINT NOT NULL")];

    // Flink's documented word count: SELECT name, COUNT(*) AS cnt FROM (VALUES ('Bob'), ('Alice'), ('Greg'), ('Bob')) ...
    private static readonly SqlChange[] WordCount =
    [
        new(RowKind.Insert, ["Bob", "1"]),
        new(RowKind.Insert, ["Alice", "1"]),
        new(RowKind.Insert, ["Greg", "1"]),
        new(RowKind.UpdateBefore, ["Bob", "1"]),
        new(RowKind.UpdateAfter, ["Bob", "2"]),
    ];

    private static async Task<string> ShowAsync(ISqlChangeView view, IReadOnlyList<SqlResultColumn> columns, IEnumerable<SqlChange> changes, bool cancelled = false)
    {
        await view.BeginAsync(columns);
        foreach (var change in changes)
        {
            await view.ChangeAsync(change);
        }
        await view.EndAsync(cancelled);
        return "";
    }

    [Fact]
    public async Task Tableau_mode_prints_flinks_documented_word_count_exactly()
    {
        var output = new StringWriter();
        await ShowAsync(new TableauChangeView(output), NameCount, WordCount);
        Assert.Equal(
            """
            +----+--------------------------------+----------------------+
            | op |                           name |                  cnt |
            +----+--------------------------------+----------------------+
            | +I |                            Bob |                    1 |
            | +I |                          Alice |                    1 |
            | +I |                           Greg |                    1 |
            | -U |                            Bob |                    1 |
            | +U |                            Bob |                    2 |
            +----+--------------------------------+----------------------+
            Received a total of 5 rows

            """, output.ToString());
    }

    [Fact]
    public async Task Tableau_widths_come_from_the_types_and_nulls_print_as_flink_prints_them()
    {
        var columns = new SqlResultColumn[]
        {
            new("b", "BOOLEAN"), new("i", "INT"), new("d", "DECIMAL(5, 2)"), new("ts", "TIMESTAMP(3) *ROWTIME*"),
            new("t", "TIME(0)"), new("day", "DATE"), new("a_long_column_name", "TINYINT"),
        };
        var output = new StringWriter();
        await ShowAsync(new TableauChangeView(output), columns,
            [new(RowKind.Insert, ["true", "-2147483648", "-123.45", "2024-01-31 12:00:00.123", "23:59:59", "2024-01-31", "-128"]),
             new(RowKind.Delete, [null, null, null, null, null, null, null])]);
        Assert.Equal(
            """
            +----+--------+-------------+---------+-------------------------+----------+------------+--------------------+
            | op |      b |           i |       d |                      ts |        t |        day | a_long_column_name |
            +----+--------+-------------+---------+-------------------------+----------+------------+--------------------+
            | +I |   true | -2147483648 | -123.45 | 2024-01-31 12:00:00.123 | 23:59:59 | 2024-01-31 |               -128 |
            | -D | <NULL> |      <NULL> |  <NULL> |                  <NULL> |   <NULL> |     <NULL> |             <NULL> |
            +----+--------+-------------+---------+-------------------------+----------+------------+--------------------+
            Received a total of 2 rows

            """, output.ToString());
    }

    [Fact]
    public async Task Tableau_of_an_empty_result_is_the_header_and_flinks_zero_row_footer()
    {
        var output = new StringWriter();
        await ShowAsync(new TableauChangeView(output), [new("id", "INT")], []);
        Assert.Equal(
            """
            +----+-------------+
            | op |          id |
            +----+-------------+
            Received a total of 0 row

            """, output.ToString());
    }

    [Fact]
    public async Task Tableau_counts_wide_characters_twice_and_cuts_a_long_value_with_dots()
    {
        var output = new StringWriter();
        await ShowAsync(new TableauChangeView(output), [new("s", "STRING")],
            [new(RowKind.Insert, ["中文字"]), new(RowKind.Insert, [new string('中', 16)]), new(RowKind.Insert, ["abcdefghijklmnopqrstuvwxyz0123456789"])],
            cancelled: true);
        Assert.Equal(
            """
            +----+--------------------------------+
            | op |                              s |
            +----+--------------------------------+
            | +I |                         中文字 |
            | +I |  中中中中中中中中中中中中中... |
            | +I | abcdefghijklmnopqrstuvwxyz0... |
            Query terminated, received a total of 3 rows

            """, output.ToString());
    }

    [Fact]
    public async Task Changelog_mode_lists_every_change_with_its_row_kind_under_a_header()
    {
        var output = new StringWriter();
        await ShowAsync(new ChangelogChangeView(output), [new("name", "VARCHAR(5)"), new("cnt", "INT")], WordCount.Take(2).Append(WordCount[3]));
        Assert.Equal(
            """
             op                           name         cnt
             +I                            Bob           1
             +I                          Alice           1
             -U                            Bob           1
            Received a total of 3 rows

            """, output.ToString());
    }

    [Fact]
    public async Task Json_mode_prints_one_object_per_change_with_numbers_booleans_and_nulls_typed()
    {
        var output = new StringWriter();
        var columns = new SqlResultColumn[] { new("name", "STRING"), new("cnt", "BIGINT"), new("ok", "BOOLEAN"), new("x", "DOUBLE"), new("d", "DECIMAL(3, 1)") };
        await ShowAsync(new JsonChangeView(output), columns,
            [new(RowKind.UpdateAfter, ["Zoë \"Z\"", "2", "true", "Infinity", "-0.5"]), new(RowKind.Delete, [null, null, null, "1.0E10", null])]);
        Assert.Equal(
            """
            {"op":"+U","row":{"name":"Zoë \"Z\"","cnt":2,"ok":true,"x":"Infinity","d":-0.5}}
            {"op":"-D","row":{"name":null,"cnt":null,"ok":null,"x":1.0E10,"d":null}}

            """, output.ToString());
        foreach (var line in output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var _ = JsonDocument.Parse(line);
        }
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("-12.50", true)]
    [InlineData("1E-7", true)]
    [InlineData("007", false)]
    [InlineData("1.", false)]
    [InlineData("NaN", false)]
    [InlineData("-Infinity", false)]
    [InlineData("", false)]
    public void Only_json_number_literals_are_written_as_numbers(string text, bool number)
    {
        Assert.Equal(number, JsonChangeView.IsJsonNumber(text));
    }

    [Fact]
    public void The_plain_result_table_prints_show_tables_as_flink_does()
    {
        Assert.Equal(
            """
            +------------+
            | table name |
            +------------+
            |     Orders |
            +------------+
            1 row in set

            """, ResultTablePrinter.Format([new("table name", "STRING")], [["Orders"]]));
    }

    [Fact]
    public void The_plain_result_table_grows_to_its_widest_value_and_stops_at_the_maximum()
    {
        var text = ResultTablePrinter.Format([new("key", "STRING"), new("value", "STRING")],
            [["a", null], ["sql-client.execution.result-mode", "中文"], ["k", "v"]]);
        Assert.Equal(
            """
            +--------------------------------+--------+
            |                            key |  value |
            +--------------------------------+--------+
            |                              a | <NULL> |
            | sql-client.execution.result... |   中文 |
            |                              k |      v |
            +--------------------------------+--------+
            3 rows in set

            """, text);
    }

    [Fact]
    public void An_empty_plain_result_is_an_empty_set()
    {
        Assert.Equal("Empty set\n", ResultTablePrinter.Format([new("table name", "STRING")], []));
    }

    [Fact]
    public void Table_mode_materializes_updates_by_removing_the_retracted_row_and_appending_the_new_one()
    {
        var table = new MaterializedResult();
        foreach (var change in WordCount)
        {
            table.Apply(change);
        }
        Assert.Equal([["Alice", "1"], ["Greg", "1"], ["Bob", "2"]], table.Rows.Select(r => r.ToArray()));
    }

    [Fact]
    public void A_retraction_removes_the_newest_equal_row_and_a_retraction_of_an_unknown_row_changes_nothing()
    {
        var table = new MaterializedResult();
        table.Apply(new(RowKind.Insert, ["a", "1"]));
        table.Apply(new(RowKind.Insert, ["b", null]));
        table.Apply(new(RowKind.Insert, ["a", "1"]));
        table.Apply(new(RowKind.Insert, ["c", "3"]));
        table.Apply(new(RowKind.Delete, ["a", "1"]));
        table.Apply(new(RowKind.UpdateBefore, ["z", "9"]));
        table.Apply(new(RowKind.Delete, ["b", null]));
        Assert.Equal([["a", "1"], ["c", "3"]], table.Rows.Select(r => r.ToArray()));
    }

    [Fact]
    public void A_bounded_table_drops_its_oldest_row_first()
    {
        var table = new MaterializedResult(maxRows: 2);
        foreach (var name in new[] { "a", "b", "c" })
        {
            table.Apply(new(RowKind.Insert, [name]));
        }
        Assert.Equal([["b"], ["c"]], table.Rows.Select(r => r.ToArray()));
    }

    [Fact]
    public async Task Table_mode_off_a_terminal_prints_the_final_table_once()
    {
        var output = new StringWriter();
        var view = new TableChangeView(output, terminal: false, () => 0, TimeSpan.FromMilliseconds(100), () => (80, 24));
        await ShowAsync(view, NameCount, WordCount);
        Assert.Equal(
            """
            +-------+-----+
            |  name | cnt |
            +-------+-----+
            | Alice |   1 |
            |  Greg |   1 |
            |   Bob |   2 |
            +-------+-----+
            3 rows in set
            Received a total of 5 rows

            """, output.ToString());
    }

    [Fact]
    public async Task Table_mode_on_a_terminal_redraws_in_place_at_most_once_per_interval()
    {
        var output = new StringWriter();
        long now = 1000;
        var view = new TableChangeView(output, terminal: true, () => now, TimeSpan.FromMilliseconds(100), () => (80, 24));
        await view.BeginAsync(NameCount);
        var empty = output.ToString();
        Assert.Equal("+------+-----+\e[K\n| name | cnt |\e[K\n+------+-----+\e[K\n+------+-----+\e[K\n0 row; 0 changes received. Ctrl-C stops the query.\e[K\n\e[J", empty);

        await view.ChangeAsync(WordCount[0]);
        await view.ChangeAsync(WordCount[1]);
        Assert.Equal(empty, output.ToString()); // within the interval: held back

        now += 100;
        await view.TickAsync();
        var redrawn = output.ToString()[empty.Length..];
        Assert.StartsWith("\e[5F+-------+-----+\e[K\n|  name | cnt |\e[K\n", redrawn);
        Assert.Contains("| Alice |   1 |\e[K\n", redrawn);
        Assert.Contains("2 rows; 2 changes received.", redrawn);

        await view.TickAsync();
        Assert.Equal(empty.Length + redrawn.Length, output.ToString().Length); // nothing new: no redraw

        await view.EndAsync(cancelled: true);
        var end = output.ToString()[(empty.Length + redrawn.Length)..];
        Assert.StartsWith("\e[7F\e[J+-------+-----+\n", end);
        Assert.EndsWith("2 rows in set\nQuery terminated, received a total of 2 rows\n", end);
    }

    [Fact]
    public async Task Table_mode_draws_only_the_rows_that_fit_the_terminal()
    {
        var output = new StringWriter();
        var view = new TableChangeView(output, terminal: true, () => 0, TimeSpan.Zero, () => (80, 9));
        await view.BeginAsync([new("n", "INT")]);
        for (var i = 0; i < 10; i++)
        {
            await view.ChangeAsync(new(RowKind.Insert, [i.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        }
        var frame = view.Frame(9);
        Assert.Equal(["+---+", "| n |", "+---+", "| 0 |", "| 1 |", "| 2 |", "+---+", "10 rows, the first 3 shown; 10 changes received. Ctrl-C stops the query."], frame);
    }

    [Theory]
    [InlineData("TINYINT", 4)]
    [InlineData("SMALLINT NOT NULL", 6)]
    [InlineData("INTEGER", 11)]
    [InlineData("BIGINT", 20)]
    [InlineData("DECIMAL(10, 2)", 12)]
    [InlineData("DECIMAL", 12)]
    [InlineData("TIME", 8)]
    [InlineData("TIME(3)", 12)]
    [InlineData("TIMESTAMP", 26)]
    [InlineData("TIMESTAMP(0)", 19)]
    [InlineData("TIMESTAMP(9) WITH LOCAL TIME ZONE", 29)]
    [InlineData("TIMESTAMP_LTZ(3) *ROWTIME*", 23)]
    [InlineData("STRING", null)]
    [InlineData("ARRAY<INT>", null)]
    public void Type_widths_follow_flinks_column_width_by_type(string type, int? width)
    {
        Assert.Equal(width, TableauLayout.TypeWidth(type));
    }

    [Fact]
    public void Display_width_counts_east_asian_wide_characters_and_emoji_as_two_columns()
    {
        Assert.Equal(3, DisplayWidth.Of("abc"));
        Assert.Equal(4, DisplayWidth.Of("中文"));
        Assert.Equal(6, DisplayWidth.Of("한국어"));
        Assert.Equal(4, DisplayWidth.Of("ｆｕ"));
        Assert.Equal(2, DisplayWidth.Of("😀"));
        Assert.Equal(4, DisplayWidth.Of("éàüß"));
    }
}
