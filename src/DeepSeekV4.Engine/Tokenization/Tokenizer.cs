using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// The DeepSeek V3/V4 byte-level BPE tokenizer: added tokens (when asked for), the three-pass DeepSeek split, the
/// GPT-2 byte mapping, then BPE merges. Thread-safe; one instance serves every caller.
/// </summary>
public sealed class Tokenizer
{
    private const int CacheSlotsLog2 = 17; // 128k pre-tokens: a few MB for natural text
    private const int StackBytes = 1024;
    private static readonly string BosText = "<｜begin▁of▁sentence｜>";
    private static readonly string EosText = "<｜end▁of▁sentence｜>";

    [ThreadStatic] private static List<TextPiece>? t_pieces;

    private readonly string[] _tokens;
    private readonly TokenKind[] _kinds;
    private readonly Dictionary<string, int> _ids;
    private readonly byte[] _tokenBytes;
    private readonly int[] _tokenByteStarts; // token i's bytes are [_tokenByteStarts[i], _tokenByteStarts[i + 1])
    private readonly BpeMerges _merges;
    private readonly AddedTokenMatcher _addedTokens;
    private readonly PreTokenCache _cache = new(CacheSlotsLog2);

    public TokenizerVocabulary Vocabulary { get; }
    public int VocabularySize => _tokens.Length;
    public int BosId { get; }
    public int EosId { get; }
    public int? PadId { get; }
    /// <summary>The chat template the vocabulary's file carries, if any (see <see cref="ChatEncoder"/>).</summary>
    public string? ChatTemplate => Vocabulary.ChatTemplate;
    public string Source => Vocabulary.Source;

    private Tokenizer(TokenizerVocabulary v)
    {
        Vocabulary = v;
        var fields = v.FieldNames;
        _tokens = v.Tokens;
        _kinds = v.Kinds;
        if (_tokens.Length == 0) throw new TokenizerFormatException(v.Source, fields.Tokens, "the vocabulary is empty");
        if (_kinds.Length != _tokens.Length)
            throw new TokenizerFormatException(v.Source, fields.Kinds, $"{_kinds.Length} token types for {_tokens.Length} tokens");
        if (!DeepSeekPreTokenizer.GgufNames.Contains(v.PreTokenizer))
            throw new TokenizerFormatException(v.Source, fields.PreTokenizer,
                $"pre-tokenizer \"{v.PreTokenizer}\" is not supported (supported: {string.Join(", ", DeepSeekPreTokenizer.GgufNames.Select(n => $"\"{n}\""))})");

        _ids = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (int id = 0; id < _tokens.Length; id++)
        {
            string text = _tokens[id] ?? throw new TokenizerFormatException(v.Source, fields.Tokens, $"token {id} has no text");
            if (!_ids.TryAdd(text, id))
                throw new TokenizerFormatException(v.Source, fields.Tokens, $"duplicate token \"{text}\" at ids {_ids[text]} and {id}");
        }

        (_tokenBytes, _tokenByteStarts) = BuildTokenBytes(_tokens, _kinds);
        _merges = BuildMerges(v);
        _addedTokens = new AddedTokenMatcher(Enumerable.Range(0, _tokens.Length)
            .Where(IsSpecial)
            .Select(id => (_tokens[id], id)));

        BosId = CheckId(v.BosId ?? FindToken(BosText), fields.Bos, v.Source, required: true)!.Value;
        EosId = CheckId(v.EosId ?? FindToken(EosText), fields.Eos, v.Source, required: true)!.Value;
        PadId = CheckId(v.PadId, fields.Pad, v.Source, required: false);
    }

    /// <summary>Checks <paramref name="vocabulary"/> and builds the tokenizer; throws <see cref="TokenizerFormatException"/> for anything malformed.</summary>
    public static Tokenizer FromVocabulary(TokenizerVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return new Tokenizer(vocabulary);
    }

    /// <summary>The vocabulary in a GGUF file's metadata.</summary>
    public static Tokenizer FromGguf(GgufFile file) => new(GgufTokenizerMetadata.Read(file));

    /// <summary>A Hugging Face tokenizer.json, with the tokenizer_config.json beside it when present.</summary>
    public static Tokenizer FromTokenizerJson(string path) => new(TokenizerJsonReader.Read(path));

    public static Tokenizer FromTokenizerJson(Stream tokenizerJson, Stream? tokenizerConfig = null, string source = "tokenizer.json") =>
        new(TokenizerJsonReader.Read(tokenizerJson, tokenizerConfig, source));

    /// <summary>A .gguf file (recognised by its magic) or a tokenizer.json.</summary>
    public static Tokenizer FromFile(string path)
    {
        string full = Path.GetFullPath(path);
        IO.FilePresence.Require(full, $"vocabulary file not found: {full}");
        Span<byte> magic = stackalloc byte[4];
        int read;
        using (var s = File.OpenRead(full)) read = s.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (read == 4 && magic.SequenceEqual("GGUF"u8))
        {
            using var gguf = GgufFile.Open(full);
            return FromGguf(gguf);
        }
        return FromTokenizerJson(full);
    }

    private int? CheckId(int? id, string field, string source, bool required)
    {
        if (id == null)
            return required ? throw new TokenizerFormatException(source, field, "not given, and the vocabulary has no token of the usual name") : null;
        if (id < 0 || id >= _tokens.Length)
            throw new TokenizerFormatException(source, field, $"token id {id} is out of range (vocabulary size {_tokens.Length})");
        return id;
    }

    private static (byte[] Bytes, int[] Starts) BuildTokenBytes(string[] tokens, TokenKind[] kinds)
    {
        var bytes = new List<byte>(tokens.Length * 8);
        var starts = new int[tokens.Length + 1];
        Span<byte> utf8 = stackalloc byte[4];
        for (int id = 0; id < tokens.Length; id++)
        {
            starts[id] = bytes.Count;
            switch (kinds[id])
            {
                case TokenKind.Unused:
                    break;
                case TokenKind.Normal or TokenKind.Byte:
                    foreach (var rune in tokens[id].EnumerateRunes())
                    {
                        int b = rune.IsBmp ? ByteLevelMapping.CharToByte((char)rune.Value) : -1;
                        if (b >= 0) bytes.Add((byte)b);
                        else bytes.AddRange(utf8[..rune.EncodeToUtf8(utf8)]); // not a mapped character: keep its own text
                    }
                    break;
                default:
                    bytes.AddRange(Encoding.UTF8.GetBytes(tokens[id]));
                    break;
            }
        }
        starts[tokens.Length] = bytes.Count;
        return (bytes.ToArray(), starts);
    }

    private BpeMerges BuildMerges(TokenizerVocabulary v)
    {
        string field = v.FieldNames.Merges;
        var byteTokens = new int[256];
        for (int b = 0; b < 256; b++)
        {
            string text = ByteLevelMapping.ByteToChar((byte)b).ToString();
            byteTokens[b] = FindToken(text) ?? throw new TokenizerFormatException(v.Source, v.FieldNames.Tokens,
                $"no token for byte 0x{b:X2} (\"{text}\"); a byte-level vocabulary needs all 256");
        }
        var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        var merges = new (int, int, int)[v.Merges.Length];
        for (int rank = 0; rank < merges.Length; rank++)
        {
            string merge = v.Merges[rank] ?? "";
            int space = merge.IndexOf(' ');
            if (space <= 0 || space == merge.Length - 1 || merge.IndexOf(' ', space + 1) >= 0)
                throw new TokenizerFormatException(v.Source, field, $"merge #{rank} \"{merge}\" is not \"left right\"");
            var left = merge.AsSpan(0, space);
            var right = merge.AsSpan(space + 1);
            if (!lookup.TryGetValue(left, out int leftId))
                throw new TokenizerFormatException(v.Source, field, $"merge #{rank} \"{merge}\" names unknown token \"{left}\"");
            if (!lookup.TryGetValue(right, out int rightId))
                throw new TokenizerFormatException(v.Source, field, $"merge #{rank} \"{merge}\" names unknown token \"{right}\"");
            string joined = string.Concat(left, right);
            if (!_ids.TryGetValue(joined, out int mergedId))
                throw new TokenizerFormatException(v.Source, field, $"merge #{rank} \"{merge}\" makes \"{joined}\", which is not a token");
            merges[rank] = (leftId, rightId, mergedId);
        }
        return new BpeMerges(byteTokens, merges);
    }

    /// <summary>The id of the token whose text is exactly <paramref name="text"/>, if any.</summary>
    public int? FindToken(string text) => _ids.TryGetValue(text, out int id) ? id : null;

    /// <summary>The token's text as the vocabulary stores it (byte-level mapped for normal tokens, e.g. "Ġthe").</summary>
    public string TokenText(int id) => _tokens[CheckRange(id)];

    public TokenKind GetKind(int id) => _kinds[CheckRange(id)];

    /// <summary>True for added tokens (control and user-defined, e.g. BOS, <c>&lt;｜User｜&gt;</c>): matched atomically only when special tokens are parsed.</summary>
    public bool IsSpecial(int id) => _kinds[CheckRange(id)] is TokenKind.Control or TokenKind.UserDefined;

    /// <summary>The bytes a token stands for in decoded text (UTF-8, possibly part of a character).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> TokenBytes(int id)
    {
        CheckRange(id);
        return _tokenBytes.AsSpan(_tokenByteStarts[id], _tokenByteStarts[id + 1] - _tokenByteStarts[id]);
    }

    private int CheckRange(int id) =>
        (uint)id < (uint)_tokens.Length ? id : throw new ArgumentOutOfRangeException(nameof(id), id, $"token id outside the vocabulary (size {_tokens.Length})");

    /// <summary>
    /// Token ids of <paramref name="text"/> (no BOS added). With <paramref name="parseSpecialTokens"/> the added
    /// tokens' strings in the text become those tokens; without it (the default, for document content) they are
    /// plain text like any other.
    /// </summary>
    public int[] Encode(string text, bool parseSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        Encode(text, ids, parseSpecialTokens);
        return ids.ToArray();
    }

    /// <summary>Appends the token ids of <paramref name="text"/> to <paramref name="output"/>.</summary>
    public void Encode(ReadOnlySpan<char> text, List<int> output, bool parseSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!parseSpecialTokens || _addedTokens.IsEmpty)
        {
            EncodePlain(text, output);
            return;
        }
        int at = 0;
        while (_addedTokens.TryFindNext(text, at, out int index, out int length, out int id))
        {
            EncodePlain(text[at..index], output);
            output.Add(id);
            at = index + length;
        }
        EncodePlain(text[at..], output);
    }

    /// <summary>The next added token in <paramref name="text"/> at or after <paramref name="from"/>.</summary>
    internal bool FindAddedToken(ReadOnlySpan<char> text, int from, out int index, out int length, out int id) =>
        _addedTokens.TryFindNext(text, from, out index, out length, out id);

    /// <summary>Encodes text that holds no added tokens: split, then merge each piece.</summary>
    internal void EncodePlain(ReadOnlySpan<char> text, List<int> output)
    {
        if (text.IsEmpty) return;
        var pieces = t_pieces ??= new List<TextPiece>(256);
        pieces.Clear();
        DeepSeekPreTokenizer.Split(text, pieces);
        foreach (var piece in pieces)
            EncodePiece(text.Slice(piece.Start, piece.Length), output);
    }

    private void EncodePiece(ReadOnlySpan<char> piece, List<int> output)
    {
        if (piece.Length == 1 && piece[0] < 0x80)
        {
            output.Add(_merges.ByteToken((byte)piece[0]));
            return;
        }
        if (_cache.TryGet(piece, out int[] cached))
        {
            CollectionExtensions.AddRange(output, cached.AsSpan());
            return;
        }
        int maxBytes = Encoding.UTF8.GetMaxByteCount(piece.Length);
        byte[]? rented = null;
        Span<byte> utf8 = maxBytes <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            int n = Encoding.UTF8.GetBytes(piece, utf8);
            int start = output.Count;
            _merges.Encode(utf8[..n], output);
            _cache.Add(piece, CollectionsMarshal.AsSpan(output)[start..]);
        }
        finally
        {
            if (rented != null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The text of <paramref name="ids"/>: added tokens as their text, the rest through the byte mapping; invalid UTF-8 becomes U+FFFD.</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        int total = 0;
        foreach (int id in ids) total += TokenBytes(id).Length;
        byte[]? rented = null;
        Span<byte> bytes = total <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(total));
        try
        {
            int at = 0;
            foreach (int id in ids)
            {
                var b = TokenBytes(id);
                b.CopyTo(bytes[at..]);
                at += b.Length;
            }
            return Encoding.UTF8.GetString(bytes[..total]);
        }
        finally
        {
            if (rented != null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Encodes a conversation with the vocabulary file's chat template when understood, else the built-in V4 format.</summary>
    public ChatEncoding EncodeChat(ChatPrompt prompt) => new ChatEncoder(this).Encode(prompt);

    /// <summary>A decoder for generated tokens that returns text only once its UTF-8 is complete.</summary>
    public StreamingDecoder CreateStreamingDecoder() => new(this);
}
