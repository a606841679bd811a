namespace DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

/// <summary>The model shapes `dsv4 make-model` can write.</summary>
public enum SyntheticPreset
{
    /// <summary>The dsv4-tiny fixture's configuration: dim 128, 6 layers (0, 0, 4, 128, 4, 128), vocab 512.</summary>
    Tiny,
    /// <summary>V4-Flash per-layer shapes and attention layout (43 layers, 256 experts unless asked otherwise).</summary>
    Flash,
    /// <summary>V4-Pro per-layer shapes and attention layout (61 layers, 384 experts unless asked otherwise).</summary>
    Pro,
    /// <summary>V4-Flash per-layer shapes with 4 layers (0, 0, 4, 128) and 16 routed experts: the benchmark model.</summary>
    Bench,
}
