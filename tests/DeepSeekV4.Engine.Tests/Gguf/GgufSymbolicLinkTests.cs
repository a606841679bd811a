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
