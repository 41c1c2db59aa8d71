using Eddy.Sql.Functions;
using Eddy.Sql.Planning;
using Eddy.Sql.Syntax;

namespace Eddy.Sql.Binding;

/// <summary>
/// Builds <see cref="SqlValidationException"/>s positioned on a syntax node, and turns the planner's and the functions
/// layer's unpositioned errors (<see cref="PlanningException"/>, <see cref="SqlFunctionException"/>) into positioned ones.
/// </summary>
internal static class BindingErrors
{
    /// <summary>An error on <paramref name="node"/>'s text.</summary>
    public static SqlValidationException At(SqlNode node, string detail, Exception? cause = null)
    {
        var start = node.Position;
        var end = EndOf(node);
        return cause is null ? new SqlValidationException(detail, start, end) : new SqlValidationException(detail, start, end, cause);
    }

    /// <summary>An error on a name written at <paramref name="position"/> (a table name, a key column of a DDL clause).</summary>
    public static SqlValidationException AtName(SourcePosition position, string name, string detail) =>
        new(detail, position, position with { Column = position.Column + Math.Max(0, name.Length - 1) });

    /// <summary>A feature Eddy's binder does not plan yet, named.</summary>
    public static SqlValidationException NotSupported(SqlNode node, string feature) => At(node, $"{feature} is not supported yet.");

    /// <summary>
    /// Runs <paramref name="build"/>, positioning the planner's and the functions layer's errors on <paramref name="node"/>
    /// (they carry Calcite's message but not where it applies).
    /// </summary>
    public static T Positioned<T>(SqlNode node, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (PlanningException e)
        {
            throw At(node, e.Message, e);
        }
        catch (SqlFunctionException e)
        {
            throw At(node, e.Message, e);
        }
    }

    /// <summary>
    /// Where a node's text ends. The syntax tree keeps start positions only: a name's end is its parts' lengths (as
    /// written without quotes), any other node's is estimated from its printed length on the start line.
    /// </summary>
    public static SourcePosition EndOf(SqlNode node)
    {
        var start = node.Position;
        var length = node switch
        {
            ColumnReference column => NameLength(column.Names),
            NamedTable table => NameLength(table.Name),
            _ => node.ToSql().Length,
        };
        return start with { Column = start.Column + Math.Max(0, length - 1) };
    }

    private static int NameLength(SyntaxList<string> parts)
    {
        var length = parts.Count - 1;
        foreach (var part in parts)
            length += part.Length;
        return length;
    }

    /// <summary><c> Did you mean 'y'?</c> when a close name exists, else empty.</summary>
    public static string Suggestion(string name, IEnumerable<string> candidates) =>
        NameSuggestion.Closest(name, candidates) is { } closest ? $"\nDid you mean '{closest}'?" : "";
}

/// <summary>The closest name to a misspelt one, by edit distance (Levenshtein, ignoring case), for "Did you mean" hints.</summary>
internal static class NameSuggestion
{
    /// <summary>
    /// The candidate closest to <paramref name="name"/>, or null when none is close: at most a third of the name's
    /// letters (and at least one, but not all) differ. A candidate differing only in case always qualifies (names are case-sensitive).
    /// </summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (candidate == name)
                continue;
            var distance = Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best is not null && bestDistance <= Math.Max(1, name.Length / 3) && bestDistance < name.Length ? best : null;
    }

    /// <summary>The Levenshtein distance: insertions, deletions and substitutions turning one string into the other.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
