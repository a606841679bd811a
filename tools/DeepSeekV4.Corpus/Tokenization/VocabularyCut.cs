using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Corpus.Tokenization;

/// <summary>
/// A small vocabulary cut from DeepSeek's own: the 256 byte tokens and the first M merges in rank order (each merge's
/// parts are then already tokens), ids renumbered compactly in the original id order, then DeepSeek V4's added tokens
/// appended. BPE with a prefix of the merge list gives exactly the full vocabulary's tokens for every pre-token whose
/// full tokenization uses only tokens inside the cut.
/// </summary>
public static class VocabularyCut
{
    public const int DefaultSize = 8192;
    public const int MaxSize = 16384;
    /// <summary>GGUF pre-tokenizer name llama.cpp's converter writes for DeepSeek V4 (same split as V3).</summary>
    public const string PreTokenizerName = "joyai-llm";

    public static int MinSize => 256 + DeepSeekV4AddedTokens.All.Count;

    public static TokenizerVocabulary Cut(TokenizerVocabulary full, int size, string source = "cut vocabulary")
    {
        ArgumentNullException.ThrowIfNull(full);
        if (size < MinSize || size > MaxSize)
            throw new ArgumentOutOfRangeException(nameof(size), size,
                $"vocabulary size must be {MinSize}..{MaxSize} (256 bytes + {DeepSeekV4AddedTokens.All.Count} added tokens + merges)");
        int mergeCount = size - 256 - DeepSeekV4AddedTokens.All.Count;
        if (mergeCount > full.Merges.Length)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"the full vocabulary has only {full.Merges.Length} merges; {mergeCount} were asked for");

        var fullIds = new Dictionary<string, int>(full.Tokens.Length, StringComparer.Ordinal);
        for (int id = 0; id < full.Tokens.Length; id++)
            if (full.Kinds[id] == TokenKind.Normal) fullIds.TryAdd(full.Tokens[id], id);

        var kept = new HashSet<string>(StringComparer.Ordinal);
        for (int b = 0; b < 256; b++)
        {
            string text = ByteLevelMapping.ByteToChar((byte)b).ToString();
            if (!fullIds.ContainsKey(text)) throw new InvalidDataException($"{full.Source}: no token for byte 0x{b:X2} (\"{text}\")");
            kept.Add(text);
        }
        for (int rank = 0; rank < mergeCount; rank++)
        {
            string merge = full.Merges[rank];
            int space = merge.IndexOf(' ', 1);
            if (space < 0) throw new InvalidDataException($"{full.Source}: merge #{rank} \"{merge}\" is not \"left right\"");
            string left = merge[..space], right = merge[(space + 1)..];
            if (!kept.Contains(left) || !kept.Contains(right))
                throw new InvalidDataException($"{full.Source}: merge #{rank} \"{merge}\" uses a token that no earlier merge made; the merge list is not a prefix-closed ranking");
            string joined = left + right;
            if (!fullIds.ContainsKey(joined)) throw new InvalidDataException($"{full.Source}: merge #{rank} \"{merge}\" makes \"{joined}\", which is not a token");
            if (!kept.Add(joined)) throw new InvalidDataException($"{full.Source}: merge #{rank} \"{merge}\" makes \"{joined}\" a second time");
        }

        var tokens = kept.OrderBy(t => fullIds[t]).Concat(DeepSeekV4AddedTokens.All).ToArray();
        var kinds = new TokenKind[tokens.Length];
        Array.Fill(kinds, TokenKind.Normal, 0, kept.Count);
        Array.Fill(kinds, TokenKind.Control, kept.Count, DeepSeekV4AddedTokens.All.Count);
        int bos = Array.IndexOf(tokens, DeepSeekV4AddedTokens.Bos), eos = Array.IndexOf(tokens, DeepSeekV4AddedTokens.Eos);
        return new TokenizerVocabulary
        {
            Source = source,
            Tokens = tokens,
            Kinds = kinds,
            Merges = full.Merges[..mergeCount],
            PreTokenizer = PreTokenizerName,
            BosId = bos,
            EosId = eos,
            PadId = eos, // as DeepSeek's tokenizer_config.json and the converter's GGUF: padding is EOS
            ChatTemplate = DeepSeekV4ChatTemplate.Text,
        };
    }
}
