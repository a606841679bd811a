using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu;

/// <summary>Opening accelerators, their clear errors, and the checks on uploads and products (no kernel runs here).</summary>
public sealed class GpuAcceleratorTests
{
    [Fact]
    public void BothSimulatorShapesAreListed()
    {
        var simulators = GpuDevices.List().Where(d => d.Kind == GpuDeviceKind.Simulator).ToArray();
        Assert.Equal(["simulator:0", "simulator:1"], simulators.Select(d => d.Id));
        Assert.All(simulators, d => Assert.True(d.MemoryBytes > 0));
        Assert.Contains("warp 2, 4 threads per group, 1 multiprocessor", simulators[0].Detail);
        Assert.Contains("warp 8, 16 threads per group, 2 multiprocessors", simulators[1].Detail);
    }

    [Fact]
    public void AnAcceleratorIsOpenedOnceAndShared()
    {
        Assert.Same(GpuDevices.Get(GpuDeviceKind.Simulator), GpuDevices.Get(GpuDeviceKind.Simulator, 0));
    }

    [Fact]
    public void AMissingCudaDeviceIsAClearErrorNamingIt()
    {
        if (GpuDevices.List().Any(d => d.Kind == GpuDeviceKind.Cuda)) return; // a machine with a GPU: nothing to refuse
        var e = Assert.Throws<GpuDeviceUnavailableException>(() => GpuDevices.Get(GpuDeviceKind.Cuda));
        Assert.Equal("cuda:0", e.Device);
        Assert.StartsWith("cuda:0: no CUDA", e.Message);
        Assert.Contains("libcuda.so.1", e.Message.Replace("nvcuda.dll", "libcuda.so.1"));
    }

    [Fact]
    public void ADeviceIndexPastTheListIsAClearError()
    {
        var e = Assert.Throws<GpuDeviceUnavailableException>(() => GpuDevices.Get(GpuDeviceKind.Simulator, 3));
        Assert.Equal("simulator:3", e.Device);
        Assert.Contains("2 simulator device", e.Message);
    }

    [Fact]
    public void UploadsAreCheckedAgainstTheTypeTable()
    {
        var gpu = GpuDevices.Get(GpuDeviceKind.Simulator);
        var wrongLength = Assert.Throws<ArgumentException>(() => gpu.Upload(GgmlType.Q4_K, 2, 256, new byte[143 * 2]));
        Assert.Contains("Q4_K [2 × 256]: 288 bytes expected, got 286", wrongLength.Message);
        var partialBlock = Assert.Throws<ArgumentException>(() => gpu.Upload(GgmlType.Q8_0, 1, 40, new byte[34]));
        Assert.Contains("not a multiple of the block size 32", partialBlock.Message);
        var unsupported = Assert.Throws<NotSupportedException>(() => gpu.Upload(GgmlType.Q5_K, 1, 256, new byte[176]));
        Assert.Contains("Q5_K (id 13)", unsupported.Message);
    }

    [Fact]
    public void ProductsCheckTheirBuffers()
    {
        var gpu = GpuDevices.Get(GpuDeviceKind.Simulator);
        using var weights = gpu.Upload(GgmlType.F32, 3, 4, new byte[48]);
        using var x = gpu.Allocate(7);
        using var y = gpu.Allocate(6);
        var e = Assert.Throws<ArgumentException>(() => gpu.Multiply(weights, x.View, y.View, 2));
        Assert.Contains("2 vectors of 4 need 8 floats in x, got 7", e.Message);
    }

    [Fact]
    public void HalfWideningIsExactForEveryBitPattern()
    {
        for (uint h = 0; h <= 0xFFFF; h++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)h);
            float actual = DeviceBytes.HalfToFloat(h);
            if (float.IsNaN(expected)) Assert.True(float.IsNaN(actual), $"0x{h:X4}");
            else Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(actual), $"0x{h:X4}: {actual} vs {expected}");
        }
    }
}
