using System.IO.Compression;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Corpus.Tokenization;

/// <summary>DeepSeek's full vocabulary from a tokenizer.json, gzip'd (the repository's fixture) or not.</summary>
public static class DeepSeekVocabulary
{
    public static TokenizerVocabulary Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"DeepSeek's tokenizer.json not found: {path}", path);
        using var file = File.OpenRead(path);
        using Stream json = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        return TokenizerJsonReader.Read(json, null, path);
    }
}
