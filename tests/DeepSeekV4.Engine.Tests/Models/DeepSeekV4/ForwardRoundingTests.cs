using global::DeepSeekV4.Engine.KvCache;
using global::DeepSeekV4.Engine.Models.DeepSeekV4;
using global::DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>
/// How each numerics resolves against a file: Reference rounds activations only on a file from an FP8/FP4 release (an
/// FP8/FP4-role tensor stored in a quantized type), not on a float checkpoint; the default cache follows the numerics.
/// </summary>
public sealed class ForwardRoundingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-rounding-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("f32", false)]
    [InlineData("f16", false)]
    [InlineData("q8_0", true)]
    [InlineData("iq2_xxs-experts", true)] // only the routed experts quantized: still a quantized release
    [InlineData("converter", true)]
    public void ReferenceRoundsActivationsOnlyOnAQuantizedRelease(string mix, bool quantized)
    {
        string path = Path.Combine(_dir, $"tiny-{mix}.gguf");
        SyntheticModelWriter.Write(path, SyntheticModelSpec.ForPreset(SyntheticPreset.Tiny, layers: 2), SyntheticWeightMixes.Parse(mix), seed: 5);
        using var model = DeepSeekV4Model.Load(path, new DeepSeekV4ModelOptions { Numerics = DeepSeekV4Numerics.Reference });
        Assert.Equal(quantized, ForwardRounding.IsQuantizedRelease(model.Weights));
        Assert.Equal(new ForwardRounding { FloatProducts = true, RoundsActivations = quantized, SimulatesKvQuantization = true }, model.Rounding);
    }

    [Fact]
    public void TheTinyFixtureIsAFloatCheckpointAndTheConverterOneIsNot()
    {
        using var tiny = DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { Numerics = DeepSeekV4Numerics.Reference });
        Assert.False(tiny.Rounding.RoundsActivations);
        if (!File.Exists(ConverterTinyReferenceTests.GgufPath)) return;
        using var converter = DeepSeekV4Model.Load(ConverterTinyReferenceTests.GgufPath, new DeepSeekV4ModelOptions { Numerics = DeepSeekV4Numerics.Reference });
        Assert.True(converter.Rounding.RoundsActivations);
    }

    [Theory]
    [InlineData(DeepSeekV4Numerics.Fast, false, false, true, KvCacheFormat.Native)]
    [InlineData(DeepSeekV4Numerics.Reference, true, true, true, KvCacheFormat.F32)]
    [InlineData(DeepSeekV4Numerics.Float, true, false, false, KvCacheFormat.F32)]
    public void EachNumericsSaysWhatItRoundsOnAQuantizedReleaseAndItsDefaultCache(DeepSeekV4Numerics numerics, bool floatProducts, bool rounds, bool simulates, KvCacheFormat cache)
    {
        Assert.Equal(new ForwardRounding { FloatProducts = floatProducts, RoundsActivations = rounds, SimulatesKvQuantization = simulates }, ForwardRounding.For(numerics, quantizedRelease: true));
        Assert.Equal(cache, ForwardRounding.DefaultKvCacheFormat(numerics));
    }

    [Fact]
    public void AnUndefinedNumericsIsRefusedNamingTheValues()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { Numerics = (DeepSeekV4Numerics)7 }));
        Assert.Contains("Fast, Reference, Float", e.Message);
    }
}
