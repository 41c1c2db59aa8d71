using System.Text;

namespace Eddy.Cli.Sql;

/// <summary>
/// The lines entered at the prompt, for up/down, kept in a file across sessions (<c>~/.eddy/sql_history</c> or
/// <c>--history-file</c>): a line per entry, appended as it is entered, the last <see cref="MaxEntries"/> loaded at
/// start. Blank lines and a repeat of the previous line are not kept. A file that cannot be read or written turns
/// persistence off with one warning; the session goes on.
/// </summary>
internal sealed class SqlHistory
{
    public const int MaxEntries = 1000;

    private readonly List<string> _entries = [];
    private readonly TextWriter? _warnings;
    private string? _path;

    private SqlHistory(string? path, TextWriter? warnings)
    {
        _path = path;
        _warnings = warnings;
    }

    /// <summary>The entries, oldest first.</summary>
    public IReadOnlyList<string> Entries => _entries;

    /// <summary>A history kept only in memory.</summary>
    public static SqlHistory InMemory() => new(null, null);

    /// <summary>The history of <paramref name="path"/>, loaded now and appended to with every entry.</summary>
    public static SqlHistory Open(string path, TextWriter warnings)
    {
        var history = new SqlHistory(path, warnings);
        history.Load();
        return history;
    }

    /// <summary>The default file: <c>~/.eddy/sql_history</c>.</summary>
    public static string DefaultPath() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".eddy", "sql_history");

    public void Add(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || (_entries.Count > 0 && _entries[^1] == line))
        {
            return;
        }
        _entries.Add(line);
        if (_entries.Count > MaxEntries)
        {
            _entries.RemoveAt(0);
        }
        if (_path is null)
        {
            return;
        }
        try
        {
            File.AppendAllText(_path, line + "\n", Utf8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Disable($"cannot write the history file {_path}: {e.Message}; history is kept for this session only");
        }
    }

    private void Load()
    {
        if (_path is null)
        {
            return;
        }
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(_path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }
            if (!File.Exists(_path))
            {
                return;
            }
            var lines = File.ReadAllLines(_path, Utf8);
            for (var i = Math.Max(0, lines.Length - MaxEntries); i < lines.Length; i++)
            {
                if (!string.IsNullOrWhiteSpace(lines[i]))
                {
                    _entries.Add(lines[i]);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Disable($"cannot read the history file {_path}: {e.Message}; history is kept for this session only");
        }
    }

    private void Disable(string warning)
    {
        _path = null;
        _warnings?.Write($"warning: {warning}\n");
        _warnings?.Flush();
    }

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
}
