using DeepSeekV4.Training.Training;

namespace DeepSeekV4.Training.Tests;

/// <summary>The second phase (--init): weights and optimizer from a finished run, a new rate, a second token file.</summary>
public class ContinuedRunTests
{
    private static readonly string[] Shape = [.. TestSupport.TinyRun, "--eval-every", "2"];

    [Fact]
    public void AContinuedRunResumesToTheSameWeightsAndKeepsTheFirstPhasesLossCurve()
    {
        TestSupport.Init();
        using var dirs = new Folders();
        string data = DataFolder(dirs);
        string first = dirs.New(), straight = dirs.New(), split = dirs.New();
        Assert.Equal(0, Trainer.Run(Options.Parse([.. Shape, "--data", data, "--out", first, "--steps", "3"])));
        string[] phase2 = ["--threads", "1", "--vocab", "512", "--data", data, "--init", Path.Combine(first, "checkpoint.bin"), "--steps", "5",
            "--lr", "1e-3", "--mix-file", "mix.u16", "--mix-share", "0.5", "--max-ctx", "512"];
        Assert.Equal(0, Trainer.Run(Options.Parse([.. phase2, "--out", straight])));
        Assert.Equal(0, Trainer.Run(Options.Parse([.. phase2, "--out", split, "--max-steps", "4"])));
        Assert.Equal(0, Trainer.Run(Options.Parse(["--threads", "1", "--vocab", "512", "--data", data, "--out", split, "--resume"])));

        AssertSameWeights(straight, split);
        string curve = File.ReadAllText(Path.Combine(straight, "loss.csv"));
        Assert.Equal(curve, File.ReadAllText(Path.Combine(split, "loss.csv")));
        Assert.StartsWith(File.ReadAllText(Path.Combine(first, "loss.csv")), curve);
        Assert.Equal(["4", "5"], curve.Split('\n', StringSplitOptions.RemoveEmptyEntries)[4..].Select(l => l.Split(',')[0]));

        var setup = Checkpoint.Load(Path.Combine(straight, "checkpoint.bin")).Setup;
        Assert.Equal(("mix.u16", 0.5, 3L, 512, 5), (setup.MixFile, setup.MixShare, setup.ExtendedFrom, setup.MaxContext, setup.Steps));
        // The phase's cosine: 1e-3 at its first step, half way to the minimum (a tenth of the first phase's peak) at its middle.
        double min = setup.LearningRate * setup.MinLearningRateRatio;
        Assert.Equal(1e-3, setup.LearningRateAt(3), 12);
        Assert.Equal(min + (1e-3 - min) / 2, setup.LearningRateAt(4), 12);
        Assert.Equal(512, setup.ToConfig().ContextLength);
    }

    [Fact]
    public void WindowsComeFromTheSecondFileOnlyWhenItHasAShare()
    {
        TestSupport.Init();
        using var dirs = new Folders();
        string data = DataFolder(dirs);
        string first = dirs.New(), none = dirs.New(), zero = dirs.New(), all = dirs.New();
        Assert.Equal(0, Trainer.Run(Options.Parse([.. Shape, "--data", data, "--out", first, "--steps", "2"])));
        string[] phase2 = ["--threads", "1", "--vocab", "512", "--data", data, "--init", Path.Combine(first, "checkpoint.bin"), "--steps", "4"];
        Assert.Equal(0, Trainer.Run(Options.Parse([.. phase2, "--out", none])));
        Assert.Equal(0, Trainer.Run(Options.Parse([.. phase2, "--out", zero, "--mix-file", "mix.u16", "--mix-share", "0"])));
        Assert.Equal(0, Trainer.Run(Options.Parse([.. phase2, "--out", all, "--mix-file", "mix.u16", "--mix-share", "1"])));
        AssertSameWeights(none, zero);
        var a = Checkpoint.Load(Path.Combine(none, "checkpoint.bin")).Store;
        var b = Checkpoint.Load(Path.Combine(all, "checkpoint.bin")).Store;
        Assert.Contains(a.Names, name => !a[name].eq(b[name]).all().item<bool>());
    }

    [Fact]
    public void TheDrawIsUniform()
    {
        var draws = Enumerable.Range(0, 40_000).Select(i => TokenData.Draw(1234, i / 2, i % 2)).ToArray();
        // 40,000 uniform draws: the mean's standard deviation is 0.0014, a share's at most 0.0025; allow four of each.
        Assert.InRange(draws.Average(), 0.5 - 0.006, 0.5 + 0.006);
        foreach (double share in new[] { 0.1, 0.3, 0.5, 0.9 })
            Assert.InRange(draws.Count(d => d < share) / 40_000.0, share - 0.01, share + 0.01);
        Assert.All(draws, d => Assert.InRange(d, 0.0, 1.0 - 1e-16));
    }

    [Fact]
    public void AContinuedRunNeedsMoreStepsThanItsCheckpoint()
    {
        TestSupport.Init();
        using var dirs = new Folders();
        string data = DataFolder(dirs);
        string first = dirs.New();
        Assert.Equal(0, Trainer.Run(Options.Parse([.. Shape, "--data", data, "--out", first, "--steps", "2"])));
        var e = Assert.Throws<ArgumentException>(() => Trainer.Run(Options.Parse(["--vocab", "512", "--data", data, "--out", dirs.New(),
            "--init", Path.Combine(first, "checkpoint.bin"), "--steps", "2"])));
        Assert.Contains("--steps 2", e.Message);
    }

    private static void AssertSameWeights(string x, string y)
    {
        var a = Checkpoint.Load(Path.Combine(x, "checkpoint.bin")).Store;
        var b = Checkpoint.Load(Path.Combine(y, "checkpoint.bin")).Store;
        Assert.Equal(a.Names, b.Names);
        foreach (var name in a.Names) Assert.True(a[name].eq(b[name]).all().item<bool>(), $"{name} differs");
    }

    /// <summary>train.u16 of ids 0–255, mix.u16 of ids 256–511, heldout.u16; no tokenizer (the vocabulary comes from --vocab).</summary>
    private static string DataFolder(Folders dirs)
    {
        string d = dirs.New();
        var rng = new Random(7);
        void Write(string name, int low, int high)
        {
            var bytes = new byte[2 * 4000];
            for (int i = 0; i < bytes.Length; i += 2)
            {
                int id = rng.Next(low, high);
                (bytes[i], bytes[i + 1]) = ((byte)id, (byte)(id >> 8));
            }
            File.WriteAllBytes(Path.Combine(d, name), bytes);
        }
        Write("train.u16", 0, 256);
        Write("mix.u16", 256, 512);
        Write("heldout.u16", 0, 256);
        return d;
    }

    private sealed class Folders : IDisposable
    {
        private readonly List<string> _made = [];

        public string New()
        {
            string d = Path.Combine(Path.GetTempPath(), $"dsv4-train-test-{Guid.NewGuid():N}");
            Directory.CreateDirectory(d);
            _made.Add(d);
            return d;
        }

        public void Dispose()
        {
            foreach (string d in _made) if (Directory.Exists(d)) Directory.Delete(d, true);
        }
    }
}
