namespace DeepSeekV4.Engine.Inference;

/// <summary>Why a completion ended.</summary>
public enum FinishReason
{
    /// <summary>The model produced an end-of-sequence token.</summary>
    EndOfSequence,

    /// <summary>A stop string appeared (it is not part of the text).</summary>
    StopString,

    /// <summary>The requested number of tokens was generated.</summary>
    MaxTokens,

    /// <summary>The sequence reached its context length.</summary>
    ContextFull,

    /// <summary>
    /// JSON output: the document is complete (its root value closed, or the model ended generation where the document
    /// was whole). The text is exactly the document.
    /// </summary>
    DocumentComplete,
}
