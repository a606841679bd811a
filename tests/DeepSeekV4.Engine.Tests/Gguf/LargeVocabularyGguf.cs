using System.Text;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>
/// A GGUF shaped like a DeepSeek V4 conversion's header: a 129,280-entry token list, token types and ~127k merges,
/// plus 1,100 small tensors. The strings are made up (byte-level-BPE-like, some multi-byte UTF-8) but deterministic.
/// </summary>
internal static class LargeVocabularyGguf
{
    public const int VocabularySize = 129_280, MergeCount = 127_741, TensorCount = 1_100;

    public static string Token(int i)
    {
        var sb = new StringBuilder(i % 3 == 0 ? "Ġ" : "");
        for (int n = i; ; n /= 26)
        {
            sb.Append((char)('a' + n % 26));
            if (n < 26) break;
        }
        if (i % 17 == 0) sb.Append("世界");
        return sb.ToString();
    }

    public static string Merge(int i) => Token(i) + " " + Token(i + 1);

    public static int TokenType(int i) => i < 3 ? 3 : 1;

    public static string TensorName(int i) => $"blk.{i / 20}.ffn_gate_exps.{i % 20}.weight";

    public static GgufWriter Writer()
    {
        var w = new GgufWriter();
        w.AddMetadata("general.architecture", "deepseek4");
        w.AddMetadata("deepseek4.block_count", 43u);
        w.AddMetadata("tokenizer.ggml.model", "gpt2");
        w.AddMetadata("tokenizer.ggml.tokens", Enumerable.Range(0, VocabularySize).Select(Token).ToArray());
        w.AddMetadata("tokenizer.ggml.token_type", Enumerable.Range(0, VocabularySize).Select(TokenType).ToArray());
        w.AddMetadata("tokenizer.ggml.merges", Enumerable.Range(0, MergeCount).Select(Merge).ToArray());
        w.AddMetadata("tokenizer.ggml.bos_token_id", 0u);
        for (int i = 0; i < TensorCount; i++)
        {
            int seed = i;
            w.AddTensor(TensorName(i), GgmlType.Q8_0, [32, 2], s => { for (int b = 0; b < 68; b++) s.WriteByte((byte)(seed + b)); });
        }
        return w;
    }
}
