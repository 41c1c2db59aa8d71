using Eddy.Engine.Records;
using Eddy.Sql.Formats.Binary;
using Eddy.Sql.Functions;
using Eddy.Sql.Types;

namespace Eddy.Sql.Session;

/// <summary>One column of a query's result: its name and its type as Flink prints it (<c>BIGINT NOT NULL</c>).</summary>
/// <param name="Name">The column's name.</param>
/// <param name="TypeName">The column's SQL type.</param>
public sealed record SqlResultColumnInfo(string Name, string TypeName);

/// <summary>
/// A running SELECT: the job that writes the query's changes into a temporary result topic, and what a client needs
/// to read them back. The topic holds the engine's changelog encoding: the value a binary row of the result's
/// columns, the row kind in the record's <c>eddy.kind</c> header (absent: insert). The client deletes the topic
/// when the query ends.
/// </summary>
public sealed class SqlQuery
{
    private readonly BinaryRowSerde _rows;
    private readonly SqlType[] _types;
    private readonly FunctionContext _context;

    internal SqlQuery(SqlJob job, string resultTopic, IReadOnlyList<SqlField> fields, FunctionContext context)
    {
        Job = job;
        ResultTopic = resultTopic;
        _types = [.. fields.Select(f => f.Type)];
        _rows = new BinaryRowSerde(_types);
        _context = context;
        Columns = [.. fields.Select(f => new SqlResultColumnInfo(f.Name, f.Type.ToString()))];
    }

    /// <summary>The record header carrying a change's row kind (one byte: 0 +I, 1 -U, 2 +U, 3 -D).</summary>
    public const string KindHeader = "eddy.kind";

    /// <summary>The job computing the query's result.</summary>
    public SqlJob Job { get; }

    /// <summary>The temporary topic the job writes the result's changes to.</summary>
    public string ResultTopic { get; }

    /// <summary>The result's columns.</summary>
    public IReadOnlyList<SqlResultColumnInfo> Columns { get; }

    /// <summary>The row kind of a record, from its <see cref="KindHeader"/> value (null: no header, an insert).</summary>
    public static RowKind KindOf(ReadOnlySpan<byte> header) =>
        header.Length == 1 && header[0] <= (byte)RowKind.Delete ? (RowKind)header[0] : RowKind.Insert;

    /// <summary>
    /// A result record's values, each formatted as Flink's client prints it (the CAST-to-STRING rules, in the
    /// session's time zone); a null element is SQL NULL.
    /// </summary>
    public string?[] Decode(ReadOnlySpan<byte> value)
    {
        var row = _rows.Deserialize(value);
        var values = new string?[_types.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var cell = row.GetValue(i, _types[i]);
            values[i] = cell is null ? null : SqlCasts.ToSqlString(cell, _types[i], _context);
        }
        return values;
    }
}
