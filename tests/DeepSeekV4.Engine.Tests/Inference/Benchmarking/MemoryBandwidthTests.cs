using DeepSeekV4.Engine.Inference.Benchmarking;

namespace DeepSeekV4.Engine.Tests.Inference.Benchmarking;

public class MemoryBandwidthTests
{
    [Fact]
    public void ReadLoopSumsEveryWordOfItsSliceExactlyOnce()
    {
        var buffer = new ulong[64 * 50];
        for (int i = 0; i < buffer.Length; i++) buffer[i] = (ulong)i;
        // Σ i for i in [128, 2048): (2048·2047 − 128·127) / 2
        Assert.Equal((2048UL * 2047 - 128UL * 127) / 2, MemoryBandwidth.ReadSum(buffer, 128, 2048));
        Assert.Equal((ulong)buffer.Length * (ulong)(buffer.Length - 1) / 2, MemoryBandwidth.ReadSum(buffer, 0, buffer.Length));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void MeasurementCoversTheWholeBufferWithEveryThread(int threads)
    {
        var r = MemoryBandwidth.Measure(threads, bufferBytes: 4 << 20, passes: 3);
        Assert.Equal(threads, r.Threads);
        Assert.Equal(4 << 20, r.BufferBytes);
        Assert.True(double.IsFinite(r.BytesPerSecond) && r.BytesPerSecond > 0);
        Assert.True(r.MedianBytesPerSecond <= r.BytesPerSecond);
    }
}
