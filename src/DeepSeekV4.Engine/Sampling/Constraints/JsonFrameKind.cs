namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>What the automaton is in the middle of; see <see cref="JsonAutomaton"/> for each kind's phases.</summary>
internal enum JsonFrameKind : byte
{
    /// <summary>A value of the node is expected; its first byte decides what it becomes.</summary>
    Value,
    Object,
    FreeObject,
    Array,
    String,
    Number,
    Literal,
}
