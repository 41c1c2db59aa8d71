using BenchmarkDotNet.Attributes;
using Eddy.Engine.RocksDb;
using Eddy.Engine.State;

namespace Eddy.Benchmarks;

/// <summary>
/// The keyed-state hot path: Get and Put of 100-byte values through a RocksDB store view (partition-prefixed keys,
/// WAL off, shared cache and write-buffer manager), over 100,000 keys that fit in the memory budget.
/// </summary>
[MemoryDiagnoser]
public class StateStoreBenchmarks
{
    private const int Keys = 100_000;
    private string _directory = "";
    private RocksDbStateBackend _backend = null!;
    private IKeyValueStore _store = null!;
    private readonly byte[] _value = new byte[100];
    private readonly byte[] _key = new byte[8];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "eddy-bench-state-" + Guid.NewGuid().ToString("N"));
        _backend = new RocksDbStateBackend(_directory, new StateMemoryOptions { TotalBytes = 256L * 1024 * 1024 });
        _store = _backend.Store("bench", 3);
        new Random(1).NextBytes(_value);
        for (var i = 0; i < Keys; i++)
        {
            SetKey(i);
            _store.Put(_key, _value);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _backend.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public byte[]? Get()
    {
        SetKey(_next = (_next + 7919) % Keys);
        return _store.Get(_key);
    }

    [Benchmark]
    public void Put()
    {
        SetKey(_next = (_next + 7919) % Keys);
        _store.Put(_key, _value);
    }

    [Benchmark]
    public byte[]? GetMissing()
    {
        SetKey(Keys + (_next = (_next + 7919) % Keys));
        return _store.Get(_key);
    }

    private void SetKey(int i) => System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(_key, i * 2654435761L);
}
