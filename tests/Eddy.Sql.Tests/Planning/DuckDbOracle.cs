using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Eddy.Sql.Types;

namespace Eddy.Sql.Tests.Planning;

/// <summary>
/// DuckDB, in-process, as the oracle: a table is created and filled with the same rows the job reads, and the
/// equivalent batch SQL's answer is returned as rows rendered as text, to compare with the job's materialized output.
/// </summary>
internal static class DuckDbOracle
{
    public static List<string> Query(string table, IReadOnlyList<(string Name, string DuckType)> columns, IEnumerable<object?[]> rows, string query)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = $"CREATE TABLE {table} ({string.Join(", ", columns.Select(c => c.Name + " " + c.DuckType))})";
            create.ExecuteNonQuery();
        }
        var batch = rows.ToList();
        for (var start = 0; start < batch.Count; start += 500)
        {
            var values = batch.Skip(start).Take(500).Select(r => "(" + string.Join(", ", r.Select(Literal)) + ")");
            using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO {table} VALUES {string.Join(", ", values)}";
            insert.ExecuteNonQuery();
        }
        using var command = connection.CreateCommand();
        command.CommandText = query;
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read())
        {
            var cells = new object?[reader.FieldCount];
            for (var i = 0; i < cells.Length; i++)
                cells[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            result.Add(Render(cells));
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static string Literal(object? value) => value switch
    {
        null => "NULL",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        DateTime t => "TIMESTAMP '" + t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "'",
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    /// <summary>A row as text, numbers normalized (an INT and a BIGINT 3 both print 3, a DECIMAL without trailing zeros).</summary>
    public static string Render(IEnumerable<object?> cells)
    {
        var text = new StringBuilder();
        foreach (var cell in cells)
        {
            if (text.Length > 0)
                text.Append(" | ");
            text.Append(cell switch
            {
                null => "NULL",
                DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
                decimal d => (d / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                System.Numerics.BigInteger b => b.ToString(CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => cell.ToString(),
            });
        }
        return text.ToString();
    }

    /// <summary>An engine row rendered as <see cref="Render"/> renders DuckDB's.</summary>
    public static string Render(Row row, IReadOnlyList<SqlType> types) =>
        Render(Enumerable.Range(0, types.Count).Select(i => row.GetValue(i, types[i])));
}
