using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference.Benchmarking;

namespace DeepSeekV4.Engine.Tests.Inference.Benchmarking;

public class WeightTrafficTests
{
    [Fact]
    public void TinyFixtureReadsDenseWeightsOnceAQuarterOfTheExpertsAndOneEmbeddingRow()
    {
        using var file = GgufFile.Open(FixturePaths.TinyModelF16);
        // dsv4-tiny (README): 16 routed experts, 4 used; F16 token_embd [128, 512] → one row = 256 bytes;
        // tid2eid I32 [4, 512] in layers 0-2 → one row = 16 bytes each; expert stacks F16 [128, 64, 16] and [64, 128, 16].
        long all = file.Tensors.Sum(t => t.ByteSize);
        long experts = 6 * 3 * (128L * 64 * 16 * 2);
        long embedding = 128L * 512 * 2;
        long tid2eid = 3 * (4L * 512 * 4);
        long expected = all - experts - embedding - tid2eid + experts / 4 + 256 + 3 * 16;
        Assert.Equal(expected, WeightTraffic.BytesPerToken(file));
    }

    [Fact]
    public void AFileWithoutExpertCountsIsRefusedNamingTheKey()
    {
        using var file = GgufFile.Open(FixturePaths.Get("ggml-quants", "small.gguf"));
        var e = Assert.Throws<InvalidDataException>(() => WeightTraffic.BytesPerToken(file));
        Assert.Contains("general.architecture", e.Message);
    }
}
