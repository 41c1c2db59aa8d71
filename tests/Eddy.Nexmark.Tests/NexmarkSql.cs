using Eddy.Nexmark;
using Eddy.Sql.Catalog;
using Eddy.Sql.Session;
using Eddy.Sql.Syntax;

namespace Eddy.Nexmark.Tests;

/// <summary>A Nexmark query run through Eddy's SQL session: the union table, the views, then the query's statements.</summary>
internal static class NexmarkSql
{
    /// <summary>A session holding the generator's union table (<c>datagen</c>) and the three views.</summary>
    public static async Task<SqlSession> SessionAsync(long events, string? pipelineName = null, IReadOnlyDictionary<string, string>? options = null)
    {
        var session = new SqlSession(SqlCatalog.CreateInMemory(), sessionId: "nexmark");
        if (pipelineName is not null)
            await session.ExecuteAsync($"SET 'pipeline.name' = '{pipelineName}'");
        await session.ExecuteAsync(NexmarkQueries.GeneratorTable(10_000, events, extraOptions: options));
        foreach (var statement in SqlParser.ParseStatements(NexmarkQueries.Views()))
            await session.ExecuteAsync(statement, null);
        return session;
    }

    /// <summary>
    /// The query's job: its statements run in order (DDL, views, functions), the INSERT's job returned;
    /// <paramref name="rewrite"/> may change the text first (a test replaces the blackhole sink by a topic).
    /// </summary>
    public static async Task<SqlJob> JobAsync(SqlSession session, string query, Func<string, string>? rewrite = null)
    {
        var text = rewrite is null ? NexmarkQueries.Query(query) : rewrite(NexmarkQueries.Query(query));
        SqlJob? job = null;
        foreach (var statement in SqlParser.ParseStatements(text))
        {
            if (await session.ExecuteAsync(statement, null) is SqlJobSessionResult result)
                job = result.Job;
        }
        return job ?? throw new InvalidOperationException($"{query} has no INSERT.");
    }
}
