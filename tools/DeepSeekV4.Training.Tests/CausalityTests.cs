using DeepSeekV4.Training.Model;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Tests;

/// <summary>Inference's causality in the whole-sequence forward: no position sees a later token.</summary>
public class CausalityTests
{
    [Fact]
    public void ChangingLaterTokensLeavesEveryEarlierLogitUnchanged()
    {
        TestSupport.Init();
        var config = TestSupport.TinyConfig();
        var net = new Network(config, ParameterStore.Initialize(config, 7), 512);
        var rng = new Random(5);
        var ids = Enumerable.Range(0, 400).Select(_ => (long)rng.Next(config.VocabSize)).ToArray();
        var changed = (long[])ids.Clone();
        const int cut = 261; // inside a ratio-4 block and past two HCA blocks' worth of CSA entries
        for (int i = cut; i < changed.Length; i++) changed[i] = (changed[i] + 1 + i) % config.VocabSize;
        var settings = new ForwardSettings { SparseIndexer = true, Mtp = true };
        using var _ = no_grad();
        var a = net.Forward(tensor(ids), settings);
        var b = net.Forward(tensor(changed), settings);
        double prefix = (a.Logits.narrow(0, 0, cut) - b.Logits.narrow(0, 0, cut)).abs().max().item<float>();
        double after = (a.Logits.narrow(0, cut, 1) - b.Logits.narrow(0, cut, 1)).abs().max().item<float>();
        Assert.True(prefix <= 1e-5, $"positions before {cut} moved by {prefix}");
        Assert.True(after > 1e-3, "the changed position itself must change (the check can fail)");
        // MTP position t reads token t+1: rows before cut−1 are untouched.
        double mtp = (a.MtpLogits!.narrow(0, 0, cut - 1) - b.MtpLogits!.narrow(0, 0, cut - 1)).abs().max().item<float>();
        Assert.True(mtp <= 1e-5, $"MTP rows before {cut - 1} moved by {mtp}");
    }

    [Fact]
    public void WindowMaskShowsExactlyTheLastWindowPositions()
    {
        var mask = WindowMask.Build(3, 128);
        for (int block = 0; block < 3; block++)
            for (int i = 0; i < 128; i += 9)
            {
                int position = block * 128 + i;
                for (int j = 0; j < 256; j++)
                {
                    int key = (block - 1) * 128 + j;
                    bool expected = key >= 0 && key <= position && position - key < 128;
                    Assert.Equal(!expected, mask[block, i, j].item<bool>());
                }
            }
    }
}
