using DeepSeekV4.Corpus.Tokenization;

namespace DeepSeekV4.Corpus.Tests;

public sealed class StatisticsTests
{
    [Fact]
    public void Unigram_perplexity_uses_add_one_counts_from_train_over_the_whole_vocabulary()
    {
        // Train counts over V = 4: id0 ×3, id1 ×1, N = 4 → p = (c + 1) / 8: p0 = 1/2, p1 = 1/4, p3 = 1/8.
        int[][] train = [[0, 0, 1], [0]];
        int[][] heldOut = [[0, 1], [3]];
        double expected = Math.Exp(-(Math.Log(0.5) + Math.Log(0.25) + Math.Log(0.125)) / 3); // = 4
        Assert.Equal(expected, UnigramPerplexity.Compute(train, heldOut, 4), 12);
        Assert.Equal(4.0, UnigramPerplexity.Compute(train, heldOut, 4), 12);
    }

    [Fact]
    public void Unigram_perplexity_can_leave_out_the_BOS_id()
    {
        int[][] train = [[9, 0, 0, 1], [9, 0]];
        int[][] heldOut = [[9, 0, 1], [9, 3]];
        Assert.Equal(UnigramPerplexity.Compute([[0, 0, 1], [0]], [[0, 1], [3]], 10), UnigramPerplexity.Compute(train, heldOut, 10, exclude: 9), 12);
    }

    [Fact]
    public void Token_file_is_little_endian_uint16_with_BOS_before_each_document()
    {
        string path = Path.Combine(Path.GetTempPath(), $"corpus-{Guid.NewGuid():N}.u16");
        try
        {
            TokenStream.Write(path, 8163, [[1, 258], [65535]]);
            Assert.Equal(new byte[] { 0xE3, 0x1F, 1, 0, 2, 1, 0xE3, 0x1F, 0xFF, 0xFF }, File.ReadAllBytes(path));
            Assert.Throws<InvalidDataException>(() => TokenStream.Write(path, 1, [[65536]]));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
