using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>
/// Models reached through symbolic links, as Hugging Face's download cache lays them out (snapshots/…/name.gguf →
/// blobs/&lt;hash&gt;): the link's own size is a few dozen bytes, the file's is what must be parsed.
/// </summary>
public sealed class GgufSymbolicLinkTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dsv4-links-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    [Theory]
    [InlineData(GgufLoadMode.Mapped)]
    [InlineData(GgufLoadMode.InMemory)]
    public void A_linked_model_opens_as_the_file_it_points_to(GgufLoadMode mode)
    {
        string link = Path.Combine(_folder, "model.gguf");
        if (!TryLink(link, FixturePaths.TinyModelF16)) return;

        using var direct = GgufFile.Open(FixturePaths.TinyModelF16);
        using var linked = GgufFile.Open(link, mode);
        Assert.Equal(new FileInfo(FixturePaths.TinyModelF16).Length, linked.FileSize);
        Assert.Equal(direct.Tensors.Select(t => t.Name), linked.Tensors.Select(t => t.Name));
        foreach (var t in direct.Tensors)
            Assert.True(direct.GetTensorData(t).SequenceEqual(linked.GetTensorData(linked.GetTensor(t.Name))), t.Name);
    }

    [Fact]
    public void A_split_set_of_links_to_blobs_opens_whole()
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 70 });
        string blobs = Directory.CreateDirectory(Path.Combine(_folder, "blobs")).FullName;
        string snapshot = Directory.CreateDirectory(Path.Combine(_folder, "snapshots", "main")).FullName;
        for (int i = 0; i < set.Shards.Count; i++)
        {
            string blob = Path.Combine(blobs, $"{i:x8}deadbeef");
            File.Copy(set.Shards[i], blob);
            if (!TryLink(Path.Combine(snapshot, Path.GetFileName(set.Shards[i])), blob)) return;
        }

        using var direct = GgufFile.Open(set.Shards[0]);
        using var linked = GgufFile.Open(Path.Combine(snapshot, Path.GetFileName(set.Shards[0])));
        Assert.Equal(set.Shards.Count, linked.ShardPaths.Count);
        Assert.Equal(direct.FileSize, linked.FileSize);
        foreach (var t in direct.Tensors)
            Assert.True(direct.GetTensorData(t).SequenceEqual(linked.GetTensorData(linked.GetTensor(t.Name))), t.Name);
    }

    [Fact]
    public void A_link_whose_target_is_gone_is_refused_naming_the_target()
    {
        string blob = Path.Combine(_folder, "blob");
        string link = Path.Combine(_folder, "model.gguf");
        File.Copy(FixturePaths.TinyModelF16, blob);
        if (!TryLink(link, blob)) return;
        File.Delete(blob);

        var e = Assert.Throws<FileNotFoundException>(() => GgufFile.Open(link));
        Assert.Equal($"GGUF file not found: {link} (a symbolic link to {blob}, which does not exist)", e.Message);
        var registry = Assert.Throws<FileNotFoundException>(() => DeepSeekV4.Engine.Inference.ModelRegistry.Canonical(link));
        Assert.Contains($"a symbolic link to {blob}, which does not exist", registry.Message);
    }

    [Fact]
    public void A_shard_link_whose_blob_is_gone_is_named_as_the_missing_shard()
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 70 });
        string second = set.Shards[1], blob = Path.Combine(_folder, "blob");
        File.Move(second, blob);
        if (!TryLink(second, blob)) return;
        File.Delete(blob);

        var e = Assert.Throws<FileNotFoundException>(() => GgufFile.Open(set.Shards[0]));
        Assert.StartsWith($"shard 2 of {set.Shards.Count} of this split GGUF set is missing: {second}", e.Message);
        Assert.EndsWith($"(a symbolic link to {blob}, which does not exist)", e.Message);
    }

    /// <summary>Windows refuses links without the privilege or developer mode; there the test has nothing to check.</summary>
    internal static bool TryLink(string link, string target)
    {
        try
        {
            File.CreateSymbolicLink(link, target);
            return true;
        }
        catch (Exception e) when (OperatingSystem.IsWindows() && e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }
}
