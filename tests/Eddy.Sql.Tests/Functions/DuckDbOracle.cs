using DuckDB.NET.Data;

namespace Eddy.Sql.Tests.Functions;

/// <summary>DuckDB in process, as an oracle for functions whose semantics equal Flink's.</summary>
internal sealed class DuckDbOracle : IDisposable
{
    private readonly DuckDBConnection _connection;

    public DuckDbOracle()
    {
        _connection = new DuckDBConnection("DataSource=:memory:");
        _connection.Open();
    }

    public object? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        var result = command.ExecuteScalar();
        return result is DBNull ? null : result;
    }

    public void Dispose() => _connection.Dispose();
}
