using DeepSeekV4.Corpus;
using DeepSeekV4.Corpus.Tokenization;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Corpus.Tests;

/// <summary>DeepSeek's full vocabulary from the repository's fixture, loaded once for all tests.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<TokenizerVocabulary> s_full = new(() => DeepSeekVocabulary.Load(CorpusPaths.DeepSeekTokenizer(CorpusPaths.RepositoryRoot())));
    private static readonly Lazy<Tokenizer> s_fullTokenizer = new(() => Tokenizer.FromVocabulary(s_full.Value));

    public static TokenizerVocabulary FullVocabulary => s_full.Value;
    public static Tokenizer FullTokenizer => s_fullTokenizer.Value;

    public static string TokenizerCases => Path.Combine(CorpusPaths.RepositoryRoot(), "tests", "fixtures", "tokenizer", "deepseek-v3", "cases.jsonl");
}
