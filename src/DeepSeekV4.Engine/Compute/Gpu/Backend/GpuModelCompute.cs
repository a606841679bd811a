using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The GPU backend of a model: every weight uploaded once at load in its ggml blocks (never expanded), the norms,
/// biases and tables beside them; sequences keep their activations and KV cache on the device, and per step only token
/// ids and positions go in and the logits come out.
/// </summary>
internal sealed class GpuModelCompute : IModelCompute
{
    private readonly DeepSeekV4Model _model;

    private GpuModelCompute(DeepSeekV4Model model, GpuAccelerator gpu)
    {
        _model = model;
        Gpu = gpu;
        Weights = new GpuUploads(gpu);
        Ops = new GpuModelOps(gpu);
        Attention = new GpuAttentionOps(gpu);
    }

    public GpuAccelerator Gpu { get; }
    public GpuUploads Weights { get; }
    public GpuModelOps Ops { get; }
    public GpuAttentionOps Attention { get; }

    public string Device => Gpu.Id;

    public long DeviceWeightBytes => Weights.Bytes;

    /// <summary>Uploads the model's weights to <paramref name="gpu"/>; a weight type without a GPU kernel is refused naming the tensor.</summary>
    public static GpuModelCompute Create(DeepSeekV4Model model, GpuAccelerator gpu)
    {
        // Checked before anything is uploaded: the file's tensors (a little more than what is uploaded: the MTP block stays on the host).
        long weights = model.File.Tensors.Sum(t => t.ByteSize);
        if (weights > gpu.MemoryBytes)
            throw new GpuDeviceUnavailableException(gpu.Id,
                $"{gpu.Id} ({gpu.Name}): the weights need {Inference.ByteSize.Format(weights)} and the device has {Inference.ByteSize.Format(gpu.MemoryBytes)}; " +
                "use a smaller quantization or the CPU");
        var compute = new GpuModelCompute(model, gpu);
        try
        {
            compute.UploadAll();
            return compute;
        }
        catch
        {
            compute.Dispose();
            throw;
        }
    }

    private void UploadAll()
    {
        var w = _model.Weights;
        Weights.Matrix(w.TokenEmbedding);
        Weights.Matrix(w.Output);
        Weights.Floats(w.OutputNorm);
        Mixer(w.OutputMixer);
        Weights.Floats(_model.WindowRotary.Frequencies);
        Weights.Floats(_model.CompressedRotary.Frequencies);
        foreach (var layer in w.Layers)
        {
            Mixer(layer.AttentionMixer);
            Mixer(layer.FeedForwardMixer);
            Weights.Floats(layer.AttentionNorm);
            Weights.Floats(layer.FeedForwardNorm);
            var a = layer.Attention;
            foreach (var m in new[] { a.QueryA, a.QueryB, a.KeyValue, a.OutputB }) Weights.Matrix(m);
            foreach (var g in a.OutputAGroups) Weights.Matrix(g);
            foreach (var v in new[] { a.QueryNorm, a.KeyValueNorm, a.Sinks }) Weights.Floats(v);
            if (a.Compressor is { } c) Compressor(c);
            if (a.Indexer is { } i)
            {
                Weights.Matrix(i.Query);
                Weights.Matrix(i.HeadWeights);
                Compressor(i.Compressor);
            }
            var moe = layer.Moe;
            Weights.Matrix(moe.Router);
            if (moe.Bias is { } bias) Weights.Floats(bias);
            if (moe.TokenExperts is { } table) Weights.Ints(table);
            Weights.Experts(moe.Gate);
            Weights.Experts(moe.Up);
            Weights.Experts(moe.Down);
            foreach (var s in new[] { moe.SharedGate, moe.SharedUp, moe.SharedDown })
                if (s is not null) Weights.Matrix(s);
        }
    }

    private void Mixer(HyperConnectionWeights m)
    {
        Weights.Matrix(m.Function);
        Weights.Floats(m.Base);
        Weights.Floats(m.Scale);
    }

    private void Compressor(CompressorWeights c)
    {
        Weights.Matrix(c.Values);
        Weights.Matrix(c.Gate);
        Weights.Floats(c.Ape);
        Weights.Floats(c.Norm);
    }

    public ISequenceCompute CreateSequence(int contextLength, KvCacheFormat format, int passTokens) =>
        new GpuSequenceCompute(_model, this, new GpuSequenceCache(Gpu, _model.KvGeometry, format, contextLength), passTokens);

    public void Dispose() => Weights.Dispose();
}
