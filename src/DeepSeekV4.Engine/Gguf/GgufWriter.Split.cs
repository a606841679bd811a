namespace DeepSeekV4.Engine.Gguf;

public sealed partial class GgufWriter
{
    /// <summary>The padding llama-gguf-split counts per tensor when it sizes shards (GGUF's default alignment).</summary>
    private const int SplitSizeAlignment = 32;

    /// <summary>
    /// Writes the model as a split set <c>&lt;prefix&gt;-0000k-of-0000n.gguf</c> in llama.cpp's convention: the first
    /// shard holds every metadata key, each shard the three split keys; returns the shards' paths. A failure
    /// removes the shards already written.
    /// </summary>
    public IReadOnlyList<string> WriteSplit(string prefix, GgufSplitOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var plan = PlanShards(options);
        if (plan.Count > GgufSplit.MaxShards)
            throw new ArgumentException($"the set would have {plan.Count} shards; llama.cpp's convention allows at most {GgufSplit.MaxShards}");
        var written = new List<string>();
        try
        {
            for (int i = 0; i < plan.Count; i++)
            {
                var shard = new GgufWriter { Version = Version };
                if (i == 0)
                    foreach (var (key, value) in _metadata) shard.AddMetadata(key, value);
                shard.SetMetadata(GgufSplit.NumberKey, (ushort)i);
                shard.SetMetadata(GgufSplit.CountKey, (ushort)plan.Count);
                shard.SetMetadata(GgufSplit.TensorCountKey, _tensors.Count);
                // Later shards carry no other keys; an alignment other than the default must still reach them.
                if (i > 0 && Alignment != GgufParser.DefaultAlignment) shard.SetMetadata("general.alignment", (uint)Alignment);
                foreach (var t in plan[i]) shard.Add(t.Name, t.Type, t.Dimensions, t.ByteSize, t.WriteData);
                string path = GgufSplit.ShardPath(prefix, i + 1, plan.Count);
                shard.WriteTo(path);
                written.Add(Path.GetFullPath(path));
            }
            return written;
        }
        catch
        {
            foreach (var path in written) File.Delete(path);
            throw;
        }
    }

    private List<List<PendingTensor>> PlanShards(GgufSplitOptions options)
    {
        int maxTensors = options.MaxTensors ?? GgufSplitOptions.DefaultMaxTensors;
        var shards = new List<List<PendingTensor>> { new() };
        if (options.NoTensorFirstSplit) shards.Add([]);
        long size = 0;
        for (int i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            long padded = GgufParser.AlignUp(t.ByteSize, SplitSizeAlignment);
            bool cut = options.MaxBytes is { } max ? size + padded > max : i > 0 && i % maxTensors == 0;
            if (cut)
            {
                if (shards[^1].Count == 0)
                    throw new ArgumentException($"tensor '{t.Name}' ({t.ByteSize:N0} bytes) does not fit in a shard of at most {options.MaxBytes:N0} bytes: " +
                                                "raise the maximum size");
                shards.Add([]);
                size = padded;
            }
            else
            {
                size += padded;
            }
            shards[^1].Add(t);
        }
        return shards;
    }
}
