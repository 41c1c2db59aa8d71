using System.Globalization;
using System.Text.RegularExpressions;

namespace Eddy.Cli.Sql;

/// <summary>
/// One statement of a script or of the interactive input: its text (without the terminating <c>;</c>, starting at its
/// first non-blank character, comments included) and where that text starts in the script, so that a position the
/// parser reports inside the statement can be shifted to the script's own line and column.
/// </summary>
/// <param name="Text">The statement's text.</param>
/// <param name="Line">The 1-based line of the script on which <paramref name="Text"/> starts.</param>
/// <param name="Column">The 1-based column of that line at which <paramref name="Text"/> starts.</param>
public sealed partial record SqlStatement(string Text, int Line, int Column)
{
    /// <summary>A position inside <see cref="Text"/> (1-based, as the parser reports it) as a position in the script.</summary>
    public (int Line, int Column) ToScriptPosition(int line, int column) =>
        line == 1 ? (Line, Column + column - 1) : (Line + line - 1, column);

    /// <summary>
    /// Rewrites every "line N, column M" in an error message about this statement (Flink's wording, e.g.
    /// <c>Encountered "FORM" at line 1, column 10.</c>) to the script's line and column, so an error in
    /// <c>eddy sql -f job.sql</c> points into the file.
    /// </summary>
    public string ShiftPositions(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Line == 1 && Column == 1)
        {
            return message;
        }
        return LineColumn().Replace(message, match =>
        {
            if (!int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var line)
                || !int.TryParse(match.Groups[4].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var column))
            {
                return match.Value;
            }
            var (scriptLine, scriptColumn) = ToScriptPosition(line, column);
            return string.Create(CultureInfo.InvariantCulture, $"{match.Groups[1].Value}{scriptLine}{match.Groups[3].Value}{scriptColumn}");
        });
    }

    [GeneratedRegex(@"(\bline )(\d{1,9})(, column )(\d{1,9})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LineColumn();
}
