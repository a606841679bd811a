namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>Interns <see cref="JsonFrameLink"/>s for one generation: the same frame over the same parent is one link.</summary>
internal sealed class JsonFrameLinks
{
    private readonly Dictionary<(JsonFrame, JsonFrameLink?), JsonFrameLink> _links = [];

    public int Count => _links.Count;

    public JsonFrameLink Get(JsonFrame frame, JsonFrameLink? parent)
    {
        if (_links.TryGetValue((frame, parent), out var link)) return link;
        link = new JsonFrameLink(frame, parent, JsonAutomaton.FrameMin(frame) + (parent?.Tail ?? 0));
        _links.Add((frame, parent), link);
        return link;
    }
}
