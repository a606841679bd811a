using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.Backend;

/// <summary>The F16 tiny model on the GPU simulator (Fast numerics), and its twin with Reference numerics, shared by the GPU sequence tests.</summary>
public sealed class GpuTinyModelFixture : IDisposable
{
    private readonly Lazy<DeepSeekV4Model> _reference = new(() => DeepSeekV4Model.Load(TinyReference.F16Path,
        new DeepSeekV4ModelOptions { Device = ComputeDevice.GpuSimulator, Numerics = DeepSeekV4Numerics.Reference }));

    public DeepSeekV4Model Model { get; } = DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { Device = ComputeDevice.GpuSimulator });

    public DeepSeekV4Model Reference => _reference.Value;

    public void Dispose()
    {
        Model.Dispose();
        if (_reference.IsValueCreated) _reference.Value.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class GpuTinyModelCollection : ICollectionFixture<GpuTinyModelFixture>, ICollectionFixture<TinyModelFixture>
{
    public const string Name = "dsv4-tiny on the GPU simulator";
}
