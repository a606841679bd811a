using System.Text.Json;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// Reads a Hugging Face tokenizer.json (byte-level BPE with the DeepSeek V3/V4 split) and, when given, its
/// tokenizer_config.json (BOS/EOS/pad names and the chat template).
/// </summary>
public static class TokenizerJsonReader
{
    private const string DeepSeekPreTokenizerName = "deepseek-v3";

    /// <summary>Reads <paramref name="path"/> and the tokenizer_config.json next to it when there is one.</summary>
    public static TokenizerVocabulary Read(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"tokenizer.json not found: {full}", full);
        string configPath = Path.Combine(Path.GetDirectoryName(full)!, "tokenizer_config.json");
        using var json = File.OpenRead(full);
        using var config = File.Exists(configPath) ? File.OpenRead(configPath) : null;
        return Read(json, config, full);
    }

    public static TokenizerVocabulary Read(Stream tokenizerJson, Stream? tokenizerConfig = null, string source = "tokenizer.json")
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        using var doc = Parse(tokenizerJson, source);
        var root = doc.RootElement;
        var model = Property(root, "model", source);
        string type = Property(model, "type", source, "model").GetString() ?? "";
        if (type != "BPE") throw new TokenizerFormatException(source, "model.type", $"tokenizer model \"{type}\" is not supported (only byte-level \"BPE\")");
        CheckPreTokenizer(root, source);

        var byId = new Dictionary<int, (string Text, TokenKind Kind)>();
        foreach (var entry in Property(model, "vocab", source, "model").EnumerateObject())
        {
            int id = entry.Value.GetInt32();
            if (!byId.TryAdd(id, (entry.Name, TokenKind.Normal)))
                throw new TokenizerFormatException(source, "model.vocab", $"id {id} is given to both \"{byId[id].Text}\" and \"{entry.Name}\"");
        }
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in added.EnumerateArray())
            {
                int id = Property(a, "id", source, "added_tokens").GetInt32();
                string content = Property(a, "content", source, "added_tokens").GetString() ?? "";
                bool special = a.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
                if (byId.TryGetValue(id, out var existing) && existing.Text != content)
                    throw new TokenizerFormatException(source, "added_tokens", $"id {id} is \"{existing.Text}\" in the vocabulary and \"{content}\" in added_tokens");
                byId[id] = (content, special ? TokenKind.Control : TokenKind.UserDefined);
            }
        }
        if (byId.Count == 0) throw new TokenizerFormatException(source, "model.vocab", "the vocabulary is empty");
        int minId = byId.Keys.Min();
        if (minId < 0) throw new TokenizerFormatException(source, "model.vocab", $"negative token id {minId}");

        // Ids the file leaves out become unused placeholders, named as llama.cpp's converter names them.
        int size = byId.Keys.Max() + 1;
        var tokens = new string[size];
        var kinds = new TokenKind[size];
        for (int id = 0; id < size; id++)
        {
            (tokens[id], kinds[id]) = byId.TryGetValue(id, out var t) ? t : ($"[PAD{id}]", TokenKind.Unused);
        }

        var merges = ReadMerges(Property(model, "merges", source, "model"), source);
        var vocabulary = new TokenizerVocabulary
        {
            Source = source,
            Tokens = tokens,
            Kinds = kinds,
            Merges = merges,
            PreTokenizer = DeepSeekPreTokenizerName,
            FieldNames = VocabularyFieldNames.TokenizerJson,
        };
        return tokenizerConfig == null ? vocabulary : WithConfig(vocabulary, tokenizerConfig);
    }

    private static JsonDocument Parse(Stream stream, string source)
    {
        try
        {
            return JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(source, "(json)", $"not valid JSON: {e.Message}");
        }
    }

    private static JsonElement Property(JsonElement obj, string name, string source, string? parent = null)
    {
        string field = parent == null ? name : $"{parent}.{name}";
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw new TokenizerFormatException(source, field, "the field is missing");
        return value;
    }

    private static string[] ReadMerges(JsonElement merges, string source)
    {
        if (merges.ValueKind != JsonValueKind.Array) throw new TokenizerFormatException(source, "model.merges", "expected an array");
        var result = new string[merges.GetArrayLength()];
        int i = 0;
        foreach (var m in merges.EnumerateArray())
        {
            // Older files write "left right", newer ones ["left", "right"].
            result[i] = m.ValueKind switch
            {
                JsonValueKind.String => m.GetString()!,
                JsonValueKind.Array when m.GetArrayLength() == 2 => $"{m[0].GetString()} {m[1].GetString()}",
                _ => throw new TokenizerFormatException(source, "model.merges", $"merge #{i} is neither \"left right\" nor [left, right]: {m.GetRawText()}"),
            };
            i++;
        }
        return result;
    }

    // Only the DeepSeek V3/V4 split is implemented; anything else is refused rather than approximated.
    private static void CheckPreTokenizer(JsonElement root, string source)
    {
        var pre = Property(root, "pre_tokenizer", source);
        var patterns = new List<string>();
        bool byteLevel = false;
        if (pre.TryGetProperty("pretokenizers", out var steps) && steps.ValueKind == JsonValueKind.Array)
        {
            foreach (var step in steps.EnumerateArray())
            {
                string? t = step.TryGetProperty("type", out var tt) ? tt.GetString() : null;
                if (t == "Split" && step.TryGetProperty("pattern", out var p) && p.TryGetProperty("Regex", out var rx))
                    patterns.Add(rx.GetString() ?? "");
                else if (t == "ByteLevel")
                    byteLevel = true;
                else
                    patterns.Add("<" + t + ">");
            }
        }
        if (!byteLevel || !patterns.SequenceEqual(DeepSeekPreTokenizer.Patterns))
            throw new TokenizerFormatException(source, "pre_tokenizer",
                $"not the DeepSeek V3/V4 split (three regex splits then ByteLevel); found {pre.GetRawText()}");
    }

    private static TokenizerVocabulary WithConfig(TokenizerVocabulary v, Stream configStream)
    {
        string source = v.Source + " (tokenizer_config.json)";
        using var doc = Parse(configStream, source);
        var root = doc.RootElement;
        int? Lookup(string field)
        {
            if (!root.TryGetProperty(field, out var value)) return null;
            string? name = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Object when value.TryGetProperty("content", out var c) => c.GetString(),
                _ => null,
            };
            if (name == null) return null;
            int id = Array.IndexOf(v.Tokens, name);
            return id >= 0 ? id : throw new TokenizerFormatException(source, field, $"\"{name}\" is not a token of the vocabulary");
        }
        return new TokenizerVocabulary
        {
            Source = v.Source,
            Tokens = v.Tokens,
            Kinds = v.Kinds,
            Merges = v.Merges,
            PreTokenizer = v.PreTokenizer,
            FieldNames = v.FieldNames,
            BosId = Lookup("bos_token"),
            EosId = Lookup("eos_token"),
            PadId = Lookup("pad_token"),
            ChatTemplate = ReadChatTemplate(root),
        };
    }

    private static string? ReadChatTemplate(JsonElement root)
    {
        if (!root.TryGetProperty("chat_template", out var t)) return null;
        if (t.ValueKind == JsonValueKind.String) return t.GetString();
        // A list of named templates: take "default".
        if (t.ValueKind == JsonValueKind.Array)
            foreach (var named in t.EnumerateArray())
                if (named.TryGetProperty("name", out var n) && n.GetString() == "default" && named.TryGetProperty("template", out var body))
                    return body.GetString();
        return null;
    }
}
