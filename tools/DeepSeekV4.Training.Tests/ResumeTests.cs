using DeepSeekV4.Training.Training;

namespace DeepSeekV4.Training.Tests;

public class ResumeTests
{
    private static readonly string[] Shape = [.. TestSupport.TinyRun, "--steps", "3", "--eval-every", "3"];

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
