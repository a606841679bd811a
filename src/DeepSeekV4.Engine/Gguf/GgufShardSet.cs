namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// Opens the file a user named and, when it is a shard of a split set (<see cref="GgufSplit"/>), every other shard
/// of the set, checking that they belong together before anything is used.
/// </summary>
internal static class GgufShardSet
{
    public static List<GgufShard> Open(string path, GgufLoadMode mode)
    {
        var shards = new List<GgufShard>();
        try
        {
            var given = GgufShard.Open(path, mode);
            shards.Add(given);
            int count = (int)(given.SplitValue(GgufSplit.CountKey, GgufValueType.UInt16) ?? 0);
            if (count < 2) return shards;

            int number = ShardNumber(given, count);
            if (!GgufSplit.TryParseShardPath(path, out string prefix, out int named, out int namedCount) || named != number + 1 || namedCount != count)
                throw new GgufSetException(path, $"this is shard {number + 1} of {count} (split.no = {number}) but its name does not say so: " +
                                                 $"shards must be named <prefix>-{number + 1:D5}-of-{count:D5}.gguf, as llama-gguf-split writes them");
            shards.Clear();
            for (int i = 0; i < count; i++)
            {
                if (i == number)
                {
                    shards.Add(given);
                    continue;
                }
                string shardPath = GgufSplit.ShardPath(prefix, i + 1, count);
                IO.FilePresence.Require(shardPath, $"shard {i + 1} of {count} of this split GGUF set is missing: {shardPath} (opened from {path})");
                var shard = GgufShard.Open(shardPath, mode);
                shards.Add(shard);
                int shardCount = (int)(shard.SplitValue(GgufSplit.CountKey, GgufValueType.UInt16) ?? 0);
                if (shardCount != count)
                    throw new GgufSetException(shardPath, $"belongs to another set: its split.count is {(shard.Parsed.Metadata.ContainsKey(GgufSplit.CountKey) ? shardCount : "absent")}, " +
                                                          $"the set of {path} has {count} shards");
                int shardNumber = ShardNumber(shard, count);
                if (shardNumber != i)
                    throw new GgufSetException(shardPath, $"belongs to another set: it is named shard {i + 1} but its split.no is {shardNumber} (shard {shardNumber + 1})");
            }
            CheckTensors(shards);
            return shards;
        }
        catch
        {
            foreach (var shard in shards.Distinct()) shard.Dispose();
            throw;
        }
    }

    private static int ShardNumber(GgufShard shard, int count)
    {
        long number = shard.SplitValue(GgufSplit.NumberKey, GgufValueType.UInt16)
                      ?? throw new GgufSetException(shard.Path, $"split.count is {count} but split.no is absent");
        if (number >= count) throw new GgufSetException(shard.Path, $"split.no is {number}, beyond the {count} shards of its set (0..{count - 1})");
        return (int)number;
    }

    /// <summary>Every shard states the same total, the shards hold exactly that many tensors, and no tensor is in two shards.</summary>
    private static void CheckTensors(List<GgufShard> shards)
    {
        long expected = shards[0].SplitValue(GgufSplit.TensorCountKey, GgufValueType.Int32)
                        ?? throw new GgufSetException(shards[0].Path, "split.tensors.count is absent");
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var shard in shards)
        {
            long stated = shard.SplitValue(GgufSplit.TensorCountKey, GgufValueType.Int32)
                          ?? throw new GgufSetException(shard.Path, "split.tensors.count is absent");
            if (stated != expected)
                throw new GgufSetException(shard.Path, $"split.tensors.count is {stated} but the first shard ({shards[0].Path}) says {expected}: not the same set");
            foreach (var t in shard.Parsed.Tensors)
            {
                if (owner.TryGetValue(t.Name, out var other))
                    throw new GgufSetException(shard.Path, $"tensor '{t.Name}' is also in {other}: a tensor must be in one shard only");
                owner.Add(t.Name, shard.Path);
            }
            total += shard.Parsed.Tensors.Count;
        }
        if (total != expected)
            throw new GgufSetException(shards[0].Path, $"the {shards.Count} shards hold {total} tensors " +
                                                       $"({string.Join(", ", shards.Select(s => $"{s.Path}: {s.Parsed.Tensors.Count}"))}) but split.tensors.count says {expected}");
    }
}
