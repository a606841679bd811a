using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>Reads and writes a vocabulary as GGUF metadata (<c>tokenizer.ggml.*</c>, <c>tokenizer.chat_template</c>), as llama.cpp lays it out.</summary>
public static class GgufTokenizerMetadata
{
    /// <summary>Adds the vocabulary's keys to <paramref name="writer"/> (token types as INT32, ids as UINT32).</summary>
    public static void Write(TokenizerVocabulary vocabulary, GgufWriter writer)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(writer);
        writer.AddMetadata(GgufTokenizerKeys.Model, GgufTokenizerKeys.ByteLevelBpe);
        writer.AddMetadata(GgufTokenizerKeys.PreTokenizer, vocabulary.PreTokenizer);
        writer.AddMetadata(GgufTokenizerKeys.Tokens, vocabulary.Tokens);
        writer.AddMetadata(GgufTokenizerKeys.TokenTypes, Array.ConvertAll(vocabulary.Kinds, k => (int)k));
        writer.AddMetadata(GgufTokenizerKeys.Merges, vocabulary.Merges);
        if (vocabulary.BosId is int bos) writer.AddMetadata(GgufTokenizerKeys.BosId, (uint)bos);
        if (vocabulary.EosId is int eos) writer.AddMetadata(GgufTokenizerKeys.EosId, (uint)eos);
        if (vocabulary.PadId is int pad) writer.AddMetadata(GgufTokenizerKeys.PadId, (uint)pad);
        if (vocabulary.ChatTemplate is { } template) writer.AddMetadata(GgufTokenizerKeys.ChatTemplate, template);
    }

    public static TokenizerVocabulary Read(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string source = file.Path;
        string model = RequireString(file, GgufTokenizerKeys.Model);
        if (model != GgufTokenizerKeys.ByteLevelBpe)
            throw new TokenizerFormatException(source, GgufTokenizerKeys.Model, $"tokenizer model \"{model}\" is not supported (only \"{GgufTokenizerKeys.ByteLevelBpe}\", byte-level BPE)");
        string pre = RequireString(file, GgufTokenizerKeys.PreTokenizer);
        string[] tokens = RequireArray<string>(file, GgufTokenizerKeys.Tokens);
        string[] merges = RequireArray<string>(file, GgufTokenizerKeys.Merges);

        TokenKind[] kinds;
        if (file.GetMetadata(GgufTokenizerKeys.TokenTypes) is { } typesValue)
        {
            var types = typesValue.Array ?? throw WrongType(source, GgufTokenizerKeys.TokenTypes, typesValue, "an array of integers");
            kinds = new TokenKind[types.Count];
            for (int i = 0; i < kinds.Length; i++)
            {
                long t = Convert.ToInt64(types.Items.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
                if (t is < (int)TokenKind.Normal or > (int)TokenKind.Byte)
                    throw new TokenizerFormatException(source, GgufTokenizerKeys.TokenTypes, $"token {i} has type {t}; known types are 1..6");
                kinds[i] = (TokenKind)t;
            }
        }
        else
        {
            kinds = new TokenKind[tokens.Length];
            Array.Fill(kinds, TokenKind.Normal);
        }

        return new TokenizerVocabulary
        {
            Source = source,
            Tokens = tokens,
            Kinds = kinds,
            Merges = merges,
            PreTokenizer = pre,
            BosId = OptionalId(file, GgufTokenizerKeys.BosId),
            EosId = OptionalId(file, GgufTokenizerKeys.EosId),
            PadId = OptionalId(file, GgufTokenizerKeys.PadId),
            ChatTemplate = file.GetMetadata(GgufTokenizerKeys.ChatTemplate)?.Value as string,
        };
    }

    private static string RequireString(GgufFile file, string key)
    {
        var v = file.GetMetadata(key) ?? throw Missing(file.Path, key);
        return v.Value as string ?? throw WrongType(file.Path, key, v, "a string");
    }

    private static T[] RequireArray<T>(GgufFile file, string key)
    {
        var v = file.GetMetadata(key) ?? throw Missing(file.Path, key);
        return v.Array?.Items as T[] ?? throw WrongType(file.Path, key, v, $"an array of {typeof(T).Name}");
    }

    private static int? OptionalId(GgufFile file, string key)
    {
        if (file.GetMetadata(key) is not { } v) return null;
        long id;
        try { id = v.AsInt64(); }
        catch (InvalidCastException) { throw WrongType(file.Path, key, v, "an integer"); }
        return id is >= 0 and <= int.MaxValue ? (int)id : throw new TokenizerFormatException(file.Path, key, $"token id {id} is out of range");
    }

    private static TokenizerFormatException Missing(string source, string key) =>
        new(source, key, "the key is missing");

    private static TokenizerFormatException WrongType(string source, string key, GgufMetadataValue v, string wanted) =>
        new(source, key, $"expected {wanted}, found {(v.Array is { } a ? a.ToString() : v.Type.ToString())}");
}
