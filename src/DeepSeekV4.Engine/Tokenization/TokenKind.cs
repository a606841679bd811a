namespace DeepSeekV4.Engine.Tokenization;

/// <summary>What a vocabulary entry is; the values are GGUF's <c>tokenizer.ggml.token_type</c> codes.</summary>
public enum TokenKind
{
    /// <summary>A byte-level BPE token: its text is the GPT-2 byte-to-character mapping of its bytes.</summary>
    Normal = 1,
    Unknown = 2,
    /// <summary>A special token (BOS, EOS, pad): raw text, matched atomically only when special tokens are parsed.</summary>
    Control = 3,
    /// <summary>An added token such as <c>&lt;｜User｜&gt;</c>: raw text, matched atomically when special tokens are parsed.</summary>
    UserDefined = 4,
    /// <summary>A placeholder id with no text (decodes to nothing).</summary>
    Unused = 5,
    Byte = 6,
}
