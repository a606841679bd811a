namespace DeepSeekV4.Engine.KvCache;

/// <summary>Tokens that would not fit in a sequence's context: refused before anything is changed.</summary>
public sealed class ContextOverflowException : InvalidOperationException
{
    public int Held { get; }
    public int Requested { get; }
    public int ContextLength { get; }

    public ContextOverflowException(int held, int requested, int contextLength)
        : base($"{requested} more tokens do not fit: the sequence holds {held} of a context of {contextLength} tokens ({held + (long)requested} needed)")
    {
        Held = held;
        Requested = requested;
        ContextLength = contextLength;
    }
}
