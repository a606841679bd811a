using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

public class GgufSplitNamingTests
{
    [Fact]
    public void Shard_paths_follow_llama_cpps_pattern_and_parse_back()
    {
        string path = GgufSplit.ShardPath("/m/DeepSeek-V4-Flash-UD-IQ1_M", 2, 13);
        Assert.Equal("/m/DeepSeek-V4-Flash-UD-IQ1_M-00002-of-00013.gguf", path);
        Assert.True(GgufSplit.TryParseShardPath(path, out var prefix, out int number, out int count));
        Assert.Equal(("/m/DeepSeek-V4-Flash-UD-IQ1_M", 2, 13), (prefix, number, count));
    }

    [Theory]
    [InlineData("/m/model.gguf")]
    [InlineData("/m/model-0001-of-0003.gguf")]
    [InlineData("/m/model-00004-of-00003.gguf")]
    [InlineData("/m/model-00000-of-00003.gguf")]
    [InlineData("/m/model-00001-of-00003.bin")]
    public void Other_names_are_not_shards(string path) => Assert.False(GgufSplit.TryParseShardPath(path, out _, out _, out _));

    [Theory]
    [InlineData("5M", 5_000_000L)]
    [InlineData("500M", 500_000_000L)]
    [InlineData("2G", 2_000_000_000L)]
    [InlineData("48g", 48_000_000_000L)]
    public void Sizes_are_decimal_megabytes_and_gigabytes(string text, long bytes) => Assert.Equal(bytes, GgufSplit.ParseSize(text));

    [Theory]
    [InlineData("5")]
    [InlineData("5K")]
    [InlineData("0M")]
    [InlineData("-1G")]
    [InlineData("1.5G")]
    [InlineData("M")]
    public void Other_sizes_are_refused(string text) => Assert.Throws<FormatException>(() => GgufSplit.ParseSize(text));
}
