namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>
/// A trie of token byte strings: walking it with an automaton state checks every token sharing a prefix once for
/// that prefix, and a rejected byte prunes the whole subtree. Node 0 is the root; children are sibling lists.
/// </summary>
internal sealed class TokenTrie
{
    private readonly int[] _firstChild;
    private readonly int[] _nextSibling;
    private readonly byte[] _label;
    private readonly int[] _token;

    /// <summary>Builds the trie of <paramref name="ids"/>' byte strings (<paramref name="bytes"/> by id, none empty).</summary>
    public TokenTrie(IReadOnlyList<byte[]?> bytes, IEnumerable<int> ids)
    {
        var children = new Dictionary<long, int>();
        var firstChild = new List<int> { -1 };
        var nextSibling = new List<int> { -1 };
        var label = new List<byte> { 0 };
        var token = new List<int> { -1 };
        var sameBytes = new Dictionary<int, List<int>>();
        foreach (int id in ids)
        {
            int node = 0;
            foreach (byte b in bytes[id]!)
            {
                long key = ((long)node << 8) | b;
                if (!children.TryGetValue(key, out int child))
                {
                    child = label.Count;
                    label.Add(b);
                    token.Add(-1);
                    firstChild.Add(-1);
                    nextSibling.Add(firstChild[node]);
                    firstChild[node] = child;
                    children.Add(key, child);
                }
                node = child;
            }
            if (token[node] < 0) token[node] = id;
            else
            {
                if (!sameBytes.TryGetValue(node, out var list)) sameBytes[node] = list = [];
                list.Add(id);
            }
        }
        _firstChild = [.. firstChild];
        _nextSibling = [.. nextSibling];
        _label = [.. label];
        _token = [.. token];
        SameBytes = sameBytes.ToDictionary(e => e.Key, e => e.Value.ToArray());
        NodeCount = _label.Length;
    }

    public int NodeCount { get; }

    /// <summary>Further ids whose bytes equal those of the node's first token (rare: vocabularies with duplicates).</summary>
    public IReadOnlyDictionary<int, int[]> SameBytes { get; }

    public int FirstChild(int node) => _firstChild[node];

    public int NextSibling(int node) => _nextSibling[node];

    public byte Label(int node) => _label[node];

    /// <summary>The token whose bytes end at this node, or -1.</summary>
    public int Token(int node) => _token[node];
}
