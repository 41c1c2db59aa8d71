using Eddy.Nexmark;
using Eddy.Sql.Session;
using Xunit.Abstractions;

namespace Eddy.Nexmark.Tests;

/// <summary>
/// The standard texts of q0–q22, unchanged, through Eddy's parser, binder and translator over the generator's union
/// table and views: the queries that translate today must keep translating (the others are listed, with the error each
/// gets, in docs/nexmark.md).
/// </summary>
[Trait("Category", "Unit")]
public class QueryTranslationTests(ITestOutputHelper output)
{
    /// <summary>The queries Eddy translates today.</summary>
    public static readonly string[] Translated = ["q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8", "q9", "q11", "q14", "q15", "q16", "q17", "q18", "q19", "q20", "q21", "q22"];

    /// <summary>What happens to a query: null when its job's plan builds, else the error's type and message.</summary>
    internal static async Task<string?> TryTranslateAsync(string query)
    {
        await using var session = await NexmarkSql.SessionAsync(1000, "nexmark-" + query);
        try
        {
            var job = await NexmarkSql.JobAsync(session, query);
            job.BuildPlan();
            return null;
        }
        catch (Exception e) when (SqlSession.IsStatementError(e))
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    [Fact]
    public async Task Every_query_either_translates_or_fails_with_a_statement_error()
    {
        foreach (var query in NexmarkQueries.Names)
        {
            var error = await TryTranslateAsync(query);
            output.WriteLine($"{query}: {error ?? "translates"}");
        }
    }

    [Theory]
    [MemberData(nameof(TranslatedQueries))]
    public async Task A_query_that_translates_today_keeps_translating(string query)
    {
        Assert.Null(await TryTranslateAsync(query));
    }

    public static TheoryData<string> TranslatedQueries() => new(Translated);
}
