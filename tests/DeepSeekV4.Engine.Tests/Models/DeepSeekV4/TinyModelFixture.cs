using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>The F16 tiny model (Fast numerics), loaded once and shared by every test of the collection; its Reference twin on first use.</summary>
public sealed class TinyModelFixture : IDisposable
{
    private readonly Lazy<DeepSeekV4Model> _reference = new(() =>
        DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { Numerics = DeepSeekV4Numerics.Reference }));

    public DeepSeekV4Model Model { get; } = DeepSeekV4Model.Load(TinyReference.F16Path);

    /// <summary>The model with the given numerics (Fast or Reference).</summary>
    public DeepSeekV4Model For(DeepSeekV4Numerics numerics) => numerics switch
    {
        DeepSeekV4Numerics.Fast => Model,
        DeepSeekV4Numerics.Reference => _reference.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(numerics), numerics, "the fixture holds Fast and Reference"),
    };

    public void Dispose()
    {
        Model.Dispose();
        if (_reference.IsValueCreated) _reference.Value.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModelFixture>
{
    public const string Name = "dsv4-tiny model";
}
