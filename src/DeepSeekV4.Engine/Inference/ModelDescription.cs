using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Inference;

/// <summary>What a model file is, read from its header: architecture, size, and its tensors grouped by type.</summary>
public sealed record ModelDescription(
    string Path,
    string Architecture,
    long ParameterCount,
    IReadOnlyList<TensorTypeSummary> TensorTypes,
    int MaxContextLength)
{
    public long WeightBytes => TensorTypes.Sum(t => t.Bytes);

    /// <summary>What the loader tolerated in this file (e.g. missing rope-scaling keys), in the user's terms.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The model's bound MTP block (where it came from, its tensors and bytes); null for none. Known once the model is loaded.</summary>
    public Models.DeepSeekV4.MtpBlockInfo? Mtp { get; init; }

    /// <summary>Counts every tensor of the file by type, largest share first.</summary>
    public static ModelDescription FromGguf(GgufFile file, int maxContextLength)
    {
        var types = file.Tensors
            .GroupBy(t => t.Type)
            .Select(g => new TensorTypeSummary(GgmlTypeInfo.Of(g.Key).Name, g.Count(), g.Sum(t => t.ElementCount), g.Sum(t => t.ByteSize)))
            .OrderByDescending(t => t.Bytes)
            .ToList();
        string architecture = file.GetMetadata("general.architecture")?.Value as string ?? "(none)";
        return new ModelDescription(file.Path, architecture, types.Sum(t => t.Parameters), types, maxContextLength);
    }
}

/// <summary>The tensors of one ggml type: how many, how many parameters, how many bytes.</summary>
public sealed record TensorTypeSummary(string Type, int Tensors, long Parameters, long Bytes)
{
    public override string ToString() => $"{Type}: {Tensors} tensors, {Bytes:N0} bytes";
}
