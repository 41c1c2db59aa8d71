using System.Text;

namespace Eddy.Engine.RocksDb.Tests;

/// <summary>The child process of the kill -9 test, and the test host's entry point otherwise unused.</summary>
public static class CrashWriter
{
    public const int CheckpointedKeys = 5_000;

    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] != "crash-writer")
        {
            Console.Error.WriteLine("usage: crash-writer <dir>");
            return 2;
        }

        var backend = new RocksDbStateBackend(args[1], new StateMemoryOptions { TotalBytes = 16L * 1024 * 1024 });
        var clean = backend.Store("counts", 0);
        var dirty = backend.Store("counts", 1);
        for (var i = 0; i < CheckpointedKeys; i++)
        {
            clean.Put(Key(i), Encoding.UTF8.GetBytes("clean-" + i));
            dirty.Put(Key(i), Encoding.UTF8.GetBytes("clean-" + i));
        }

        backend.SetChangelogOffset("counts", 0, CheckpointedKeys);
        backend.SetChangelogOffset("counts", 1, CheckpointedKeys);
        backend.Checkpoint();
        Console.WriteLine("CHECKPOINTED");

        // Uncommitted work on partition 1 only, flushed now and then by memory pressure and explicitly, until killed.
        var value = new byte[100];
        for (var n = 0L; ; n++)
        {
            var i = (int)(n % (CheckpointedKeys * 4));
            dirty.Put(Key(i), value);
            if (n % 3 == 0)
            {
                dirty.Delete(Key((int)(n % CheckpointedKeys)));
            }

            if (n == 20_000)
            {
                backend.Flush();
                Console.WriteLine("WROTE-MORE");
            }
        }
    }

    public static byte[] Key(int i) => Encoding.UTF8.GetBytes($"key-{i:D8}");
}
