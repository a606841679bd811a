using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>The F16 tiny model, loaded once and shared by every test of the collection.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public DeepSeekV4Model Model { get; } = DeepSeekV4Model.Load(TinyReference.F16Path);

    public void Dispose() => Model.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModelFixture>
{
    public const string Name = "dsv4-tiny model";
}
