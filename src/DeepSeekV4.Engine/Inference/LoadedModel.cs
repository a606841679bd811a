namespace DeepSeekV4.Engine.Inference;

/// <summary>A model in memory with its tokenizer and description; owned by the registry.</summary>
public sealed class LoadedModel(ILanguageModel model, IChatTokenizer tokenizer, IModelFootprint footprint) : IDisposable
{
    public ILanguageModel Model { get; } = model;

    public IChatTokenizer Tokenizer { get; } = tokenizer;

    public IModelFootprint Footprint { get; } = footprint;

    /// <summary>The GGUF the weights are read from, when the loader keeps one open (whether it is locked in memory, …).</summary>
    public Gguf.GgufFile? File { get; init; }

    public ModelDescription Description => Footprint.Description;

    public void Dispose() => Model.Dispose();
}
