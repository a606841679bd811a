using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Compute.Cpu;
using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// A DeepSeek V4 model loaded from a GGUF: configuration, weights bound in place, and the RoPE tables. Sequences it
/// creates hold their own KV caches; the model itself is read-only and may serve several sequences (each sequence
/// is used by one thread at a time).
/// </summary>
public sealed class DeepSeekV4Model : ILanguageModel
{
    private readonly bool _ownsFile;
    private GgufFile? _mtpFile;
    private bool _disposed;

    private DeepSeekV4Model(GgufFile file, bool ownsFile, DeepSeekV4Config config, DeepSeekV4Weights weights, DeepSeekV4ModelOptions options)
    {
        File = file;
        _ownsFile = ownsFile;
        Config = config;
        Weights = weights;
        Options = options;
        WindowRotary = new RotaryEmbedding(config.RopeDim, config.RopeFreqBase);
        CompressedRotary = new RotaryEmbedding(config.RopeDim, config.CompressRopeFreqBase, config.RopeOriginalContextLength,
            config.RopeScalingFactor, config.YarnBetaFast, config.YarnBetaSlow);
        KvGeometry = config.ToKvCacheGeometry(options.TruncationSlack);
        Rounding = ForwardRounding.For(options.Numerics, ForwardRounding.IsQuantizedRelease(weights));
        Compute = new CpuModelCompute(this);
    }

    private void PlaceOn(GpuAccelerator? gpu)
    {
        if (gpu is null) return;
        var compute = ModelComputeFactory.Create(this, gpu);
        Compute.Dispose();
        Compute = compute;
    }

    /// <summary>The backend that runs this model's sequences and holds its weights where it computes.</summary>
    public IModelCompute Compute { get; private set; }

    public GgufFile File { get; }
    public DeepSeekV4Config Config { get; }
    public DeepSeekV4Weights Weights { get; }
    public DeepSeekV4ModelOptions Options { get; }
    public KvCacheGeometry KvGeometry { get; }
    /// <summary>What the forward pass rounds: <see cref="DeepSeekV4ModelOptions.Numerics"/> resolved against this file's weights.</summary>
    public ForwardRounding Rounding { get; }
    /// <summary>RoPE of window-only layers: rope.freq_base, no YaRN.</summary>
    public RotaryEmbedding WindowRotary { get; }
    /// <summary>RoPE of compressed layers (and their compressed entries and indexer): compress_rope_freq_base with YaRN.</summary>
    public RotaryEmbedding CompressedRotary { get; }

    public int VocabularySize => Config.VocabSize;
    public int MaxContextLength => Options.MaxContextLength ?? Config.ContextLength;
    public string Device => Compute.Device;

    /// <summary>Binds a model to an open GGUF; the caller keeps ownership of the file.</summary>
    public static DeepSeekV4Model Load(GgufFile file, DeepSeekV4ModelOptions? options = null) => Load(file, ownsFile: false, options);

    /// <summary>Opens a GGUF and binds a model to it; the model owns (and disposes) the file.</summary>
    public static DeepSeekV4Model Load(string path, DeepSeekV4ModelOptions? options = null)
    {
        var file = GgufFile.Open(path, (options ?? DeepSeekV4ModelOptions.Default).LoadMode);
        try
        {
            return Load(file, ownsFile: true, options);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Binds a model to a file opened for it alone (the caller disposes it after the model): like
    /// <see cref="Load(GgufFile, DeepSeekV4ModelOptions?)"/>, but the weights may be rearranged in place.
    /// </summary>
    internal static DeepSeekV4Model LoadPrivate(GgufFile file, DeepSeekV4ModelOptions? options) => Load(file, ownsFile: false, options, rearrange: true);

    private static DeepSeekV4Model Load(GgufFile file, bool ownsFile, DeepSeekV4ModelOptions? options, bool rearrange = false)
    {
        options ??= DeepSeekV4ModelOptions.Default;
        options.Validate();
        var config = DeepSeekV4Config.FromGguf(file);
        // A caller's file is left as it is; a file opened for this model alone may have its weights rearranged in place.
        var gpu = ModelComputeFactory.Resolve(options.Device, options.DeviceId, options.OnDeviceChosen);
        // The interleaved Q8_0 layout is the CPU kernels'; a GPU backend uploads the file's own blocks.
        bool interleave = gpu is null && (ownsFile || rearrange) && options.InterleaveWeights && options.Numerics == DeepSeekV4Numerics.Fast;
        var weights = DeepSeekV4Weights.Bind(file, config, interleave);
        var model = new DeepSeekV4Model(file, ownsFile, config, weights, options);
        try
        {
            if (options.MtpPath != null) model.BindMtp(options.MtpPath);
            model.PlaceOn(gpu);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }

    /// <summary>The bound MTP block's origin and size; null when the model has none.</summary>
    public MtpBlockInfo? Mtp => Weights.Mtp?.Info;

    /// <summary>
    /// Opens <paramref name="path"/> (in the model's <see cref="DeepSeekV4ModelOptions.LoadMode"/>) and binds its MTP
    /// block onto this model, replacing the main file's; the model owns the file from then on. The tensors are
    /// checked against this model's configuration: a missing tensor, a wrong shape or a file for another model is an
    /// <see cref="UnsupportedModelException"/> naming the file and the tensor or key, and the model is left as it was.
    /// </summary>
    public MtpBlockInfo BindMtp(string path)
    {
        var file = GgufFile.Open(path, Options.LoadMode);
        try
        {
            return BindMtp(file, ownsFile: true);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Binds the MTP block of an open file (any of the <see cref="MtpLayout"/>s); with <paramref name="ownsFile"/> the model disposes it.</summary>
    public MtpBlockInfo BindMtp(GgufFile file, bool ownsFile = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var layout = DeepSeekV4MtpWeights.DetectLayout(file, Config);
        var mtp = DeepSeekV4MtpWeights.Bind(file, Config, layout);
        Weights.Mtp = mtp;
        var previous = _mtpFile;
        _mtpFile = ownsFile ? file : null;
        if (previous != null && previous != file) previous.Dispose();
        return mtp.Info;
    }

    /// <summary>
    /// A new, empty sequence whose cache holds up to <paramref name="contextLength"/> tokens in <paramref name="format"/>
    /// (default: the numerics' own, <see cref="ForwardRounding.DefaultKvCacheFormat"/>).
    /// </summary>
    public DeepSeekV4Sequence CreateSequence(int contextLength, KvCacheFormat? format = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (contextLength <= 0 || contextLength > MaxContextLength)
            throw new ArgumentOutOfRangeException(nameof(contextLength), contextLength, $"must be in 1..{MaxContextLength} (the model's maximum context)");
        int passTokens = Math.Min(Options.MaxBatchTokens, contextLength);
        var chosen = format ?? ForwardRounding.DefaultKvCacheFormat(Options.Numerics);
        return new DeepSeekV4Sequence(this, Compute.CreateSequence(contextLength, chosen, passTokens), contextLength, chosen);
    }

    IModelSequence ILanguageModel.CreateSequence(int contextLength, KvCacheFormat format) => CreateSequence(contextLength, format);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Compute.Dispose();
        _mtpFile?.Dispose();
        if (_ownsFile) File.Dispose();
    }
}
