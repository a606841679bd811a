using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Training.Training;
using TorchSharp;

namespace DeepSeekV4.Training.Tests;

internal static class TestSupport
{
    static TestSupport() => torch.set_num_threads(1);

    public static string RepositoryRoot
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Module.sln"))) return d.FullName;
            throw new DirectoryNotFoundException("Module.sln not found above the test's folder");
        }
    }

    public static string Fixture(string name) => Path.Combine(RepositoryRoot, "tests", "fixtures", name);

    /// <summary>A small model with every kind of layer: window-only (hash-routed), CSA, HCA, and the MTP block.</summary>
    public static TrainingSetup Tiny(int vocabulary = 512) => new()
    {
        Vocabulary = vocabulary, Dim = 64, Ratios = [0, 4, 128], Heads = 2, HeadDim = 128, RopeDim = 64, QLora = 32,
        OutputGroups = 2, OutputLora = 16, Experts = 4, ActiveExperts = 2, MoeInter = 32, HashLayers = 1,
        IndexHeads = 2, IndexDim = 64, IndexTopK = 8, Context = 256, MaxContext = 1024, Mtp = true,
    };

    public static void Init() => torch.set_num_threads(1);

    /// <summary>`train` options for a small run on one thread (two layers: window-only and CSA); tests add steps and evaluation.</summary>
    public static readonly string[] TinyRun =
    [
        "--threads", "1", "--vocab", "512", "--dim", "64", "--ratios", "0,4", "--heads", "2", "--head-dim", "128", "--rope-dim", "64",
        "--q-lora", "32", "--o-lora", "16", "--experts", "4", "--active", "2", "--moe-inter", "32", "--index-heads", "2",
        "--index-dim", "64", "--index-topk", "8", "--ctx", "256", "--warmup", "1", "--dense-indexer-steps", "1",
        "--eval-windows", "1", "--checkpoint-every", "1", "--seed", "99",
    ];

    public static DeepSeekV4Config TinyConfig() => Tiny().ToConfig();
}
