using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>
/// GGUFs written by ggml (ggml-quants) and gguf-py (dsv4-tiny), read and written again through the writer, come out
/// byte for byte the same: both pad the tensor-info block and every tensor (the last one too) with zeros to the
/// alignment, and so does the writer.
/// </summary>
public class GgufWriterFixtureRewriteTests
{
    public static TheoryData<string> Fixtures() =>
    [
        "ggml-quants/normal.gguf",
        "ggml-quants/outliers.gguf",
        "ggml-quants/small.gguf",
        "ggml-quants/zeros-and-edges.gguf",
        "dsv4-tiny/dsv4-tiny.f16.gguf",
    ];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FixtureRewrittenThroughTheWriterIsByteIdentical(string relative)
    {
        string path = FixturePaths.Get(relative.Split('/'));
        byte[] original = File.ReadAllBytes(path);
        using var file = GgufFile.Open(path);
        var image = new MemoryStream();
        GgufWriter.FromFile(file).WriteTo(image);
        byte[] rewritten = image.ToArray();

        Assert.Equal(original.Length, rewritten.Length);
        int firstDifference = original.AsSpan().CommonPrefixLength(rewritten);
        Assert.True(firstDifference == original.Length, $"{relative}: first differing byte at offset {firstDifference}");
    }
}
