using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Inference.Perplexity;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;
using Xunit.Abstractions;

namespace DeepSeekV4.Engine.Tests.Inference.Perplexity;

/// <summary>
/// -BaselineModel with real weight quantizations: the dsv4-tiny F16 matrices re-quantized with ggml's reference
/// Q8_0 and Q4_0 quantizers are the same model at fewer bits, scored against the F16 file.
/// </summary>
public sealed class WeightQuantizationPerplexityTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dsv4-ppl-weights-").FullName;

    public void Dispose() => Directory.Delete(_directory, true);

    /// <summary>A copy of the F16 fixture with every F16 matrix (rows a multiple of 32) stored as <paramref name="type"/>.</summary>
    private string Requantized(GgmlType type)
    {
        string path = Path.Combine(_directory, $"dsv4-tiny.{GgmlTypeInfo.Of(type).Name.ToLowerInvariant()}.gguf");
        using var file = GgufFile.Open(TinyReference.F16Path, GgufLoadMode.InMemory);
        var writer = new GgufWriter { Version = file.Version };
        foreach (var key in file.MetadataKeys) writer.AddMetadata(key, file.Metadata[key]);
        foreach (var t in file.Tensors)
        {
            if (t.Type != GgmlType.F16 || t.Dimensions.Length < 2 || t.Dimensions[0] % 32 != 0)
            {
                writer.AddTensor(t.Name, t.Type, t.Dimensions, s => file.CopyTensorData(t, s));
                continue;
            }
            var view = file.GetTensorView(t.Name);
            var row = new float[view.RowLength];
            var bytes = new byte[GgmlTypeInfo.Of(type).RowBytes(view.RowLength) * view.RowCount];
            int rowBytes = bytes.Length / (int)view.RowCount;
            for (long r = 0; r < view.RowCount; r++)
            {
                view.DequantizeRow(r, row);
                Quantizer.QuantizeRow(type, row, bytes.AsSpan((int)r * rowBytes, rowBytes));
            }
            writer.AddTensor(t.Name, type, t.Dimensions, bytes);
        }
        writer.WriteTo(path);
        return path;
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Fewer_weight_bits_diverge_more_from_the_f16_model()
    {
        using var session = new InferenceSession(ModelRegistry.Shared);
        var f16 = session.Import(TinyReference.F16Path, "f16", contextLength: 256);
        var request = new PerplexityRequest
        {
            Text = string.Concat(Enumerable.Repeat("The licenses for most software and other practical works are designed to take away your " +
                                                   "freedom to share and change the works. By contrast, the General Public License is intended to guarantee your freedom. ", 3)),
            Formats = [KvCacheFormat.Native],
            Options = new PerplexityOptions { ContextLength = 128 },
        };
        var rows = new Dictionary<GgmlType, PerplexityMeasurement>();
        foreach (var type in new[] { GgmlType.Q8_0, GgmlType.Q4_0 })
        {
            var model = session.Import(Requantized(type), type.ToString(), contextLength: 256);
            rows[type] = Assert.Single(PerplexityComparison.Run(model, request, baselineModel: f16));
            var r = rows[type];
            output.WriteLine($"{type} weights vs F16: tokens {r.Tokens}, PPL {r.Perplexity:F2} (F16 {r.BaselinePerplexity:F2}, Δ {r.PerplexityDelta:+0.00;-0.00}), " +
                             $"mean KLD {r.MeanKld:F6} ± {r.MeanKldError:F6}, p99 {r.Percentile99Kld:F6}, max {r.MaxKld:F6}, top-1 {r.Top1AgreementPercent:F2} %");
        }
        Assert.True(rows[GgmlType.Q8_0].MeanKld > 0);
        Assert.True(rows[GgmlType.Q8_0].MeanKld < rows[GgmlType.Q4_0].MeanKld);
        Assert.True(rows[GgmlType.Q8_0].Top1AgreementPercent >= rows[GgmlType.Q4_0].Top1AgreementPercent);
        Assert.All(rows.Values, r => Assert.Equal("f16", r.BaselineModel));
    }
}
