namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// A byte-level BPE vocabulary as a file states it, before validation: what the GGUF metadata keys
/// <c>tokenizer.ggml.*</c> or a Hugging Face tokenizer.json (+ tokenizer_config.json) hold.
/// <see cref="Tokenizer.FromVocabulary"/> checks it and builds the tokenizer.
/// </summary>
public sealed class TokenizerVocabulary
{
    /// <summary>The file the vocabulary came from (used in error messages).</summary>
    public required string Source { get; init; }

    /// <summary>Token text by id (byte-level mapped for normal tokens, raw text for added tokens).</summary>
    public required string[] Tokens { get; init; }

    /// <summary>Kind of each token, same length as <see cref="Tokens"/>.</summary>
    public required TokenKind[] Kinds { get; init; }

    /// <summary>Merges in rank order, each "left right" as GGUF's <c>tokenizer.ggml.merges</c> spells them.</summary>
    public required string[] Merges { get; init; }

    /// <summary>The pre-tokenizer, by its GGUF <c>tokenizer.ggml.pre</c> name.</summary>
    public required string PreTokenizer { get; init; }

    public int? BosId { get; init; }
    public int? EosId { get; init; }
    public int? PadId { get; init; }

    /// <summary>The chat template the file carries (GGUF <c>tokenizer.chat_template</c>), if any.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>How the source names its fields, so errors point at the right place.</summary>
    public VocabularyFieldNames FieldNames { get; init; } = VocabularyFieldNames.Gguf;
}

/// <summary>The names of a vocabulary's fields in its source format, for error messages.</summary>
public sealed record VocabularyFieldNames(string Model, string Tokens, string Kinds, string Merges, string PreTokenizer, string Bos, string Eos, string Pad)
{
    public static readonly VocabularyFieldNames Gguf = new(
        GgufTokenizerKeys.Model, GgufTokenizerKeys.Tokens, GgufTokenizerKeys.TokenTypes, GgufTokenizerKeys.Merges,
        GgufTokenizerKeys.PreTokenizer, GgufTokenizerKeys.BosId, GgufTokenizerKeys.EosId, GgufTokenizerKeys.PadId);

    public static readonly VocabularyFieldNames TokenizerJson = new(
        "model.type", "model.vocab/added_tokens", "added_tokens", "model.merges", "pre_tokenizer", "bos_token", "eos_token", "pad_token");
}

/// <summary>The GGUF metadata keys of a tokenizer (llama.cpp's names).</summary>
public static class GgufTokenizerKeys
{
    public const string Model = "tokenizer.ggml.model";
    public const string PreTokenizer = "tokenizer.ggml.pre";
    public const string Tokens = "tokenizer.ggml.tokens";
    public const string TokenTypes = "tokenizer.ggml.token_type";
    public const string Merges = "tokenizer.ggml.merges";
    public const string BosId = "tokenizer.ggml.bos_token_id";
    public const string EosId = "tokenizer.ggml.eos_token_id";
    public const string PadId = "tokenizer.ggml.padding_token_id";
    public const string AddBos = "tokenizer.ggml.add_bos_token";
    public const string AddEos = "tokenizer.ggml.add_eos_token";
    public const string ChatTemplate = "tokenizer.chat_template";

    /// <summary>The only <c>tokenizer.ggml.model</c> supported: byte-level BPE.</summary>
    public const string ByteLevelBpe = "gpt2";
}
