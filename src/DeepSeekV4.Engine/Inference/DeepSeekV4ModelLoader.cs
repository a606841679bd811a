using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Inference;

/// <summary>Loads DeepSeek V4 GGUF files for the shared registry: header inspection for the estimate, then the model and its tokenizer.</summary>
public sealed class DeepSeekV4ModelLoader : IModelLoader
{
    public static DeepSeekV4ModelLoader Instance { get; } = new();

    private DeepSeekV4ModelLoader()
    {
    }

    public IModelFootprint Inspect(string path)
    {
        using var file = GgufFile.Open(path);
        return Footprint(file);
    }

    public LoadedModel Load(string path, ModelLoadOptions options, Action<EngineEvent>? onEvent, CancellationToken cancellationToken)
    {
        // The tensor products share one process-wide pool: the last load that asks for a thread count sets it.
        if (options.Threads > 0) Compute.WorkerPool.SetDefaultThreadCount(options.Threads);
        onEvent?.Invoke(new LoadProgressEvent("mapping", 0, 3));
        var file = GgufFile.Open(path, options.LoadMode);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            onEvent?.Invoke(new LoadProgressEvent("validating and binding weights", 1, 3));
            var footprint = Footprint(file);
            var tokenizer = ChatTokenizerFactory.FromGguf(file);
            cancellationToken.ThrowIfCancellationRequested();
            var model = DeepSeekV4Model.LoadPrivate(file, new DeepSeekV4ModelOptions
            {
                MtpPath = options.MtpPath,
                LoadMode = options.LoadMode,
                Numerics = options.Numerics,
                Device = options.Device,
                DeviceId = options.DeviceId,
                OnDeviceChosen = message => onEvent?.Invoke(new DiagnosticEvent(message)),
            });
            foreach (var note in footprint.Description.Notes) onEvent?.Invoke(new WarningEvent($"{System.IO.Path.GetFileName(file.Path)}: {note}"));
            if (model.Mtp != null)
                footprint = new DeepSeekV4Footprint(footprint.Description with { Mtp = model.Mtp }, footprint.Config,
                    DeepSeekV4ModelOptions.Default.MaxBatchTokens, DeepSeekV4ModelOptions.Default.TruncationSlack);
            var loaded = new LoadedModel(new OwningModel(model, file), tokenizer, footprint) { File = file };
            if (options.WarmUp)
            {
                onEvent?.Invoke(new LoadProgressEvent("warming up", 2, 3));
                try
                {
                    ModelWarmUp.Run(loaded, cancellationToken);
                }
                catch
                {
                    loaded.Dispose();   // the model and any MTP file it opened; the GGUF again below (idempotent)
                    throw;
                }
            }
            onEvent?.Invoke(new LoadProgressEvent("ready", 3, 3));
            return loaded;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static DeepSeekV4Footprint Footprint(GgufFile file)
    {
        var config = DeepSeekV4Config.FromGguf(file);
        var options = DeepSeekV4ModelOptions.Default;
        var description = ModelDescription.FromGguf(file, config.ContextLength) with { Notes = config.Notes };
        return new DeepSeekV4Footprint(description, config, options.MaxBatchTokens, options.TruncationSlack);
    }

    /// <summary>The model plus the file it was bound to (a model bound to an open file does not own it).</summary>
    private sealed class OwningModel(DeepSeekV4Model model, GgufFile file) : ILanguageModel
    {
        public int VocabularySize => model.VocabularySize;
        public int MaxContextLength => model.MaxContextLength;
        public string Device => model.Compute.Device;
        public Models.DeepSeekV4.ForwardRounding Rounding => model.Rounding;
        public IModelSequence CreateSequence(int contextLength, KvCache.KvCacheFormat format) => ((ILanguageModel)model).CreateSequence(contextLength, format);

        public void Dispose()
        {
            model.Dispose();
            file.Dispose();
        }
    }
}
