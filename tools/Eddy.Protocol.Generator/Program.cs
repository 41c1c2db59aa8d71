using Eddy.Protocol.Generator;

// Regenerates src/Eddy.Protocol/Messages from a directory of Kafka message definitions (see docs/development.md):
//   dotnet run --project tools/Eddy.Protocol.Generator -- --spec-dir DIR --errors Errors.java|errors.tsv
//       --kafka-version VERSION --kafka-commit SHA [--out DIR]
// The generated files are checked in, so building Eddy never needs the spec directory.

const string Usage = "Usage: --spec-dir DIR --kafka-version VERSION --kafka-commit SHA [--errors Errors.java|errors.tsv] [--out DIR]";
string? specDir = null;
string? errorsFile = null;
string? kafkaVersion = null;
string? kafkaCommit = null;
var outDir = Path.Combine("src", "Eddy.Protocol", "Messages");
for (var i = 0; i < args.Length; i++)
{
    if (i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"'{args[i]}' needs a value. {Usage}");
        return 2;
    }
    switch (args[i])
    {
        case "--spec-dir": specDir = args[++i]; break;
        case "--errors": errorsFile = args[++i]; break;
        case "--kafka-version": kafkaVersion = args[++i]; break;
        case "--kafka-commit": kafkaCommit = args[++i]; break;
        case "--out": outDir = args[++i]; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. {Usage}");
            return 2;
    }
}
if (specDir is null || !Directory.Exists(specDir))
{
    Console.Error.WriteLine($"--spec-dir must name a directory of Kafka message definitions (*.json). {Usage}");
    return 2;
}
// The version and commit are required so that no generated file can leave its source unnamed.
if (string.IsNullOrWhiteSpace(kafkaVersion) || string.IsNullOrWhiteSpace(kafkaCommit))
{
    Console.Error.WriteLine($"--kafka-version and --kafka-commit name the Kafka the definitions came from. {Usage}");
    return 2;
}

var generator = new CodecGenerator(ApiSelection.Apis, ApiSelection.Headers, new KafkaSource(kafkaVersion, kafkaCommit));
var files = generator.Generate(specDir, errorsFile);

Directory.CreateDirectory(outDir);
// Without an error table ErrorCode.g.cs is kept, so the messages can be regenerated on their own.
var kept = errorsFile is null ? "ErrorCode.g.cs" : null;
foreach (var old in Directory.GetFiles(outDir, "*.g.cs"))
{
    if (Path.GetFileName(old) != kept)
    {
        File.Delete(old);
    }
}
foreach (var (name, text) in files)
{
    File.WriteAllText(Path.Combine(outDir, name), text);
}
Console.WriteLine($"Generated {ApiSelection.Apis.Length} APIs ({files.Count} files) into {outDir}.");
return 0;
