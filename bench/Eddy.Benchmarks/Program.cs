using BenchmarkDotNet.Running;

// Micro-benchmarks of the broker's hot path pieces. Run: dotnet run -c Release --project bench/Eddy.Benchmarks -- --filter '*'
// Append latency percentiles while segments roll: dotnet run -c Release --project bench/Eddy.Benchmarks -- append-latency
if (args is ["append-latency", .. var rest])
{
    Eddy.Benchmarks.AppendLatency.Run(rest);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
