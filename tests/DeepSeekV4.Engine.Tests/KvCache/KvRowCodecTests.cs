using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.KvCache;

public class KvRowCodecTests
{
    [Theory]
    [InlineData(KvCacheFormat.Native, 584, 68)]   // reference §7.1: 448 FP8 + 7 scales + 1 pad + 64·2 BF16; 64 B FP4 + 4 scales
    [InlineData(KvCacheFormat.F32, 2048, 512)]
    [InlineData(KvCacheFormat.F16, 1024, 256)]
    [InlineData(KvCacheFormat.BF16, 1024, 256)]
    [InlineData(KvCacheFormat.Q8_0, 544, 136)]    // 34 B per 32 values
    [InlineData(KvCacheFormat.Q4_0, 288, 72)]     // 18 B per 32 values
    public void RowSizesOfTheFullSizeModels(KvCacheFormat format, int kvBytes, int indexerBytes)
    {
        Assert.Equal(kvBytes, KvRowCodec.KvRowBytes(format, 512, 64));
        Assert.Equal(indexerBytes, KvRowCodec.IndexerKeyBytes(format, 128));
        Assert.Equal(kvBytes, KvRowCodec.ForKv(format, 512, 64).RowBytes);
    }

    [Fact]
    public void NativeRowsAreLosslessForFp8SimulatedNonRotaryDimsAndBf16RotaryDims()
    {
        var rng = new Random(3);
        var row = Enumerable.Range(0, 512).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        Fp8E4M3.Simulate(row.AsSpan(0, 448), 64);
        for (int i = 448; i < 512; i++) row[i] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(row[i]) & unchecked((int)0xFFFF0000));
        var codec = KvRowCodec.ForKv(KvCacheFormat.Native, 512, 64);
        var bytes = new byte[codec.RowBytes];
        var back = new float[512];
        codec.Encode(row, bytes);
        codec.Decode(bytes, back);
        Assert.Equal(row, back);
    }

    [Fact]
    public void NativeIndexerKeysAreLosslessForFp4SimulatedKeys()
    {
        var rng = new Random(5);
        var key = Enumerable.Range(0, 128).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        Fp4E2M1.Simulate(key, 32);
        var codec = KvRowCodec.ForIndexerKey(KvCacheFormat.Native, 128);
        var bytes = new byte[codec.RowBytes];
        var back = new float[128];
        codec.Encode(key, bytes);
        codec.Decode(bytes, back);
        Assert.Equal(key, back);
    }

    [Theory]
    [InlineData(KvCacheFormat.F32, 0)]
    [InlineData(KvCacheFormat.F16, 1e-3)]
    [InlineData(KvCacheFormat.BF16, 8e-3)]
    [InlineData(KvCacheFormat.Q8_0, 2e-2)]
    [InlineData(KvCacheFormat.Q4_0, 0.3)]
    public void GgmlRowsRoundTripWithinTheirPrecision(KvCacheFormat format, double tolerance)
    {
        var rng = new Random(11);
        var row = Enumerable.Range(0, 512).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var codec = KvRowCodec.ForKv(format, 512, 64);
        var bytes = new byte[codec.RowBytes];
        var back = new float[512];
        codec.Encode(row, bytes);
        codec.Decode(bytes, back);
        Assert.All(Enumerable.Range(0, 512), i => Assert.True(Math.Abs(back[i] - row[i]) <= tolerance, $"{i}: {row[i]} → {back[i]}"));
    }
}
