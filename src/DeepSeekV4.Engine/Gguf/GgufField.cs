namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// The name of a field being read, e.g. <c>tokenizer.ggml.tokens[1234]</c> or <c>blk.0.attn_q.weight.offset</c>,
/// kept in parts and joined only when an error needs it, so reading 129,280 array elements builds no names.
/// </summary>
internal readonly struct GgufField(string prefix, int index = -1, string? suffix = null)
{
    private static readonly string[] DimensionSuffixes = [".ne[0]", ".ne[1]", ".ne[2]", ".ne[3]"];

    public static implicit operator GgufField(string name) => new(name);

    public GgufField Element(int i) => index < 0 && suffix == null ? new(prefix, i) : new(ToString(), i);

    public GgufField With(string more) => new(prefix, index, suffix + more);

    public static GgufField Dimension(string tensor, int d) => new(tensor, -1, DimensionSuffixes[d]);

    public override string ToString() => index < 0 ? prefix + suffix : $"{prefix}[{index}]{suffix}";
}
