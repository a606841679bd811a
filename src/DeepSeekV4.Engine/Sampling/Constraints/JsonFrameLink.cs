namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>
/// A frame below the top of the stack, already in the phase it resumes in once the value above it is complete.
/// Links are shared and interned (<see cref="JsonFrameLinks"/>), so equal stacks are the same object and a state
/// can serve as a cache key. <see cref="Tail"/> is the fewest bytes this frame and all below it still need.
/// </summary>
internal sealed class JsonFrameLink(JsonFrame frame, JsonFrameLink? parent, int tail)
{
    public JsonFrame Frame { get; } = frame;

    public JsonFrameLink? Parent { get; } = parent;

    public int Tail { get; } = tail;
}
