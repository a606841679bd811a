namespace DeepSeekV4.Engine.Inference;

/// <summary>Loads DeepSeek V4 GGUF files for the shared registry.</summary>
public sealed class DefaultModelLoader : IModelLoader
{
    public static DefaultModelLoader Instance { get; } = new();

    private DefaultModelLoader()
    {
    }

    public IModelFootprint Inspect(string path) =>
        throw new NotSupportedException($"cannot read {path}: the DeepSeek V4 model is not part of this build yet");

    public LoadedModel Load(string path, ModelLoadOptions options, Action<EngineEvent>? onEvent, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"cannot load {path}: the DeepSeek V4 model is not part of this build yet");
}
