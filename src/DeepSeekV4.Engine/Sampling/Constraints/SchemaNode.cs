namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>
/// One node of a JSON Schema compiled for generation. <see cref="MinBytes"/> is the length of the shortest compact
/// document the node accepts; objects also keep, per property index, what the rest of the object needs at least,
/// so the automaton knows in O(1) how many bytes still close the document.
/// </summary>
internal sealed class SchemaNode
{
    /// <summary>At most this many properties per object and literals per enum (candidate sets are 64-bit masks).</summary>
    public const int MaxAlternatives = 64;

    /// <summary>Digit limits that keep every number finite in length (and exact as a double).</summary>
    public const int MaxIntegerDigits = 15, MaxFractionDigits = 9, MaxExponentDigits = 2;

    public SchemaNode(SchemaKind kind) => Kind = kind;

    public SchemaKind Kind { get; }

    public SchemaProperty[] Properties { get; init; } = [];

    /// <summary>Array items, or a free object's values.</summary>
    public SchemaNode? Items { get; set; }

    public int MinItems { get; init; }
    public int MaxItems { get; init; } = int.MaxValue;
    public int MinLength { get; init; }
    public int MaxLength { get; init; } = int.MaxValue;

    /// <summary>The compact JSON texts a <see cref="SchemaKind.Literals"/> node allows.</summary>
    public byte[][] Literals { get; init; } = [];

    /// <summary>A union's members, each starting with bytes no other member starts with.</summary>
    public SchemaNode[] Alternatives { get; set; } = [];

    public int MinBytes { get; private set; }

    /// <summary>Object: the properties that may come next after property i-1 (i..first required at or after i), as a bit mask.</summary>
    public ulong[] Candidates { get; private set; } = [];

    /// <summary>Object: bytes of the required properties from index i on (keys and shortest values, no commas).</summary>
    public int[] RequiredBytes { get; private set; } = [];

    /// <summary>Object: how many required properties there are from index i on.</summary>
    public int[] RequiredCount { get; private set; } = [];

    /// <summary>Object: the shortest key and value among the properties from index i on.</summary>
    public int[] ShortestFrom { get; private set; } = [];

    /// <summary>Shortest bytes an object still needs after a value, when the next property index is i: the required rest, commas, '}'.</summary>
    public int AfterValueMin(int i) => RequiredBytes[i] + RequiredCount[i] + 1;

    /// <summary>Computes <see cref="MinBytes"/> and the object tables, children first (call once, on the root).</summary>
    public void Prepare() => Prepare(new HashSet<SchemaNode>());

    private void Prepare(HashSet<SchemaNode> seen)
    {
        if (!seen.Add(this)) return;
        foreach (var p in Properties) p.Value.Prepare(seen);
        Items?.Prepare(seen);
        foreach (var a in Alternatives) a.Prepare(seen);
        MinBytes = Kind switch
        {
            SchemaKind.Object => PrepareObject(),
            SchemaKind.FreeObject => 2,
            SchemaKind.Array => 1 + (MinItems == 0 ? 1 : MinItems * Items!.MinBytes + MinItems),
            SchemaKind.String => 2 + MinLength,
            SchemaKind.Number or SchemaKind.Integer => 1,
            SchemaKind.Literals => Literals.Min(l => l.Length),
            SchemaKind.Union => Alternatives.Min(a => a.MinBytes),
            _ => throw new InvalidOperationException($"unknown schema kind {Kind}"),
        };
    }

    private int PrepareObject()
    {
        int n = Properties.Length;
        Candidates = new ulong[n + 1];
        RequiredBytes = new int[n + 1];
        RequiredCount = new int[n + 1];
        ShortestFrom = new int[n + 1];
        ShortestFrom[n] = int.MaxValue;
        for (int i = n - 1; i >= 0; i--)
        {
            var p = Properties[i];
            int bytes = p.Key.Length + p.Value.MinBytes;
            RequiredBytes[i] = RequiredBytes[i + 1] + (p.Required ? bytes : 0);
            RequiredCount[i] = RequiredCount[i + 1] + (p.Required ? 1 : 0);
            ShortestFrom[i] = Math.Min(ShortestFrom[i + 1], bytes);
            Candidates[i] = p.Required ? 1UL << i : Candidates[i + 1] | (1UL << i);
        }
        return 1 + (RequiredCount[0] == 0 ? 1 : RequiredBytes[0] + RequiredCount[0]);
    }
}
