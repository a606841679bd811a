namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>The automaton's whole state: the top frame by value, the rest as an interned link; <see cref="Done"/> once the root value is closed.</summary>
internal struct JsonState
{
    public JsonFrame Top;
    public JsonFrameLink? Parent;
    public bool Done;

    public static JsonState Start(SchemaNode root) => new() { Top = new JsonFrame(root, JsonFrameKind.Value) };
}
