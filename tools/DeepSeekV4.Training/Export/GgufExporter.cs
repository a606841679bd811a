using System.Runtime.InteropServices;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Export;

/// <summary>
/// Writes trained weights as a DeepSeek V4 GGUF through the engine's writer: the engine's tensor plan and metadata
/// for the model's shape (llama.cpp's deepseek4 names, MTP block in the nextn layout), the types of a weight mix
/// (Q8_0: checkpoint matrices Q8_0, the rest F32, tid2eid I32), and every tokenizer.* key of the tokenizer GGUF.
/// Returns the weights exactly as the file holds them (every tensor quantized and dequantized again).
/// </summary>
public static class GgufExporter
{
    public static ParameterStore Write(string path, DeepSeekV4Config config, ParameterStore store, string tokenizerPath, string name,
        string description, SyntheticWeightMix mix)
    {
        var spec = SyntheticModelSpec.FromConfig(config, name);
        var writer = new GgufWriter();
        foreach (var (key, value) in SyntheticMetadata.Build(spec, mix, 0, SyntheticVocabulary.Create(SyntheticVocabulary.MinimumSize)))
        {
            if (key.StartsWith("tokenizer.", StringComparison.Ordinal)) continue;
            writer.AddMetadata(key, key == "general.name" ? name : value);
        }
        writer.AddMetadata("general.description", description);
        using (var tokenizer = GgufFile.Open(tokenizerPath))
        {
            int copied = 0;
            foreach (var key in tokenizer.MetadataKeys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)))
            {
                writer.AddMetadata(key, tokenizer.Metadata[key]);
                copied++;
            }
            if (copied == 0) throw new InvalidDataException($"{tokenizerPath}: no tokenizer.* keys to copy");
            int vocabulary = tokenizer.GetMetadata("tokenizer.ggml.tokens")?.Array?.Count ?? 0;
            if (vocabulary != config.VocabSize)
                throw new InvalidDataException($"{tokenizerPath}: {vocabulary} tokens, but the model was trained for a vocabulary of {config.VocabSize}");
        }

        var exact = new ParameterStore();
        foreach (var t in ModelShape.Tensors(config, mix))
        {
            var value = store[t.Name].detach().contiguous();
            var shape = ModelShape.TorchShape(t.Dimensions);
            if (!value.shape.SequenceEqual(shape))
                throw new InvalidDataException($"{t.Name}: the checkpoint holds [{string.Join(", ", value.shape)}], the plan wants [{string.Join(", ", shape)}]");
            if (t.Type == GgmlType.I32)
            {
                var ints = value.to_type(ScalarType.Int32).data<int>().ToArray();
                writer.AddTensor(t.Name, t.Type, t.Dimensions, MemoryMarshal.AsBytes(ints.AsSpan()));
                exact.Set(t.Name, value.clone());
                continue;
            }
            var floats = value.to_type(ScalarType.Float32).data<float>().ToArray();
            var (bytes, decoded) = Encode(t.Type, floats, (int)t.RowLength);
            writer.AddTensor(t.Name, t.Type, t.Dimensions, bytes);
            exact.Set(t.Name, tensor(decoded, shape));
        }
        writer.WriteTo(path);
        return exact;
    }

    /// <summary>Rows of <paramref name="rowLength"/> values in <paramref name="type"/>, and what they decode to.</summary>
    private static (byte[] Bytes, float[] Decoded) Encode(GgmlType type, float[] values, int rowLength)
    {
        if (type == GgmlType.F32) return (MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), values);
        int rows = values.Length / rowLength;
        long rowBytes = GgmlTypeInfo.Of(type).RowBytes(rowLength);
        var bytes = new byte[rows * rowBytes];
        var decoded = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = bytes.AsSpan((int)(r * rowBytes), (int)rowBytes);
            Quantizer.QuantizeRow(type, values.AsSpan(r * rowLength, rowLength), row);
            Dequantizer.DequantizeRow(type, row, decoded.AsSpan(r * rowLength, rowLength));
        }
        return (bytes, decoded);
    }
}
