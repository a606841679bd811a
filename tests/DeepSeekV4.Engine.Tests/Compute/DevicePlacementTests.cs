using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute;

/// <summary>Where DeepSeekV4Model.Load places a model for each ComputeDevice, and what the CPU backend's sequences report.</summary>
public sealed class DevicePlacementTests
{
    private static string TinyModel => FixturePaths.TinyModelF16;

    private static bool HasCuda => GpuDevices.List().Any(d => d.Kind == GpuDeviceKind.Cuda);

    [Fact]
    public void Auto_without_CUDA_takes_the_CPU_and_tells_why()
    {
        if (HasCuda) return;
        var told = new List<string>();
        using var model = DeepSeekV4Model.Load(TinyModel, new DeepSeekV4ModelOptions { Device = ComputeDevice.Auto, OnDeviceChosen = told.Add });
        Assert.Equal("cpu", model.Device);
        Assert.Equal(0, model.Compute.DeviceWeightBytes);
        var message = Assert.Single(told);
        Assert.Contains("no CUDA", message);
        Assert.Contains("CPU", message);
    }

    [Fact]
    public void The_CPU_is_chosen_without_asking_any_GPU_runtime()
    {
        var told = new List<string>();
        using var model = DeepSeekV4Model.Load(TinyModel, new DeepSeekV4ModelOptions { Device = ComputeDevice.Cpu, OnDeviceChosen = told.Add });
        Assert.Equal("cpu", model.Device);
        Assert.Empty(told);
        using var sequence = model.CreateSequence(64);
        sequence.Forward([1, 2, 3], new float[model.VocabularySize]);
        Assert.Equal("cpu", sequence.Device);
        Assert.Equal("cpu", sequence.GetStatistics().Device);
        Assert.Equal(3, sequence.Cache.Length);
    }

    [Fact]
    public void An_absent_CUDA_device_is_refused_naming_it()
    {
        if (HasCuda) return;
        var e = Assert.Throws<GpuDeviceUnavailableException>(() => DeepSeekV4Model.Load(TinyModel, new DeepSeekV4ModelOptions { Device = ComputeDevice.Cuda, DeviceId = 2 }));
        Assert.Equal("cuda:2", e.Device);
    }

    [Fact]
    public void A_GPU_load_is_refused_by_device_name_while_the_backend_runs_no_sequences()
    {
        var e = Assert.Throws<NotSupportedException>(() => DeepSeekV4Model.Load(TinyModel, new DeepSeekV4ModelOptions { Device = ComputeDevice.GpuSimulator }));
        Assert.StartsWith("simulator:0", e.Message);
    }

    [Fact]
    public void Unknown_devices_and_negative_ids_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DeepSeekV4Model.Load(TinyModel, new DeepSeekV4ModelOptions { Device = (ComputeDevice)42 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeepSeekV4Model.Load(TinyModel, new DeepSeekV4ModelOptions { DeviceId = -1 }));
    }
}
