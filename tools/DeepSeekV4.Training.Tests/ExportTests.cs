using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;
using DeepSeekV4.Training.Export;
using DeepSeekV4.Training.Model;

namespace DeepSeekV4.Training.Tests;

public class ExportTests
{
    [Fact]
    public void ExportedGgufLoadsInTheEngineWithTheTokenizerKeysAndTheReturnedWeights()
    {
        TestSupport.Init();
        var config = TestSupport.TinyConfig();
        var store = ParameterStore.Initialize(config, 11);
        string tokenizer = Path.Combine(TestSupport.Fixture("dsv4-tiny"), "dsv4-tiny.f16.gguf");
        string path = Path.Combine(Path.GetTempPath(), $"dsv4-train-export-{Guid.NewGuid():N}.gguf");
        try
        {
            var exact = GgufExporter.Write(path, config, store, tokenizer, "export-test", "test", SyntheticWeightMix.Q8_0);
            using (var model = DeepSeekV4Model.Load(path))
            {
                Assert.Equal(config.LayerCount, model.Config.LayerCount);
                Assert.Equal(config.CompressRatios, model.Config.CompressRatios);
                Assert.Equal(config.VocabSize, model.Config.VocabSize);
                Assert.NotNull(model.Weights.Mtp);
            }
            using var file = GgufFile.Open(path);
            using var source = GgufFile.Open(tokenizer);
            foreach (var key in source.MetadataKeys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)))
                Assert.Equal(source.Metadata[key].ToString(), file.Metadata[key].ToString());
            Assert.Equal("export-test", file.GetMetadata("general.name")!.AsString());
            Assert.Equal(Engine.Tensors.GgmlType.Q8_0, file.GetTensor("blk.1.attn_q_b.weight").Type);
            // What export returns is what the file decodes to, and close to the trained values.
            var decoded = ParameterStore.FromGguf(file);
            foreach (var name in decoded.Names)
            {
                Assert.True(decoded[name].eq(exact[name]).all().item<bool>(), $"{name}: returned weights differ from the file's");
                if (decoded[name].is_floating_point())
                    Assert.True((decoded[name] - store[name]).abs().max().item<float>() <= 0.02 * store[name].abs().max().item<float>() + 1e-6, name);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
