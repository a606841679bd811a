using global::DeepSeekV4.Engine.Gguf;
using global::DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>Variants of the tiny GGUF built in memory: metadata changed or dropped, tensors dropped or added.</summary>
public static class TinyGgufVariants
{
    public static GgufFile Build(Action<Dictionary<string, GgufMetadataValue>>? metadata = null,
        Func<string, bool>? keepTensor = null, Action<GgufWriter, GgufFile>? addTensors = null, string name = "variant.gguf")
    {
        using var source = GgufFile.Open(TinyReference.F16Path);
        var keys = source.MetadataKeys.ToDictionary(k => k, k => source.Metadata[k]);
        metadata?.Invoke(keys);
        var w = new GgufWriter();
        foreach (var (k, v) in keys) w.AddMetadata(k, v);
        foreach (var t in source.Tensors)
            if (keepTensor?.Invoke(t.Name) ?? true) w.AddTensor(t.Name, t.Type, t.Dimensions, source.GetTensorData(t));
        addTensors?.Invoke(w, source);
        using var stream = new MemoryStream();
        w.WriteTo(stream);
        return GgufFile.FromBytes(stream.ToArray(), name);
    }

    /// <summary>Copies <paramref name="from"/>'s bytes under a new name (shapes unchanged).</summary>
    public static void CopyTensor(GgufWriter w, GgufFile source, string from, string to)
    {
        var t = source.GetTensor(from);
        w.AddTensor(to, t.Type, t.Dimensions, source.GetTensorData(t));
    }

    public static void AddF32(GgufWriter w, string name, long[] dims, float value)
    {
        long n = dims.Aggregate(1L, (a, b) => a * b);
        var bytes = new byte[n * 4];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Fill(value);
        w.AddTensor(name, GgmlType.F32, dims, bytes);
    }
}
