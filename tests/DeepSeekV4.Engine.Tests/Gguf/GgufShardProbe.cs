using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>One shard read on its own (as bytes, so the set is not assembled): what that file alone holds.</summary>
public static class GgufShardProbe
{
    public static GgufFile Header(string path) => GgufFile.FromBytes(File.ReadAllBytes(path), path);
}
