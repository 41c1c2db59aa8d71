namespace Eddy.Avro;

/// <summary>A union: a value of any one of its branches, encoded as the branch index and the value.</summary>
public sealed class UnionSchema : AvroSchema
{
    private readonly Dictionary<string, int> _indexByName;

    internal UnionSchema(IReadOnlyList<AvroSchema> branches, Dictionary<string, int> indexByName)
        : base(null)
    {
        Branches = branches;
        _indexByName = indexByName;
    }

    public override AvroType Type => AvroType.Union;

    public IReadOnlyList<AvroSchema> Branches { get; }

    /// <summary>
    /// The index of the branch called <paramref name="name"/> (a full name for named types, the type name
    /// otherwise: "int", "array", ...), or -1. This is how Avro's JSON encoding names union branches.
    /// </summary>
    public int IndexOf(string name) => _indexByName.TryGetValue(name, out var index) ? index : -1;

    /// <summary>The name a branch goes by inside a union: its full name if named, its type name otherwise.</summary>
    public static string BranchName(AvroSchema branch) => branch is NamedSchema named ? named.FullName : branch.TypeName;
}
