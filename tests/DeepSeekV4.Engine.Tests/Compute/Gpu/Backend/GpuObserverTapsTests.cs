using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Compute.Gpu.Backend;

/// <summary>
/// Sublayer by sublayer, the GPU backend against the CPU backend on the same 8 tokens, both with Reference numerics (the
/// same FP8 roundings and float products): every block's hc streams, every attention output, every indexer score and
/// selection. A wrong kernel or a wrong order shows at the first layer and position where it acts, not only in the logits.
/// </summary>
[Collection(GpuTinyModelCollection.Name)]
[Trait("Category", "GpuSimulator")]
public sealed class GpuObserverTapsTests(GpuTinyModelFixture gpu)
{
    [Fact]
    public void EveryTapMatchesTheCpuBackend()
    {
        using var cpu = DeepSeekV4Model.Load(TinyReference.F16Path, new DeepSeekV4ModelOptions { Device = ComputeDevice.Cpu, Numerics = DeepSeekV4Numerics.Reference });
        int[] tokens = [.. TinyReference.Case("len7").Prompt, 17];
        var onCpu = Record(cpu, tokens);
        var onGpu = Record(gpu.Reference, tokens);
        Assert.Equal(onCpu.Blocks.Keys.Order(), onGpu.Blocks.Keys.Order());
        Assert.Equal(onCpu.Indexer.Keys.Order(), onGpu.Indexer.Keys.Order());
        foreach (var (key, expected) in onCpu.Blocks) Close(expected, onGpu.Blocks[key], $"block {key}");
        foreach (var (key, expected) in onCpu.Attention) Close(expected, onGpu.Attention[key], $"attention {key}");
        foreach (var (key, (scores, selected)) in onCpu.Indexer)
        {
            Close(scores, onGpu.Indexer[key].Scores, $"indexer scores {key}");
            Assert.Equal(selected.Order(), onGpu.Indexer[key].Selected.Order());
        }
    }

    private static RecordingObserver Record(DeepSeekV4Model model, int[] tokens)
    {
        var observer = new RecordingObserver();
        using var sequence = model.CreateSequence(64, KvCacheFormat.F32);
        sequence.Observer = observer;
        sequence.Forward(tokens.AsSpan(0, 5), new float[model.VocabularySize]);
        foreach (int t in tokens[5..]) sequence.Forward([t], new float[model.VocabularySize]);
        return observer;
    }

    // Float32 sums in another order: 1e-5 of the row's largest magnitude (measured: ≤ 3e-7 relative through 6 layers).
    private static void Close(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(1f, expected.Max(MathF.Abs));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * scale, $"{what}[{i}]: {actual[i]} vs {expected[i]}");
    }
}
