namespace DeepSeekV4.Engine.Inference;

/// <summary>Where a session's model runs.</summary>
public enum ModelKind
{
    /// <summary>Loaded from a GGUF file into this process.</summary>
    Local,

    /// <summary>Served by an OpenAI-compatible endpoint (vLLM, SGLang, llama.cpp's server, dsv4 serve).</summary>
    Remote,
}
