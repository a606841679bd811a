using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>The tiny fixture model written as a split set in a temporary folder (deleted on dispose).</summary>
public sealed class TinySplitSet : IDisposable
{
    public TinySplitSet(GgufSplitOptions options, string name = "tiny")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("dsv4-split-").FullName;
        Prefix = Path.Combine(Directory, name);
        using var single = GgufFile.Open(FixturePaths.TinyModelF16);
        Shards = GgufWriter.FromFile(single).WriteSplit(Prefix, options);
    }

    public string Directory { get; }
    public string Prefix { get; }
    public IReadOnlyList<string> Shards { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, true);
}
