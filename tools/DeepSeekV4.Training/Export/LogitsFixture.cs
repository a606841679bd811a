using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using DeepSeekV4.Training.Model;
using DeepSeekV4.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Export;

/// <summary>
/// The engine's cross-check of an exported model: this framework's logits, QAT simulation off, on exactly the GGUF's
/// weights, for held-out windows at fixed offsets (evenly spread, so they do not depend on anything but the file).
/// Per window: its token ids (int32) and the full-vocabulary logits of every <c>stride</c>-th position (float32).
/// </summary>
public static class LogitsFixture
{
    public static void Write(string directory, string ggufPath, Network net, TokenData heldout, int windows, int length, int stride)
    {
        Directory.CreateDirectory(directory);
        int vocabulary = net.Config.VocabSize;
        var rows = Enumerable.Range(0, length / stride).Select(i => i * stride + stride - 1).ToArray();
        var cases = new List<object>();
        int index = 0;
        foreach (long offset in heldout.EvenOffsets(length, windows))
        {
            var ids = heldout.Window(offset, length);
            float[] logits;
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var all = net.Forward(tensor(ids), new ForwardSettings { Qat = false, SparseIndexer = true }).Logits;
                logits = all.index_select(0, tensor(rows.Select(r => (long)r).ToArray())).contiguous().data<float>().ToArray();
            }
            string tokensFile = $"window{index}.tokens.i32.bin", logitsFile = $"window{index}.logits.f32.bin";
            File.WriteAllBytes(Path.Combine(directory, tokensFile), MemoryMarshal.AsBytes(ids.Select(i => (int)i).ToArray().AsSpan()).ToArray());
            File.WriteAllBytes(Path.Combine(directory, logitsFile), MemoryMarshal.AsBytes(logits.AsSpan()).ToArray());
            cases.Add(new
            {
                name = $"window{index}",
                heldout_offset = offset,
                tokens = new { file = tokensFile, dtype = "int32", shape = new[] { length } },
                logits = new { file = logitsFile, dtype = "float32", shape = new[] { rows.Length, vocabulary } },
                row_positions = rows,
            });
            index++;
        }
        var manifest = new
        {
            format = "dsv4-train-logits/1",
            model = Path.GetFileName(ggufPath),
            model_sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(ggufPath))),
            how_made = "tools/DeepSeekV4.Training export: the TorchSharp forward (prefill of the whole window from position 0, " +
                "QAT simulation OFF: no FP8 rounding of window KV or compressed entries, no FP4 rounding of indexer q/k; " +
                "the indexer's Hadamard transform kept; CSA attends to the indexer's top-k, ties to the lower entry) on the " +
                "weights exactly as the GGUF holds them (each tensor quantized to its GGUF type and dequantized), float32.",
            tolerance = "max abs difference <= 1e-3 per logit, engine with QAT simulation off",
            cases,
        };
        File.WriteAllText(Path.Combine(directory, "manifest.json"), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
    }
}
