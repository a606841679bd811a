using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4.Synthetic;

/// <summary>
/// `make-model --weights converter --mtp` writes what llama.cpp's own converter wrote for the same shapes: every
/// tensor's name, ggml type and shape, and every metadata key with its GGUF type, as listed in the fixture
/// tests/fixtures/converter-tiny-layout/tensors.txt (made by llama.cpp's convert_hf_to_gguf.py, not by this project).
/// </summary>
public sealed class ConverterLayoutFixtureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-converter-layout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Keys whose presence depends on how the model is named or packaged, not on the converter's layout.</summary>
    private static readonly HashSet<string> NamingKeys =
        ["general.name", "general.size_label", "general.sampling.top_p", "general.sampling.temp", "general.type"];

    /// <summary>The converter fixture's shapes (its README): hidden 32, ratios 0,0,4,128,4,128, head_dim 256, one MTP block.</summary>
    private static SyntheticModelSpec FixtureShapes() => SyntheticModelSpec.ForPreset(SyntheticPreset.Tiny) with
    {
        EmbeddingLength = 32,
        VocabularySize = 129280,
        CompressRatios = [0, 0, 4, 128, 4, 128],
        HeadSize = 256,
        QLoraRank = 128,
        OutputLoraRank = 64,
        ExpertFeedForwardLength = 128,
        IndexerKeyLength = 128,
        Mtp = true,
    };

    private static FixtureListing ReadFixture() => FixtureListing.Parse(File.ReadAllLines(FixturePaths.Get("converter-tiny-layout", "tensors.txt")));

    private GgufFile WriteConverterMix()
    {
        string path = Path.Combine(_dir, "converter.gguf");
        SyntheticModelWriter.Write(path, FixtureShapes(), SyntheticWeightMix.Converter, seed: 5);
        return GgufFile.Open(path);
    }

    [Fact]
    public void Converter_mix_has_the_converters_tensors_with_their_types_and_shapes()
    {
        var expected = ReadFixture().Tensors;
        using var file = WriteConverterMix();
        var actual = file.Tensors.ToDictionary(t => t.Name, t => (Type: t.Type.ToString().ToUpperInvariant(), Shape: t.ShapeText));

        Assert.Empty(expected.Keys.Except(actual.Keys).Order());
        Assert.Empty(actual.Keys.Except(expected.Keys).Order());
        var mismatched = expected.Where(e => actual[e.Key] != e.Value).Select(e => $"{e.Key}: fixture {e.Value}, ours {actual[e.Key]}").ToList();
        Assert.Empty(mismatched);
    }

    [Fact]
    public void Converter_mix_has_the_converters_metadata_keys_with_their_types()
    {
        var expected = ReadFixture().Keys.Where(k => !NamingKeys.Contains(k.Key)).ToDictionary();
        using var file = WriteConverterMix();
        var actual = file.MetadataKeys.Where(k => !NamingKeys.Contains(k)).ToDictionary(k => k, k => TypeText(file.Metadata[k]));

        Assert.Empty(expected.Keys.Except(actual.Keys).Order());
        Assert.Empty(actual.Keys.Except(expected.Keys).Order());
        var mismatched = expected.Where(e => actual[e.Key] != e.Value).Select(e => $"{e.Key}: fixture {e.Value}, ours {actual[e.Key]}").ToList();
        Assert.Empty(mismatched);
    }

    [Fact]
    public void Converter_mix_has_the_converters_layout_values()
    {
        var keys = ReadFixture().Values;
        using var file = WriteConverterMix();
        foreach (string key in new[] { "general.file_type", "tokenizer.ggml.pre", "tokenizer.ggml.model", "deepseek4.expert_gating_func",
                     "deepseek4.attention.compress_ratios", "deepseek4.nextn_predict_layers", "deepseek4.swiglu_clamp_exp",
                     "deepseek4.swiglu_clamp_shexp", "deepseek4.embedding_length_out", "tokenizer.ggml.add_bos_token" })
            Assert.Equal(keys[key], ValueText(file.Metadata[key]));
    }

    private static string TypeText(GgufMetadataValue value) =>
        value.Array is { } array ? $"ARRAY[{array.ElementType.ToString().ToUpperInvariant()}]" : value.Type.ToString().ToUpperInvariant();

    /// <summary>A value as the fixture prints it: strings quoted, booleans True/False, arrays as [a, b, …] with floats as x.0.</summary>
    private static string ValueText(GgufMetadataValue value) => value.Value switch
    {
        string s => $"'{s}'",
        bool b => b ? "True" : "False",
        float f => f.ToString("0.0###", System.Globalization.CultureInfo.InvariantCulture),
        GgufArray a => $"len={a.Count} [" + string.Join(", ", a.Items.Cast<object>().Select(o => o is float f ? f.ToString("0.0###", System.Globalization.CultureInfo.InvariantCulture) : Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture))) + "]",
        var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>The fixture's listing: "## metadata" lines (name, type, value) and "## tensors" lines (name, type, shape, bytes).</summary>
    private sealed record FixtureListing(Dictionary<string, string> Keys, Dictionary<string, string> Values, Dictionary<string, (string Type, string Shape)> Tensors)
    {
        public static FixtureListing Parse(string[] lines)
        {
            var keys = new Dictionary<string, string>();
            var values = new Dictionary<string, string>();
            var tensors = new Dictionary<string, (string, string)>();
            string section = "";
            foreach (string line in lines)
            {
                if (line.StartsWith("## ", StringComparison.Ordinal)) { section = line[3..]; continue; }
                if (line.StartsWith('#') || line.Length == 0) continue;
                string[] cells = line.Split('\t');
                if (section.StartsWith("metadata", StringComparison.Ordinal) && !cells[0].StartsWith("GGUF.", StringComparison.Ordinal))
                {
                    keys[cells[0]] = cells[1];
                    values[cells[0]] = cells[2];
                }
                else if (section.StartsWith("tensors", StringComparison.Ordinal) && cells[0] != "name")
                    tensors[cells[0]] = (cells[1], cells[2]);
            }
            return new FixtureListing(keys, values, tensors);
        }
    }
}
