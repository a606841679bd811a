using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// Memory estimates for the built-in DeepSeek V4 configurations (no file needed): the tensors of the real shapes
/// (as `dsv4 make-model --preset flash|pro` lays them out) in a chosen weight mix, and the KV cache of the config.
/// </summary>
public static class MemoryEstimates
{
    public static IReadOnlyList<string> BuiltInNames { get; } = ["V4-Flash", "V4-Pro"];

    /// <summary>The weight mixes a built-in estimate can assume; Q8_0 is closest in size to the official FP8 checkpoints.</summary>
    public static IReadOnlyList<string> WeightMixNames => [.. SyntheticWeightMixes.Names.Select(n => n.Name)];

    public static MemoryEstimate ForBuiltIn(string name, int? contextLength, KvCacheFormat format, long? availableBytes = null, string weights = "q8_0")
    {
        var (config, preset) = name.ToUpperInvariant() switch
        {
            "V4-FLASH" => (DeepSeekV4Config.Flash, SyntheticPreset.Flash),
            "V4-PRO" => (DeepSeekV4Config.Pro, SyntheticPreset.Pro),
            _ => throw new ArgumentException($"unknown built-in configuration '{name}' (known: {string.Join(", ", BuiltInNames)})", nameof(name)),
        };
        var tensors = SyntheticTensorPlan.Build(SyntheticModelSpec.ForPreset(preset), SyntheticWeightMixes.Parse(weights));
        var types = tensors.GroupBy(t => t.Type)
            .Select(g => new TensorTypeSummary(GgmlTypeInfo.Of(g.Key).Name, g.Count(), g.Sum(t => t.ElementCount), g.Sum(t => t.ByteSize)))
            .OrderByDescending(t => t.Bytes)
            .ToList();
        var description = new ModelDescription($"{name} ({weights})", DeepSeekV4Config.ArchitectureName, types.Sum(t => t.Parameters), types, config.ContextLength);
        var options = DeepSeekV4ModelOptions.Default;
        var footprint = new DeepSeekV4Footprint(description, config, options.MaxBatchTokens, options.TruncationSlack);
        return MemoryEstimate.Create($"{name} ({weights} weights)", footprint, ModelRegistry.DefaultContext(footprint, contextLength), format,
            availableBytes ?? AvailableMemory.Query(), weightsAlreadyLoaded: false);
    }
}
