namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>
/// One level of the automaton's stack: the node being generated, what it is in the middle of, and its counters.
/// A plain value, so that the trie walk copies states instead of allocating them.
/// </summary>
internal struct JsonFrame : IEquatable<JsonFrame>
{
    public SchemaNode Node;
    public JsonFrameKind Kind;
    public byte Phase;

    /// <summary>String: UTF-8 continuation bytes still due, or \u hex digits read. </summary>
    public byte Pending;

    /// <summary>Object: the next property index. String: the allowed range of the next continuation byte, or 1 after "\uD".</summary>
    public int Index;

    /// <summary>String: characters so far. Array: items so far. Number: digits of the current part. Key and literal: bytes matched.</summary>
    public int Count;

    /// <summary>Object key or literal: the candidates still matching, one bit each.</summary>
    public ulong Alive;

    public JsonFrame(SchemaNode node, JsonFrameKind kind, byte phase = 0)
    {
        Node = node;
        Kind = kind;
        Phase = phase;
    }

    public readonly bool Equals(JsonFrame other) =>
        ReferenceEquals(Node, other.Node) && Kind == other.Kind && Phase == other.Phase && Pending == other.Pending
        && Index == other.Index && Count == other.Count && Alive == other.Alive;

    public override readonly bool Equals(object? obj) => obj is JsonFrame f && Equals(f);

    public override readonly int GetHashCode() =>
        HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Node), Kind, Phase, Pending, Index, Count, Alive);
}
