using System.Globalization;
using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// Reads <see cref="DeepSeekV4Config"/> from GGUF metadata with llama.cpp's <c>deepseek4</c> conventions:
/// counts in any integer type, reals in any numeric type, per-layer values as an array or one scalar, and the MTP
/// block counted in <c>block_count</c> when <c>nextn_predict_layers</c> &gt; 0 and its tensors are present.
/// </summary>
internal sealed class DeepSeekV4GgufConfigReader
{
    private const string P = DeepSeekV4Config.ArchitectureName + ".";
    private readonly GgufFile _file;

    private DeepSeekV4GgufConfigReader(GgufFile file) => _file = file;

    public static DeepSeekV4Config Read(GgufFile file) => new DeepSeekV4GgufConfigReader(file).Read();

    private DeepSeekV4Config Read()
    {
        string arch = _file.GetMetadata("general.architecture") is { } a ? Text(a, "general.architecture") : "(missing)";
        if (arch != DeepSeekV4Config.ArchitectureName)
            throw Error("general.architecture", arch, $"not a DeepSeek V4 model (expected '{DeepSeekV4Config.ArchitectureName}')");

        int blockCount = Int(P + "block_count");
        int nextn = Int(P + "nextn_predict_layers", 0);
        if (nextn < 0 || nextn >= blockCount)
            throw Error(P + "nextn_predict_layers", nextn.ToString(CultureInfo.InvariantCulture), $"must be in 0..block_count-1 ({blockCount - 1})");
        // llama.cpp: the MTP block is only counted when its tensors are in this file.
        if (nextn > 0 && !_file.TryGetTensor($"blk.{blockCount - nextn}.nextn.eh_proj.weight", out _)) nextn = 0;
        int layers = blockCount - nextn;
        int allLayers = blockCount;

        int headCount = Int(P + "attention.head_count");
        int headCountKv = Int(P + "attention.head_count_kv", 1);
        if (headCountKv != 1)
            throw Error(P + "attention.head_count_kv", headCountKv.ToString(CultureInfo.InvariantCulture), "DeepSeek V4 has one shared K=V head");
        int keyLength = Int(P + "attention.key_length");
        int valueLength = Int(P + "attention.value_length", keyLength);
        if (valueLength != keyLength)
            throw Error(P + "attention.value_length", valueLength.ToString(CultureInfo.InvariantCulture), $"must equal attention.key_length ({keyLength}): K and V are the same vector");
        int leadingDense = Int(P + "leading_dense_block_count", 0);
        if (leadingDense != 0)
            throw Error(P + "leading_dense_block_count", leadingDense.ToString(CultureInfo.InvariantCulture), "DeepSeek V4 has no dense FFN layers");
        int groupCount = Int(P + "expert_group_count", 0);
        if (groupCount > 1)
            throw Error(P + "expert_group_count", groupCount.ToString(CultureInfo.InvariantCulture), "group-limited routing is not part of DeepSeek V4");
        int gating = Int(P + "expert_gating_func");
        if (gating != 4)
            throw Error(P + "expert_gating_func", gating.ToString(CultureInfo.InvariantCulture), "only sqrt(softplus) scoring (4) is supported");

        var ratios = IntArray(P + "attention.compress_ratios", allLayers);
        var clampExp = FloatArrayOrScalar(P + "swiglu_clamp_exp", allLayers, null);
        var clampShexp = FloatArrayOrScalar(P + "swiglu_clamp_shexp", allLayers, clampExp);

        int originalContext = 0;
        float factor = 1f;
        var notes = new List<string>();
        if (!_file.MetadataKeys.Any(k => k.StartsWith(P + "rope.scaling.", StringComparison.Ordinal)))
            notes.Add("the file has no rope-scaling keys (converters before 2026-08 did not write them): the model runs without YaRN, " +
                      "as llama.cpp does, so contexts beyond the original training length may lose quality");
        string scaling = _file.GetMetadata(P + "rope.scaling.type") is { } st ? Text(st, P + "rope.scaling.type") : "";
        if (scaling is not ("" or "yarn" or "none"))
            throw Error(P + "rope.scaling.type", scaling, "only YaRN scaling (on the compressed layers) is supported");
        if (scaling != "none")
        {
            originalContext = Int(P + "rope.scaling.original_context_length", 0);
            factor = Float(P + "rope.scaling.factor", 1f);
        }

        var config = new DeepSeekV4Config
        {
            Source = _file.Path,
            VocabSize = VocabSize(),
            HiddenSize = Int(P + "embedding_length"),
            LayerCount = layers,
            MtpLayerCount = nextn,
            ContextLength = Int(P + "context_length"),
            HeadCount = headCount,
            HeadDim = keyLength,
            RopeDim = Int(P + "rope.dimension_count"),
            QLoraRank = Int(P + "attention.q_lora_rank"),
            OutputLoraRank = Int(P + "attention.output_lora_rank"),
            OutputGroupCount = Int(P + "attention.output_group_count"),
            SlidingWindow = Int(P + "attention.sliding_window"),
            RmsNormEps = Float(P + "attention.layer_norm_rms_epsilon", 1e-6f),
            CompressRatios = ratios[..layers],
            // The entry after the main layers is the MTP block's (converters copy config.json's list, MTP included),
            // kept for an MTP block bound later from a separate file.
            MtpCompressRatio = ratios.Length > layers ? ratios[layers] : 0,
            RopeFreqBase = Float(P + "rope.freq_base", 10000f),
            CompressRopeFreqBase = Float(P + "attention.compress_rope_freq_base"),
            RopeScalingFactor = factor,
            RopeOriginalContextLength = originalContext,
            YarnBetaFast = Float(P + "rope.scaling.yarn_beta_fast", 32f),
            YarnBetaSlow = Float(P + "rope.scaling.yarn_beta_slow", 1f),
            IndexerHeadCount = Int(P + "attention.indexer.head_count", 0),
            IndexerHeadDim = Int(P + "attention.indexer.key_length", 0),
            IndexerTopK = Int(P + "attention.indexer.top_k", 0),
            ExpertCount = Int(P + "expert_count"),
            ExpertUsedCount = Int(P + "expert_used_count"),
            SharedExpertCount = Int(P + "expert_shared_count", 1),
            ExpertFeedForwardLength = Int(P + "expert_feed_forward_length"),
            ExpertWeightsScale = Float(P + "expert_weights_scale", 1f),
            ExpertWeightsNorm = Bool(P + "expert_weights_norm", true),
            HashLayerCount = Int(P + "hash_layer_count", 0),
            SwigluClampExperts = clampExp,
            SwigluClampShared = clampShexp,
            HyperConnectionCount = Int(P + "hyper_connection.count", 4),
            SinkhornIterations = Int(P + "hyper_connection.sinkhorn_iterations", 20),
            HyperConnectionEps = Float(P + "hyper_connection.epsilon", 1e-6f),
            Notes = notes,
        };
        config.Validate();
        return config;
    }

    private int VocabSize()
    {
        if (_file.GetMetadata(P + "vocab_size") != null) return Int(P + "vocab_size");
        // Older llama.cpp files omit vocab_size; the embedding's row count is authoritative then.
        if (_file.TryGetTensor("token_embd.weight", out var embd) && embd.Dimensions.Length >= 2) return checked((int)embd.Dimensions[1]);
        throw Error(P + "vocab_size", "(missing)", "required (and token_embd.weight is absent)");
    }

    private GgufMetadataValue Require(string key) =>
        _file.GetMetadata(key) ?? throw Error(key, "(missing)", "required metadata key is absent");

    private int Int(string key)
    {
        var v = Require(key);
        long n;
        try { n = v.AsInt64(); }
        catch (InvalidCastException) { throw Error(key, v.ToString(), $"expected an integer, found {v.Type}"); }
        if (n < int.MinValue || n > int.MaxValue) throw Error(key, v.ToString(), "out of range");
        return (int)n;
    }

    private int Int(string key, int fallback) => _file.GetMetadata(key) == null ? fallback : Int(key);

    private float Float(string key)
    {
        var v = Require(key);
        try { return (float)v.AsDouble(); }
        catch (InvalidCastException) { throw Error(key, v.ToString(), $"expected a number, found {v.Type}"); }
    }

    private float Float(string key, float fallback) => _file.GetMetadata(key) == null ? fallback : Float(key);

    private bool Bool(string key, bool fallback)
    {
        var v = _file.GetMetadata(key);
        if (v == null) return fallback;
        if (v.Value is bool b) return b;
        try { return v.AsInt64() != 0; }
        catch (InvalidCastException) { throw Error(key, v.ToString(), $"expected a bool, found {v.Type}"); }
    }

    private string Text(GgufMetadataValue v, string key)
    {
        try { return v.AsString(); }
        catch (InvalidCastException) { throw Error(key, v.ToString(), $"expected a string, found {v.Type}"); }
    }

    private int[] IntArray(string key, int needed)
    {
        var v = Require(key);
        if (v.Array is not { } array) throw Error(key, v.ToString(), "expected an array of integers");
        if (array.Count < needed) throw Error(key, $"[{array.Count} values]", $"needs at least block_count = {needed} values");
        var result = new int[array.Count];
        for (int i = 0; i < array.Count; i++)
        {
            object item = array.Items.GetValue(i)!;
            long n = item switch
            {
                byte x => x, sbyte x => x, ushort x => x, short x => x, uint x => x, int x => x, long x => x,
                ulong x when x <= int.MaxValue => (long)x,
                _ => throw Error($"{key}[{i}]", Convert.ToString(item, CultureInfo.InvariantCulture) ?? "", $"expected an integer, found {array.ElementType}"),
            };
            if (n < 0 || n > int.MaxValue) throw Error($"{key}[{i}]", n.ToString(CultureInfo.InvariantCulture), "out of range");
            result[i] = (int)n;
        }
        return result;
    }

    private float[] FloatArrayOrScalar(string key, int needed, float[]? fallback)
    {
        var v = _file.GetMetadata(key);
        if (v == null) return fallback ?? throw Error(key, "(missing)", "required metadata key is absent");
        if (v.Array is not { } array)
        {
            float scalar;
            try { scalar = (float)v.AsDouble(); }
            catch (InvalidCastException) { throw Error(key, v.ToString(), $"expected a number or an array, found {v.Type}"); }
            return Enumerable.Repeat(scalar, needed).ToArray();
        }
        if (array.Count < needed) throw Error(key, $"[{array.Count} values]", $"needs at least block_count = {needed} values");
        var result = new float[array.Count];
        for (int i = 0; i < array.Count; i++)
        {
            object item = array.Items.GetValue(i)!;
            result[i] = item switch
            {
                float f => f, double d => (float)d,
                byte or sbyte or ushort or short or uint or int or long or ulong => Convert.ToSingle(item, CultureInfo.InvariantCulture),
                _ => throw Error($"{key}[{i}]", Convert.ToString(item, CultureInfo.InvariantCulture) ?? "", $"expected a number, found {array.ElementType}"),
            };
        }
        return result;
    }

    private UnsupportedModelException Error(string key, string value, string problem) => new(_file.Path, key, value, problem);
}
