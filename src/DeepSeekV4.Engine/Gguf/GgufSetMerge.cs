namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// Joins a split set into one file as llama-gguf-split --merge does: the first shard's metadata (with split.count
/// set to 0, which marks a merged file) and every tensor in shard order, their bytes copied unchanged.
/// </summary>
public static class GgufSetMerge
{
    /// <summary>Merges the set that <paramref name="shardPath"/> belongs to into <paramref name="outPath"/>, which must not exist yet.</summary>
    public static void Merge(string shardPath, string outPath)
    {
        string output = Path.GetFullPath(outPath);
        if (File.Exists(output)) throw new IOException($"{output} already exists; merging does not overwrite a file");
        using var set = GgufFile.Open(shardPath);
        if (set.ShardPaths.Count < 2) throw new GgufSetException(set.Path, "is a single GGUF file, not a shard of a split set");
        var writer = GgufWriter.FromFile(set);
        writer.SetMetadata(GgufSplit.CountKey, (ushort)0);
        writer.WriteTo(output);
    }
}
