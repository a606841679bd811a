using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Inference.Benchmarking;

/// <summary>
/// Bytes of weights one generated token reads from a DeepSeek V4 GGUF: every dense tensor once; of the stacked routed
/// experts (<c>*_exps</c>) only the active share, expert_used_count / expert_count; of the lookup tables (token_embd,
/// ffn_gate_tid2eid) one row. The MTP block (layers at or after block_count − nextn_predict_layers) is not read
/// by plain decoding.
/// </summary>
public static class WeightTraffic
{
    public static long BytesPerToken(GgufFile file)
    {
        string arch = file.GetMetadata("general.architecture")?.AsString()
            ?? throw new InvalidDataException($"{file.Path}: metadata key general.architecture is missing");
        long used = RequireCount(file, $"{arch}.expert_used_count");
        long total = RequireCount(file, $"{arch}.expert_count");
        long blocks = file.GetMetadata($"{arch}.block_count")?.AsInt64() ?? long.MaxValue;
        long mtp = file.GetMetadata($"{arch}.nextn_predict_layers")?.AsInt64() ?? 0;
        long mainLayers = blocks - mtp;

        double bytes = 0;
        foreach (var t in file.Tensors)
        {
            if (LayerOf(t.Name) is { } layer && layer >= mainLayers) continue;
            if (t.Name == "token_embd.weight" || t.Name.EndsWith(".ffn_gate_tid2eid.weight", StringComparison.Ordinal))
                bytes += t.ByteSize / t.RowCount;
            else if (t.Name.Contains("_exps.", StringComparison.Ordinal))
                bytes += (double)t.ByteSize * used / total;
            else
                bytes += t.ByteSize;
        }
        return (long)Math.Round(bytes);
    }

    private static long RequireCount(GgufFile file, string key)
    {
        long value = file.GetMetadata(key)?.AsInt64() ?? throw new InvalidDataException($"{file.Path}: metadata key {key} is missing");
        return value > 0 ? value : throw new InvalidDataException($"{file.Path}: metadata key {key} must be positive, is {value}");
    }

    private static long? LayerOf(string name)
    {
        if (!name.StartsWith("blk.", StringComparison.Ordinal)) return null;
        int end = name.IndexOf('.', 4);
        return end > 4 && long.TryParse(name.AsSpan(4, end - 4), System.Globalization.CultureInfo.InvariantCulture, out long layer) ? layer : null;
    }
}
