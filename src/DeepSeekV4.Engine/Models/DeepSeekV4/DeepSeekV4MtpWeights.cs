using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// The multi-token-prediction block (reference §5.11, §9.2): a full layer at index N = the main model's layer count,
/// the projection of concat(enorm(e), hnorm(h)) — llama.cpp's fused <c>eh_proj</c> [2D → D], or ds4's (and some
/// converters') separate <c>e_proj</c> / <c>h_proj</c> [D → D] — the head norm, and the MTP's own hyper-connection head
/// where the file has one (embed/head optional, shared with the main model when absent). Bound from any of the three
/// places (<see cref="MtpLayout"/>) and shape-checked against the main model's configuration; kept aside: the forward
/// pass does not run it (speculative decoding comes later).
/// </summary>
public sealed class DeepSeekV4MtpWeights
{
    public required DeepSeekV4LayerWeights Block { get; init; }
    /// <summary>llama.cpp's fused projection [2D → D]; null where the file stores <see cref="EmbeddingProjection"/> and <see cref="HiddenProjection"/>.</summary>
    public TensorView? EhProjection { get; init; }
    public TensorView? EmbeddingProjection { get; init; }
    public TensorView? HiddenProjection { get; init; }
    public required float[] EmbeddingNorm { get; init; }
    public required float[] HiddenNorm { get; init; }
    public TensorView? Embedding { get; init; }
    public TensorView? Head { get; init; }
    public float[]? HeadNorm { get; init; }
    /// <summary>The MTP's own hyper-connection head (collapses its streams before the shared output head); null where the file has none.</summary>
    public HyperConnectionWeights? HeadMixer { get; init; }
    public required MtpBlockInfo Info { get; init; }

    /// <summary>The layout of a separate MTP file: ds4's <c>mtp.0.*</c>, a whole model with its nextn block, or llama.cpp's MTP-only file.</summary>
    public static MtpLayout DetectLayout(GgufFile file, DeepSeekV4Config main)
    {
        if (file.Tensors.Any(t => t.Name.StartsWith(Ds4Prefix, StringComparison.Ordinal))) return MtpLayout.Ds4File;
        if (file.TryGetTensor("blk.0.attn_norm.weight", out _) && main.LayerCount > 0) return MtpLayout.MainFile;
        if (file.Tensors.Any(t => t.Name.StartsWith("blk.", StringComparison.Ordinal))) return MtpLayout.LlamaCppFile;
        throw new UnsupportedModelException(file.Path, $"blk.{main.LayerCount}.nextn.eh_proj.weight", "(missing)",
            $"not an MTP file: expected llama.cpp's blk.{main.LayerCount}.* and blk.{main.LayerCount}.nextn.* tensors or ds4's {Ds4Prefix}*");
    }

    /// <summary>Binds the MTP block of <paramref name="file"/> (stored as <paramref name="layout"/>) for the model <paramref name="main"/> describes.</summary>
    public static DeepSeekV4MtpWeights Bind(GgufFile file, DeepSeekV4Config main, MtpLayout layout)
    {
        int index = main.LayerCount;
        if (layout != MtpLayout.Ds4File) CheckMetadata(file, main);
        var c = ForBlock(main, layout);
        var b = new TensorBinder(file, interleave: false, rename: layout == MtpLayout.Ds4File ? name => Ds4Name(name, index) : null);
        string n = $"blk.{index}.nextn.";
        var block = DeepSeekV4LayerWeights.Bind(b, c, index, c.MtpCompressRatio);
        bool split = !b.Has(n + "eh_proj.weight") && b.Has(n + "e_proj.weight");
        long d = c.HiddenSize;
        return new DeepSeekV4MtpWeights
        {
            Block = block,
            EhProjection = split ? null : b.Matrix(n + "eh_proj.weight", 2 * d, d),
            EmbeddingProjection = split ? b.Matrix(n + "e_proj.weight", d, d) : null,
            HiddenProjection = split ? b.Matrix(n + "h_proj.weight", d, d) : null,
            EmbeddingNorm = b.Floats(n + "enorm.weight", d),
            HiddenNorm = b.Floats(n + "hnorm.weight", d),
            Embedding = b.Optional(n + "embed_tokens.weight", d, c.VocabSize),
            Head = b.Optional(n + "shared_head_head.weight", d, c.VocabSize),
            HeadNorm = layout == MtpLayout.Ds4File || b.Has(n + "shared_head_norm.weight") ? b.Floats(n + "shared_head_norm.weight", d) : null,
            HeadMixer = layout switch
            {
                MtpLayout.LlamaCppFile => HyperConnectionWeights.BindHead(b, c),
                MtpLayout.Ds4File => HyperConnectionWeights.BindHead(b, c, n + "hc_head"),
                _ => b.Has(n + "hc_head_fn.weight") ? HyperConnectionWeights.BindHead(b, c, n + "hc_head") : null,
            },
            Info = new MtpBlockInfo(layout, file.Path, b.BoundCount, b.BoundBytes),
        };
    }

    private const string Ds4Prefix = "mtp.0.";

    /// <summary>llama.cpp's name of an MTP tensor → ds4's (antirez/ds4, ds4.c mtp_weights_bind).</summary>
    internal static string Ds4Name(string name, int index)
    {
        string nextn = $"blk.{index}.nextn.", blk = $"blk.{index}.";
        if (name.StartsWith(nextn, StringComparison.Ordinal))
        {
            string rest = name[nextn.Length..];
            return Ds4Prefix + (rest == "shared_head_norm.weight" ? "norm.weight" : rest);
        }
        return name.StartsWith(blk, StringComparison.Ordinal) ? Ds4Prefix + name[blk.Length..] : name;
    }

    /// <summary>
    /// The main configuration with one MTP block: its compress ratio (the main file's entry after the main layers;
    /// ds4's block has no compressor) and per-layer clamps reaching it (the last layer's repeated where the main file
    /// lists the main layers only).
    /// </summary>
    private static DeepSeekV4Config ForBlock(DeepSeekV4Config main, MtpLayout layout)
    {
        int needed = main.LayerCount + 1;
        static IReadOnlyList<float> Extend(IReadOnlyList<float> values, int count) =>
            values.Count >= count ? values : values.Concat(Enumerable.Repeat(values.Count > 0 ? values[^1] : 0f, count - values.Count)).ToArray();
        return main with
        {
            MtpLayerCount = 1,
            MtpCompressRatio = layout == MtpLayout.Ds4File ? 0 : main.MtpCompressRatio,
            SwigluClampExperts = Extend(main.SwigluClampExperts, needed),
            SwigluClampShared = Extend(main.SwigluClampShared, needed),
        };
    }

    /// <summary>A llama.cpp MTP file says what model it belongs to: the same architecture, width and block index.</summary>
    private static void CheckMetadata(GgufFile file, DeepSeekV4Config main)
    {
        const string p = DeepSeekV4Config.ArchitectureName + ".";
        if (file.GetMetadata("general.architecture")?.Value is string arch && arch != DeepSeekV4Config.ArchitectureName)
            throw new UnsupportedModelException(file.Path, "general.architecture", arch, $"not a DeepSeek V4 MTP file (expected '{DeepSeekV4Config.ArchitectureName}')");
        if (Integer(file, p + "embedding_length") is { } width && width != main.HiddenSize)
            throw new UnsupportedModelException(file.Path, p + "embedding_length", width.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"the MTP file is for another model: the main model ({main.Source}) has embedding_length {main.HiddenSize}");
        if (Integer(file, p + "block_count") is { } blocks && blocks != main.LayerCount + 1)
            throw new UnsupportedModelException(file.Path, p + "block_count", blocks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"the MTP block of a model with {main.LayerCount} layers is blk.{main.LayerCount}, so block_count must be {main.LayerCount + 1}");
    }

    private static long? Integer(GgufFile file, string key)
    {
        var v = file.GetMetadata(key);
        if (v == null) return null;
        try { return v.AsInt64(); }
        catch (InvalidCastException) { throw new UnsupportedModelException(file.Path, key, v.ToString(), $"expected an integer, found {v.Type}"); }
    }
}
