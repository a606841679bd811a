using DeepSeekV4.Training.Training;

namespace DeepSeekV4.Training.Tests;

public class ResumeTests
{
    private static readonly string[] Shape =
    [
        "--threads", "1", "--vocab", "512", "--dim", "64", "--ratios", "0,4", "--heads", "2", "--head-dim", "128", "--rope-dim", "64",
        "--q-lora", "32", "--o-lora", "16", "--experts", "4", "--active", "2", "--moe-inter", "32", "--index-heads", "2",
        "--index-dim", "64", "--index-topk", "8", "--ctx", "256", "--steps", "3", "--warmup", "1", "--dense-indexer-steps", "1",
        "--eval-every", "3", "--eval-windows", "1", "--checkpoint-every", "1", "--seed", "99",
    ];

    [Fact]
    public void AResumedRunEndsWithTheSameWeightsAsAStraightRun()
    {
        TestSupport.Init();
        string straight = Temporary(), split = Temporary();
        try
        {
            Assert.Equal(0, Trainer.Run(Options.Parse([.. Shape, "--out", straight])));
            Assert.Equal(0, Trainer.Run(Options.Parse([.. Shape, "--out", split, "--max-steps", "2"])));
            Assert.Equal(0, Trainer.Run(Options.Parse([.. Shape, "--out", split, "--resume"])));
            var a = Checkpoint.Load(Path.Combine(straight, "checkpoint.bin")).Store;
            var b = Checkpoint.Load(Path.Combine(split, "checkpoint.bin")).Store;
            Assert.Equal(a.Names, b.Names);
            foreach (var name in a.Names) Assert.True(a[name].eq(b[name]).all().item<bool>(), $"{name} differs after resuming");
            Assert.Equal(File.ReadAllText(Path.Combine(straight, "loss.csv")), File.ReadAllText(Path.Combine(split, "loss.csv")));
        }
        finally
        {
            Directory.Delete(straight, true);
            Directory.Delete(split, true);
        }
    }

    private static string Temporary()
    {
        string d = Path.Combine(Path.GetTempPath(), $"dsv4-train-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(d);
        return d;
    }
}
