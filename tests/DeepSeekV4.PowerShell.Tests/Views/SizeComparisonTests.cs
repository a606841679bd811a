using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.PowerShell.Tests.Views;

/// <summary>
/// The words the views print for a comparison of sizes. Each expected factor is the larger size over the smaller,
/// worked out by hand in the comment beside it.
/// </summary>
public class SizeComparisonTests
{
    [Theory]
    [InlineData(100, 100, "same size")]          // equal
    [InlineData(99, 100, "1.0x smaller")]        // 100 / 99 = 1.0101 → 1.0, and 99 < 100: smaller, never "same size"
    [InlineData(101, 100, "1.0x larger")]        // 101 / 100 = 1.01 → 1.0, and 101 > 100: larger
    [InlineData(100, 320, "3.2x smaller")]       // 320 / 100 = 3.2
    [InlineData(320, 100, "3.2x larger")]        // 320 / 100 = 3.2, the other way round
    [InlineData(150, 100, "1.5x larger")]        // 150 / 100 = 1.5
    [InlineData(100, 150, "1.5x smaller")]       // 150 / 100 = 1.5
    [InlineData(10, 999, "99.9x smaller")]       // 999 / 10 = 99.9: the last factor with a decimal
    [InlineData(10_000, 999_600, "100x smaller")] // 999,600 / 10,000 = 99.96 → rounds to 100.0, so no decimal
    [InlineData(1, 100, "100x smaller")]         // 100 / 1 = 100
    [InlineData(1, 1_600, "1,600x smaller")]     // 1,600 / 1 = 1,600, with a group separator
    [InlineData(1_600, 1, "1,600x larger")]
    [InlineData(0, 0, "-")]                      // nothing held, nothing to compare
    [InlineData(0, 100, "-")]                    // an empty cache is not "infinitely smaller"
    [InlineData(100, 0, "-")]
    public void Describe_says_smaller_only_when_smaller_and_larger_when_larger(long size, long reference, string expected) =>
        Assert.Equal(expected, SizeComparison.Describe(size, reference));

    private static KvCacheReport Report(long totalBytes, long mha, long gqa8, long mla) =>
        new("tiny", "Active", new KvCacheStatistics(KvCacheFormat.Native, Tokens: 48, ContextLength: 1024,
            WindowBytes: totalBytes, CsaEntryBytes: 0, IndexerKeyBytes: 0, HcaEntryBytes: 0, CompressorStateBytes: 0,
            ReservedBytes: totalBytes, Layers: [], UncompressedMhaBytes: mha, Gqa8Bytes: gqa8, MlaBytes: mla));

    [Fact]
    public void A_cache_larger_than_the_MLA_one_reads_larger_not_a_fraction_smaller()
    {
        // The tiny model's case: 650 bytes held against an MLA cache of 100. SmallerThanMla stays the raw ratio
        // (100 / 650 = 0.154, which the old view printed as "0.2x smaller"); the words say 650 / 100 = 6.5x larger.
        var report = Report(totalBytes: 650, mha: 2_600, gqa8: 650, mla: 100);
        Assert.Equal(100.0 / 650, report.SmallerThanMla, 12);
        Assert.Equal("6.5x larger", report.VersusMla);
        Assert.Equal("4.0x smaller", report.VersusMha);   // 2,600 / 650 = 4
        Assert.Equal("same size", report.VersusGqa8);     // 650 = 650
    }

    [Fact]
    public void An_empty_cache_compares_with_nothing()
    {
        var report = Report(totalBytes: 0, mha: 0, gqa8: 0, mla: 0);
        Assert.Equal("-", report.VersusMha);
        Assert.Equal("-", report.VersusGqa8);
        Assert.Equal("-", report.VersusMla);
    }

    [Fact]
    public void Records_print_a_summary_not_their_members()
    {
        var report = Report(totalBytes: 2048, mha: 4096, gqa8: 4096, mla: 1024);
        // 2,048 bytes = 2 KiB; 2,048 / 48 tokens = 42.67 → 43 bytes/token.
        Assert.Equal("tiny / Active: 48 tokens, 2 KiB as Native (43 bytes/token)", report.ToString());
        var layer = new KvCacheLayerReport("tiny", "Active", new KvCacheLayerStatistics(2, 4, 48, 12, 1024, 512, 256, 256));
        Assert.Equal("tiny / Active layer 2 (CSA): 2 KiB", layer.ToString());   // 1,024 + 512 + 256 + 256 = 2,048
        Assert.DoesNotContain("{", layer.Statistics.ToString());
    }

    [Fact]
    public void The_memory_estimate_has_one_line_breakdowns()
    {
        var estimate = new MemoryEstimate("tiny", "deepseek4", 1024, KvCacheFormat.Native,
            [new MemoryComponent("F16", 3 * 1024 * 1024), new MemoryComponent("F32", 1536)],
            [new MemoryComponent("window", 2048), new MemoryComponent("compressor state", 512)],
            ScratchBytes: 1024, AvailableBytes: 1L << 30, WeightsAlreadyLoaded: false);
        Assert.Equal("F16 3 MiB, F32 1.5 KiB", estimate.WeightBreakdown);          // 1,536 / 1,024 = 1.5
        Assert.Equal("window 2 KiB, compressor state 512 B", estimate.KvCacheBreakdown);
        Assert.Equal(estimate.Describe(), estimate.ToString());
        Assert.DoesNotContain("System.", estimate.ToString());
    }
}
