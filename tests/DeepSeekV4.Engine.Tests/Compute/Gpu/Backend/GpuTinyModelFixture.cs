using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.Backend;

/// <summary>
/// The F16 tiny model on the GPU backend (Fast numerics), and its twin with Reference numerics, shared by the GPU sequence
/// tests: on the first CUDA device when the machine has one (there the GpuSimulatorManifest set runs in seconds), else on ILGPU's simulator.
/// </summary>
public sealed class GpuTinyModelFixture : IDisposable
{
    private static readonly ComputeDevice Target =
        Engine.Compute.Gpu.GpuDevices.List().Any(d => d.Kind == Engine.Compute.Gpu.GpuDeviceKind.Cuda) ? ComputeDevice.Cuda : ComputeDevice.GpuSimulator;

    private readonly Lazy<DeepSeekV4Model> _reference = new(() => DeepSeekV4Model.Load(TinyReference.F16Path,
        new DeepSeekV4ModelOptions { Device = Target, Numerics = DeepSeekV4Numerics.Reference }));

    public DeepSeekV4Model Model { get; } = DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { Device = Target });

    /// <summary>"cuda:0" or "simulator:0".</summary>
    public string Device => Model.Device;

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
