namespace DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

/// <summary>
/// The metadata of a synthetic model: the keys, GGUF types and order of the dsv4-tiny fixture (llama.cpp's deepseek4
/// conventions: counts UINT32, reals FLOAT32, compress_ratios an INT32 array, swiglu clamps FLOAT32 arrays), then
/// the byte-level BPE tokenizer. The converter mix writes what llama.cpp's converter writes instead: no vocab_size,
/// leading_dense_block_count or expert_group_* keys, block_count + 1 compress ratios, pre-tokenizer <c>joyai-llm</c> and
/// an embedded chat template. Values are CLR values whose type names the GGUF type (uint → UINT32, …).
/// </summary>
public static class SyntheticMetadata
{
    public const string Architecture = "deepseek4";
    private const uint ExpertGatingSqrtSoftplus = 4; // gguf-py ExpertGatingFuncType: 1 softmax, 2 sigmoid, 4 sqrt(softplus)

    /// <summary>The name llama.cpp's converter gives DeepSeek V4's pre-tokenizer (the DeepSeek V3 split under another name).</summary>
    public const string ConverterPreTokenizer = "joyai-llm";

    /// <summary>The MTP layer's entry the converter's compress_ratios carries after the block_count layers'.</summary>
    public const int MtpCompressRatio = 0;

    /// <summary>
    /// The chat template written with the converter mix: a DeepSeek V4 format (roles, thinking markers) as the converter
    /// embeds the checkpoint's, so that the chat encoder takes the file's template path.
    /// </summary>
    public const string ChatTemplate =
        "{{ bos_token }}{% for message in messages %}" +
        "{% if message['role'] == 'system' %}{{ message['content'] }}" +
        "{% elif message['role'] == 'user' %}{{ '<｜User｜>' + message['content'] }}" +
        "{% elif message['role'] == 'assistant' %}{{ '<｜Assistant｜></think>' + message['content'] + eos_token }}{% endif %}" +
        "{% endfor %}{% if add_generation_prompt %}{{ '<｜Assistant｜>' }}{% if thinking %}{{ '<think>' }}{% else %}{{ '</think>' }}{% endif %}{% endif %}";

    /// <param name="mtpFile">For llama.cpp's separate MTP file: the same keys, counting the MTP block in block_count.</param>
    public static IReadOnlyList<KeyValuePair<string, object>> Build(SyntheticModelSpec spec, SyntheticWeightMix mix, ulong seed, SyntheticVocabulary vocabulary,
        bool mtpFile = false)
    {
        var m = new List<KeyValuePair<string, object>>();
        void Add(string key, object value) => m.Add(new(key, value));
        void Arch(string key, object value) => Add($"{Architecture}.{key}", value);

        Add("general.architecture", Architecture);
        Add("general.name", $"{spec.Name} (random weights, {SyntheticWeightMixes.NameOf(mix)}, seed {seed})");
        bool converter = mix == SyntheticWeightMix.Converter;
        // llama.cpp's converter leaves the alignment at its default (32) without writing the key.
        if (!converter) Add("general.alignment", 32u);
        Add("general.file_type", SyntheticWeightMixes.FileType(mix));
        if (mix is not (SyntheticWeightMix.F32 or SyntheticWeightMix.F16)) Add("general.quantization_version", 2u);

        // With an MTP block (in this file or a separate one) block_count counts it, as llama.cpp's converter writes it.
        bool mtp = spec.Mtp || mtpFile;
        int blocks = spec.LayerCount + (mtp ? 1 : 0);
        Arch("block_count", (uint)blocks);
        Arch("context_length", (uint)spec.ContextLength);
        Arch("embedding_length", (uint)spec.EmbeddingLength);
        if (!converter) Arch("vocab_size", (uint)spec.VocabularySize);
        Arch("attention.head_count", (uint)spec.HeadCount);
        Arch("attention.head_count_kv", 1u);
        Arch("attention.key_length", (uint)spec.HeadSize);
        Arch("attention.value_length", (uint)spec.HeadSize);
        Arch("attention.q_lora_rank", (uint)spec.QLoraRank);
        Arch("attention.output_lora_rank", (uint)spec.OutputLoraRank);
        Arch("attention.output_group_count", (uint)spec.OutputGroupCount);
        Arch("attention.sliding_window", (uint)spec.SlidingWindow);
        Arch("attention.layer_norm_rms_epsilon", spec.RmsEpsilon);
        // DeepSeek's config.json lists a ratio for the MTP layer too, and the converter copies the list as it is.
        Arch("attention.compress_ratios", converter || mtp ? spec.CompressRatios.Append(MtpCompressRatio).ToArray() : spec.CompressRatios.ToArray());
        Arch("attention.compress_rope_freq_base", spec.CompressRopeFreqBase);
        Arch("attention.indexer.head_count", (uint)spec.IndexerHeadCount);
        Arch("attention.indexer.key_length", (uint)spec.IndexerKeyLength);
        Arch("attention.indexer.top_k", (uint)spec.IndexerTopK);
        Arch("rope.dimension_count", (uint)spec.RopeDimensionCount);
        Arch("rope.freq_base", spec.RopeFreqBase);
        Arch("rope.scaling.type", "yarn");
        Arch("rope.scaling.factor", spec.RopeScalingFactor);
        Arch("rope.scaling.original_context_length", (uint)spec.RopeScalingOriginalContext);
        Arch("rope.scaling.yarn_beta_fast", spec.YarnBetaFast);
        Arch("rope.scaling.yarn_beta_slow", spec.YarnBetaSlow);
        if (!converter) Arch("leading_dense_block_count", 0u);
        Arch("expert_count", (uint)spec.ExpertCount);
        Arch("expert_used_count", (uint)spec.ExpertUsedCount);
        Arch("expert_shared_count", (uint)spec.ExpertSharedCount);
        Arch("expert_feed_forward_length", (uint)spec.ExpertFeedForwardLength);
        Arch("expert_weights_scale", spec.ExpertWeightsScale);
        Arch("expert_weights_norm", true);
        Arch("expert_gating_func", ExpertGatingSqrtSoftplus);
        if (!converter)
        {
            Arch("expert_group_count", 0u);
            Arch("expert_group_used_count", 0u);
        }
        Arch("hash_layer_count", (uint)spec.HashLayerCount);
        Arch("swiglu_clamp_exp", Enumerable.Repeat(spec.SwigluClamp, blocks).ToArray());
        Arch("swiglu_clamp_shexp", Enumerable.Repeat(spec.SwigluClamp, blocks).ToArray());
        Arch("hyper_connection.count", (uint)spec.HyperConnectionCount);
        Arch("hyper_connection.sinkhorn_iterations", (uint)spec.SinkhornIterations);
        Arch("hyper_connection.epsilon", spec.HyperConnectionEpsilon);
        Arch("nextn_predict_layers", mtp ? 1u : 0u);
        // The converter also writes the width of the hyper-connection streams (streams × hidden).
        if (converter) Arch("embedding_length_out", (uint)(spec.HyperConnectionCount * spec.EmbeddingLength));

        Add("tokenizer.ggml.model", "gpt2");
        Add("tokenizer.ggml.pre", converter ? ConverterPreTokenizer : "deepseek-v3");
        Add("tokenizer.ggml.tokens", vocabulary.Tokens);
        Add("tokenizer.ggml.token_type", vocabulary.TokenTypes);
        Add("tokenizer.ggml.merges", vocabulary.Merges);
        Add("tokenizer.ggml.bos_token_id", (uint)SyntheticVocabulary.BosTokenId);
        Add("tokenizer.ggml.eos_token_id", (uint)SyntheticVocabulary.EosTokenId);
        Add("tokenizer.ggml.padding_token_id", (uint)SyntheticVocabulary.PaddingTokenId);
        Add("tokenizer.ggml.add_bos_token", false);
        Add("tokenizer.ggml.add_eos_token", false);
        if (converter) Add("tokenizer.chat_template", ChatTemplate);
        return m;
    }
}
