using System.Text.Json.Serialization;

namespace DeepSeekV4.Corpus;

/// <summary>stats.json: what the corpus holds and the held-out unigram perplexity the trained model is judged against.</summary>
public sealed record CorpusStats
{
    [JsonPropertyName("vocab_size")] public required int VocabSize { get; init; }
    [JsonPropertyName("bos_id")] public required int BosId { get; init; }
    [JsonPropertyName("eos_id")] public required int EosId { get; init; }
    [JsonPropertyName("train")] public required SplitStats Train { get; init; }
    [JsonPropertyName("heldout")] public required SplitStats HeldOut { get; init; }
    /// <summary>Over held-out text tokens, BOS neither counted nor scored (what a model scores on heldout.txt).</summary>
    [JsonPropertyName("heldout_unigram_perplexity")] public required double HeldOutUnigramPerplexity { get; init; }
    /// <summary>Over every id of heldout.u16, BOS included.</summary>
    [JsonPropertyName("heldout_unigram_perplexity_with_bos")] public required double HeldOutUnigramPerplexityWithBos { get; init; }
    [JsonPropertyName("heldout_bytes_per_token_by_vocab")] public required SortedDictionary<string, double> HeldOutBytesPerTokenByVocab { get; init; }
    [JsonPropertyName("heldout_txt_separator")] public required string HeldOutTextSeparator { get; init; }
    [JsonPropertyName("cleaning")] public required CleaningStats Cleaning { get; init; }
}

public sealed record SplitStats(
    [property: JsonPropertyName("documents")] int Documents,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("tokens")] long Tokens,
    [property: JsonPropertyName("tokens_with_bos")] long TokensWithBos,
    [property: JsonPropertyName("bytes_per_token")] double BytesPerToken);

public sealed record CleaningStats(
    [property: JsonPropertyName("source_files")] int SourceFiles,
    [property: JsonPropertyName("converted_documents")] int ConvertedDocuments,
    [property: JsonPropertyName("duplicate_documents")] int DuplicateDocuments,
    [property: JsonPropertyName("duplicate_paragraphs")] int DuplicateParagraphs,
    [property: JsonPropertyName("short_documents")] int ShortDocuments);
