using BenchmarkDotNet.Running;

// Micro-benchmarks of the broker's hot path pieces. Run: dotnet run -c Release --project bench/Eddy.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
