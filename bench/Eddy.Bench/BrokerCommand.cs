namespace Eddy.Bench;

/// <summary>
/// How a benchmark starts a broker of its own when it is given no bootstrap address: the program that runs
/// <c>eddy up</c>, and the arguments that come before <c>up</c> (e.g. the entry assembly of <c>dotnet eddy.dll</c>).
/// The caller knows which eddy it is; the benchmarks only add <c>up --data-dir ... --port ...</c>.
/// </summary>
/// <param name="FileName">The program to start.</param>
/// <param name="Arguments">The arguments before <c>up</c>; usually none.</param>
public sealed record BrokerCommand(string FileName, IReadOnlyList<string> Arguments);
