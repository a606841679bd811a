using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Corpus.Tokenization;

/// <summary>
/// Writes a vocabulary as a metadata-only GGUF: the <c>tokenizer.*</c> keys as llama.cpp's converter stores them for
/// DeepSeek V4 (model gpt2, pre, tokens, token_type, merges, bos/eos/padding ids, add_bos/add_eos false, chat template).
/// The training tool copies every <c>tokenizer.*</c> key from this file into the model it exports.
/// </summary>
public static class TokenizerGguf
{
    public static void Write(TokenizerVocabulary vocabulary, string path)
    {
        var writer = new GgufWriter();
        GgufTokenizerMetadata.Write(vocabulary, writer);
        // DeepSeek V4 inserts BOS itself (tokenizer_config.json: add_bos_token false), as the converter records.
        writer.AddMetadata(GgufTokenizerKeys.AddBos, false);
        writer.AddMetadata(GgufTokenizerKeys.AddEos, false);
        string temp = path + ".tmp";
        writer.WriteTo(temp);
        File.Move(temp, path, overwrite: true);
    }
}
