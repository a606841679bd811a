using global::DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>Steady-state decoding allocates nothing on the managed heap; memory follows the sequence, not the context.</summary>
[Collection(TinyModelCollection.Name)]
public class DecodeAllocationTests(TinyModelFixture fixture)
{
    [Theory]
    [InlineData(KvCacheFormat.Native)]
    [InlineData(KvCacheFormat.F32)]
    [InlineData(KvCacheFormat.Q8_0)]
    public void DecodingATokenAfterWarmUpAllocatesNothing(KvCacheFormat format)
    {
        var c = TinyReference.Case("len300");
        using var sequence = fixture.Model.CreateSequence(1024, format);
        var logits = new float[TinyReference.Vocab];
        sequence.Forward(c.Prompt.AsSpan(0, 250), logits);
        int[] token = [c.Prompt[250]];
        for (int i = 251; i < 262; i++)
        {
            sequence.Forward(token, logits);
            token[0] = c.Prompt[i];
        }
        // Position 262: no compressed-entry page fills here (pages hold 256 entries; the window ring is full already).
        long before = GC.GetAllocatedBytesForCurrentThread();
        sequence.Forward(token, logits);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ATenTokenPromptInAMillionTokenContextTakesOnlyWhatItUses()
    {
        using var model = global::DeepSeekV4.Engine.Models.DeepSeekV4.DeepSeekV4Model.Load(TinyReference.F16Path,
            new global::DeepSeekV4.Engine.Models.DeepSeekV4.DeepSeekV4ModelOptions { MaxContextLength = 1 << 20 });
        using var sequence = model.CreateSequence(1 << 20);
        Assert.Equal(0, sequence.Cache.ReservedBytes);
        sequence.Forward(TinyReference.Case("len300").Prompt.AsSpan(0, 10), new float[TinyReference.Vocab]);

        var full = KvCacheSizing.Describe(model.KvGeometry, KvCacheFormat.Native, 1 << 20, 1 << 20);
        long reserved = sequence.Cache.ReservedBytes;
        // What 10 tokens can need at most: every ring (window + compressor states) and one page per compressed store.
        var g = model.KvGeometry;
        int kv = KvRowCodec.KvRowBytes(KvCacheFormat.Native, g.HeadDim, g.RopeDim);
        int idx = KvRowCodec.IndexerKeyBytes(KvCacheFormat.Native, g.IndexerHeadDim);
        long rings = 0, pages = 0;
        foreach (int ratio in g.CompressRatios)
        {
            rings += (long)g.WindowRingRows * kv;
            if (ratio > 0) rings += CompressorStateRing.BytesFor(g.CompressorRingRows(ratio), KvCacheGeometry.CompressorWidth(ratio, g.HeadDim));
            if (ratio == 4)
            {
                rings += CompressorStateRing.BytesFor(g.CompressorRingRows(ratio), KvCacheGeometry.CompressorWidth(ratio, g.IndexerHeadDim));
                pages += KvRowPages.DefaultPageRows * (long)(kv + idx);
            }
        }
        Assert.True(reserved <= rings + pages, $"reserved {reserved} B > rings {rings} B + one page per CSA store {pages} B");
        Assert.True(reserved * 100 < full.ReservedBytes, $"reserved {reserved} B is not small next to the 1M-token cache ({full.ReservedBytes} B)");
        Assert.Equal(10, sequence.GetStatistics().Tokens);
    }

    [Theory]
    [InlineData(KvCacheFormat.Native, 300)]
    [InlineData(KvCacheFormat.Q4_0, 77)]
    public void TheSizeEstimateFromTheGeometryEqualsWhatASequenceTakes(KvCacheFormat format, int tokens)
    {
        using var sequence = fixture.Model.CreateSequence(1024, format);
        sequence.Forward(TinyReference.Case("len300").Prompt.AsSpan(0, tokens), new float[TinyReference.Vocab]);
        var estimate = KvCacheSizing.Describe(fixture.Model.KvGeometry, format, tokens, 1024);
        var actual = sequence.GetStatistics();
        Assert.Equal(estimate.ReservedBytes, actual.ReservedBytes);
        Assert.Equal(estimate.TotalBytes, actual.TotalBytes);
        Assert.Equal(tokens / 4, actual.Layers[2].CompressedEntries);
        Assert.Equal(tokens / 128, actual.Layers[3].CompressedEntries);
    }
}
