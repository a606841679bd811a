namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// The files of a split GGUF set do not fit together (a shard from another set, a wrong count or number, tensor
/// counts that disagree, a tensor in two shards): names the shard at fault and what it says.
/// </summary>
public sealed class GgufSetException(string shardPath, string problem) : Exception($"{shardPath}: {problem}")
{
    public string ShardPath { get; } = shardPath;
}
