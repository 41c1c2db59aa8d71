using Eddy.Cli.Sql;
using Eddy.Testing;

namespace Eddy.Cli.Tests.Sql;

[Trait("Category", "Unit")]
public class LineEditorTests
{
    private static async Task<InputLine> ReadAsync(FakeTerminal terminal, SqlHistory? history = null, StringWriter? output = null) =>
        await new LineEditor(terminal, output ?? new StringWriter(), history ?? SqlHistory.InMemory()).ReadLineAsync("Eddy SQL> ", CancellationToken.None);

    [Fact]
    public async Task Typed_text_ends_at_enter()
    {
        Assert.Equal(new InputLine(LineStatus.Line, "SELECT 1;"), await ReadAsync(new FakeTerminal().Line("SELECT 1;")));
    }

    [Fact]
    public async Task Cursor_keys_move_where_typing_inserts_and_backspace_and_delete_erase()
    {
        var terminal = new FakeTerminal().Type("SELCT 1").Press(ConsoleKey.Home).Press(ConsoleKey.RightArrow).Press(ConsoleKey.RightArrow)
            .Press(ConsoleKey.RightArrow).Type("E").Press(ConsoleKey.End).Press(ConsoleKey.Backspace).Type("2")
            .Press(ConsoleKey.LeftArrow).Press(ConsoleKey.LeftArrow).Press(ConsoleKey.Delete).Type("\t")
            .Press(ConsoleKey.Enter);
        Assert.Equal("SELECT    2", (await ReadAsync(terminal)).Text);
    }

    [Fact]
    public async Task Ctrl_a_ctrl_e_ctrl_u_and_ctrl_k_work_as_in_readline()
    {
        var terminal = new FakeTerminal().Type("junk SELECT 1 junk").Ctrl('a').Press(ConsoleKey.RightArrow).Press(ConsoleKey.RightArrow)
            .Press(ConsoleKey.RightArrow).Press(ConsoleKey.RightArrow).Press(ConsoleKey.RightArrow).Ctrl('u').Ctrl('e')
            .Press(ConsoleKey.LeftArrow).Press(ConsoleKey.LeftArrow).Press(ConsoleKey.LeftArrow).Press(ConsoleKey.LeftArrow)
            .Press(ConsoleKey.LeftArrow).Ctrl('k').Press(ConsoleKey.Enter);
        Assert.Equal("SELECT 1", (await ReadAsync(terminal)).Text);
    }

    [Fact]
    public async Task Ctrl_c_discards_the_line_and_ctrl_d_ends_the_input_only_on_an_empty_line()
    {
        var output = new StringWriter();
        Assert.Equal(LineStatus.Interrupted, (await ReadAsync(new FakeTerminal().Type("SELECT").Ctrl('c'), output: output)).Status);
        Assert.EndsWith("^C\n", output.ToString());
        Assert.Equal(LineStatus.End, (await ReadAsync(new FakeTerminal().Ctrl('d'))).Status);
        Assert.Equal("ab", (await ReadAsync(new FakeTerminal().Type("abc").Press(ConsoleKey.LeftArrow).Ctrl('d').Press(ConsoleKey.Enter))).Text);
    }

    [Fact]
    public async Task Up_and_down_walk_the_history_and_bring_back_the_line_being_typed()
    {
        var history = SqlHistory.InMemory();
        history.Add("SELECT 1;");
        history.Add("SELECT 2;");
        var older = new FakeTerminal().Type("draft").Press(ConsoleKey.UpArrow).Press(ConsoleKey.UpArrow).Press(ConsoleKey.UpArrow).Press(ConsoleKey.Enter);
        Assert.Equal("SELECT 1;", (await ReadAsync(older, history)).Text);
        var back = new FakeTerminal().Type("draft").Press(ConsoleKey.UpArrow).Press(ConsoleKey.DownArrow).Press(ConsoleKey.DownArrow).Type("!").Press(ConsoleKey.Enter);
        Assert.Equal("draft!", (await ReadAsync(back, history)).Text);
    }

    [Fact]
    public async Task Every_key_redraws_the_line_with_the_cursor_in_place()
    {
        var output = new StringWriter();
        await ReadAsync(new FakeTerminal().Type("ab").Press(ConsoleKey.LeftArrow).Press(ConsoleKey.Enter), output: output);
        Assert.Equal("Eddy SQL> \rEddy SQL> a\e[K\rEddy SQL> ab\e[K\rEddy SQL> ab\e[K\e[1D\n", output.ToString());
    }

    [Fact]
    public async Task Entered_lines_persist_in_the_history_file_and_load_in_the_next_session()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "nested", "sql_history");
        var warnings = new StringWriter();
        var first = SqlHistory.Open(path, warnings);
        await ReadAsync(new FakeTerminal().Line("SELECT 1;"), first);
        await ReadAsync(new FakeTerminal().Line("SELECT 1;"), first);
        await ReadAsync(new FakeTerminal().Line("   "), first);
        await ReadAsync(new FakeTerminal().Line("SHOW TABLES;"), first);

        var second = SqlHistory.Open(path, warnings);
        Assert.Equal(["SELECT 1;", "SHOW TABLES;"], second.Entries);
        Assert.Equal("SHOW TABLES;", (await ReadAsync(new FakeTerminal().Press(ConsoleKey.UpArrow).Press(ConsoleKey.Enter), second)).Text);
        Assert.Equal("", warnings.ToString());
    }

    [Fact]
    public void A_history_file_that_cannot_be_written_warns_once_and_keeps_the_history_in_memory()
    {
        using var directory = new TempDirectory();
        var warnings = new StringWriter();
        var history = SqlHistory.Open(directory.Path, warnings); // a directory is no file
        history.Add("SELECT 1;");
        history.Add("SELECT 2;");
        Assert.Equal(["SELECT 1;", "SELECT 2;"], history.Entries);
        Assert.Single(warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning: cannot", warnings.ToString());
    }
}
