using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>Writing, opening, refusing and merging split sets (llama-gguf-split's convention).</summary>
public class GgufSplitSetTests
{
    private static GgufFile Single() => GgufFile.Open(FixturePaths.TinyModelF16);

    [Theory]
    [InlineData(50, false)]
    [InlineData(50, true)]
    [InlineData(1000, true)]
    public void Every_shard_opens_the_whole_set_with_the_single_files_tensors_and_metadata(int maxTensors, bool noTensorFirst)
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = maxTensors, NoTensorFirstSplit = noTensorFirst });
        using var single = Single();
        int n = single.Tensors.Count;
        // llama-gguf-split's plan: a new shard at every multiple of maxTensors, after an empty first one if asked.
        int expectedShards = (n + maxTensors - 1) / maxTensors + (noTensorFirst ? 1 : 0);
        Assert.Equal(expectedShards, set.Shards.Count);
        foreach (var shard in set.Shards)
        {
            using var opened = GgufFile.Open(shard);
            Assert.Equal(set.Shards, opened.ShardPaths);
            Assert.Equal(set.Shards[0], opened.Path);
            Assert.Equal(single.Tensors.Select(t => t.Name), opened.Tensors.Select(t => t.Name));
            foreach (var t in single.Tensors)
            {
                var other = opened.GetTensor(t.Name);
                Assert.Equal(t.Type, other.Type);
                Assert.Equal(t.Dimensions, other.Dimensions);
                Assert.True(single.GetTensorData(t).SequenceEqual(opened.GetTensorData(other)), t.Name);
            }
            foreach (var key in single.MetadataKeys) Assert.Equal(single.Metadata[key].ToString(), opened.Metadata[key].ToString());
            Assert.Equal(n, (int)opened.Metadata[GgufSplit.TensorCountKey].Value);
            Assert.Equal((ushort)set.Shards.Count, opened.Metadata[GgufSplit.CountKey].Value);
        }
        using var first = GgufShardProbe.Header(set.Shards[0]);
        Assert.Equal(noTensorFirst ? 0 : Math.Min(maxTensors, n), first.Tensors.Count);
    }

    [Fact]
    public void Later_shards_hold_only_the_split_keys()
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 60 });
        using var second = GgufShardProbe.Header(set.Shards[1]);
        Assert.Equal([GgufSplit.NumberKey, GgufSplit.CountKey, GgufSplit.TensorCountKey], second.MetadataKeys);
        Assert.Equal((ushort)1, second.Metadata[GgufSplit.NumberKey].Value);
    }

    [Fact]
    public void Shards_cut_by_size_keep_their_padded_tensor_bytes_within_the_limit()
    {
        const long max = 1_000_000;
        using var set = new TinySplitSet(new GgufSplitOptions { MaxBytes = max });
        Assert.True(set.Shards.Count > 2);
        foreach (var shard in set.Shards)
        {
            using var header = GgufShardProbe.Header(shard);
            long padded = header.Tensors.Sum(t => (t.ByteSize + 31) / 32 * 32);
            Assert.True(padded <= max || header.Tensors.Count == 1, $"{shard}: {padded} bytes");
        }
    }

    [Fact]
    public void A_missing_shard_is_named()
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 50 });
        File.Delete(set.Shards[2]);
        var e = Assert.Throws<FileNotFoundException>(() => GgufFile.Open(set.Shards[0]));
        Assert.Contains(set.Shards[2], e.Message);
        Assert.Contains("shard 3 of 4", e.Message);
    }

    [Fact]
    public void A_shard_from_another_set_is_named()
    {
        using var a = new TinySplitSet(new GgufSplitOptions { MaxTensors = 50 }, "model");
        using var b = new TinySplitSet(new GgufSplitOptions { MaxTensors = 100 }, "model");
        File.Copy(b.Shards[1], a.Shards[1], overwrite: true);   // b has 2 shards, a has 4
        var e = Assert.Throws<GgufSetException>(() => GgufFile.Open(a.Shards[0]));
        Assert.Equal(a.Shards[1], e.ShardPath);
        Assert.Contains("another set", e.Message);
    }

    [Fact]
    public void Shards_that_disagree_on_the_tensor_count_are_refused()
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 50 });
        Rewrite(set.Shards[3], w => w.SetMetadata(GgufSplit.TensorCountKey, 999));
        var e = Assert.Throws<GgufSetException>(() => GgufFile.Open(set.Shards[0]));
        Assert.Equal(set.Shards[3], e.ShardPath);
        Assert.Contains("999", e.Message);
    }

    [Fact]
    public void A_tensor_in_two_shards_is_refused()
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 50 });
        using var single = Single();
        var stolen = single.Tensors[0];
        byte[] data = single.GetTensorData(stolen).ToArray();
        Rewrite(set.Shards[1], w => w.AddTensor(stolen.Name, stolen.Type, stolen.Dimensions, data));
        var e = Assert.Throws<GgufSetException>(() => GgufFile.Open(set.Shards[2]));
        Assert.Contains(stolen.Name, e.Message);
        Assert.Contains(set.Shards[0], e.Message);
    }

    [Fact]
    public void A_total_that_the_shards_do_not_hold_is_refused()
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 50 });
        foreach (var shard in set.Shards) Rewrite(shard, w => w.SetMetadata(GgufSplit.TensorCountKey, 177));
        var e = Assert.Throws<GgufSetException>(() => GgufFile.Open(set.Shards[0]));
        Assert.Contains("177", e.Message);
    }

    [Fact]
    public void A_renamed_shard_is_refused_with_the_name_it_should_have()
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 50 });
        string renamed = Path.Combine(set.Directory, "other-00003-of-00004.gguf");
        File.Copy(set.Shards[1], renamed);
        var e = Assert.Throws<GgufSetException>(() => GgufFile.Open(renamed));
        Assert.Contains("-00002-of-00004.gguf", e.Message);
    }

    [Theory]
    [InlineData(GgufSplit.CountKey, "UINT16")]
    [InlineData(GgufSplit.NumberKey, "UINT16")]
    public void Split_keys_of_the_wrong_type_are_refused(string key, string type)
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 100 });
        Rewrite(set.Shards[1], w => w.SetMetadata(key, 1u));
        var e = Assert.Throws<GgufSetException>(() => GgufFile.Open(set.Shards[1]));
        Assert.Contains(type, e.Message);
    }

    [Fact]
    public void A_shard_number_beyond_the_count_is_refused()
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 100 });
        Rewrite(set.Shards[1], w => w.SetMetadata(GgufSplit.NumberKey, (ushort)7));
        var e = Assert.Throws<GgufSetException>(() => GgufFile.Open(set.Shards[1]));
        Assert.Contains("split.no is 7", e.Message);
    }

    [Fact]
    public void Merging_reproduces_every_tensor_byte_for_byte()
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 40, NoTensorFirstSplit = true });
        string merged = Path.Combine(set.Directory, "merged.gguf");
        GgufSetMerge.Merge(set.Shards[2], merged);
        using var single = Single();
        using var file = GgufFile.Open(merged);
        Assert.Single(file.ShardPaths);
        Assert.Equal((ushort)0, file.Metadata[GgufSplit.CountKey].Value);   // llama.cpp marks a merged file so
        Assert.Equal(single.Tensors.Select(t => t.Name), file.Tensors.Select(t => t.Name));
        foreach (var t in single.Tensors)
            Assert.True(single.GetTensorData(t).SequenceEqual(file.GetTensorData(file.GetTensor(t.Name))), t.Name);
        Assert.Throws<IOException>(() => GgufSetMerge.Merge(set.Shards[0], merged));
    }

    [Fact]
    public void A_size_limit_smaller_than_a_tensor_is_refused_before_writing()
    {
        var dir = Directory.CreateTempSubdirectory("dsv4-split-").FullName;
        try
        {
            using var single = Single();
            var e = Assert.Throws<ArgumentException>(() => GgufWriter.FromFile(single).WriteSplit(Path.Combine(dir, "x"), new GgufSplitOptions { MaxBytes = 1000 }));
            Assert.Contains("does not fit", e.Message);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static void Rewrite(string path, Action<GgufWriter> change)
    {
        byte[] bytes = File.ReadAllBytes(path);
        using (var file = GgufFile.FromBytes(bytes, path))
        {
            var w = GgufWriter.FromFile(file);
            change(w);
            w.WriteTo(path);
        }
    }
}
