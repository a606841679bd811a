using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.Inference.Fakes;

/// <summary>Loads <see cref="ToyModel"/>s for any path, counting loads; its footprint is stated by the test.</summary>
public sealed class ToyLoader(Func<IReadOnlyList<int>, int>? next = null) : IModelLoader
{
    private int _loads;

    public int Loads => _loads;
    public List<ToyModel> Models { get; } = [];
    public long WeightBytes { get; init; } = 1000;
    public long KvBytesPerToken { get; init; } = 10;
    public long Scratch { get; init; } = 100;
    public int MaxContextLength { get; init; } = 4096;

    /// <summary>Runs at the start of each load with its number (from 1) and token: a test can block, fail or cancel a load.</summary>
    public Action<int, CancellationToken>? BeforeLoad { get; set; }

    public IModelFootprint Inspect(string path) => new Footprint(this, path);

    public LoadedModel Load(string path, ModelLoadOptions options, Action<EngineEvent>? onEvent, CancellationToken cancellationToken)
    {
        int number = Interlocked.Increment(ref _loads);
        BeforeLoad?.Invoke(number, cancellationToken);
        onEvent?.Invoke(new LoadProgressEvent("mapping", 1, 1));
        var model = new ToyModel(next ?? ToyModel.WeightedSumLetter) { MaxContextLength = MaxContextLength };
        lock (Models) Models.Add(model);
        return new LoadedModel(model, new ByteTokenizer(), Inspect(path));
    }

    private sealed class Footprint(ToyLoader loader, string path) : IModelFootprint
    {
        public ModelDescription Description { get; } = new(path, "toy", loader.WeightBytes / 2,
            [new TensorTypeSummary("F16", 3, loader.WeightBytes * 3 / 8, loader.WeightBytes * 3 / 4), new TensorTypeSummary("F32", 1, loader.WeightBytes / 16, loader.WeightBytes / 4)],
            loader.MaxContextLength);

        public IReadOnlyList<MemoryComponent> KvCacheBytes(int contextLength, KvCacheFormat format) =>
            [new("window", 16 * loader.KvBytesPerToken), new("entries", contextLength * loader.KvBytesPerToken)];

        public long ScratchBytes(int contextLength) => loader.Scratch;
    }
}
