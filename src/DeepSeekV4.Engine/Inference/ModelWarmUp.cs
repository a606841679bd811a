using System.Diagnostics;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Sampling;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// Runs a few tokens through a throwaway sequence of a model just loaded, so that a process with tiered compilation
/// (pwsh) has compiled the forward pass, the sampler and the tokenizer — System.Numerics.Tensors' generic
/// instantiations included, which no attribute of ours reaches — before the user's first completion rather than during
/// it, and has started counting their calls toward the runtime's optimized versions. Nothing of it is kept: the
/// sequence is disposed, the model holds no state across sequences (scratch lives in each sequence or per thread), and
/// the samplers are the warm-up's own, seeded.
/// </summary>
internal static class ModelWarmUp
{
    /// <summary>Prompt tokens: a prefill pass that crosses a ratio-4 compressor block and its overlap.</summary>
    internal const int PrefillTokens = 8;

    /// <summary>Tokens decoded one at a time after the prompt.</summary>
    internal const int DecodeTokens = 4;

    /// <summary>Runs the warm-up; returns the time spent.</summary>
    /// <remarks>
    /// One pass compiles everything the first completion would compile. Further passes after a pause past the
    /// runtime's tiering delay were measured in pwsh and bought nothing: the promotions they queue wait behind pwsh's
    /// own backlog on the runtime's one background compiler, so they cost import time without a faster first call.
    /// </remarks>
    public static TimeSpan Run(LoadedModel loaded, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        cancellationToken.ThrowIfCancellationRequested();
        Pass(loaded, cancellationToken);
        return Stopwatch.GetElapsedTime(start);
    }

    private static void Pass(LoadedModel loaded, CancellationToken cancellationToken)
    {
        var model = loaded.Model;
        var tokenizer = loaded.Tokenizer;
        int vocabulary = model.VocabularySize;
        int total = PrefillTokens + DecodeTokens;
        if (model.MaxContextLength < total) return;

        int[] encoded = tokenizer.EncodeChat(new ChatPrompt("You are terse.", "Say hello, then stop.", false)).Ids;
        if (encoded.Length == 0) return;
        var prompt = new int[PrefillTokens];
        for (int i = 0; i < prompt.Length; i++) prompt[i] = encoded[i % encoded.Length];

        var logits = new float[vocabulary];
        var greedy = new SamplerChain(new SamplerSettings { Temperature = 0 }, vocabulary);
        var sampled = new SamplerChain(new SamplerSettings { Seed = 1, TopK = 40, TopP = 0.95, MinP = 0.05, RepetitionPenalty = 1.1 }, vocabulary);
        var decoder = tokenizer.CreateStreamingDecoder();
        var generated = new List<int>(DecodeTokens);
        using var sequence = model.CreateSequence(Math.Min(model.MaxContextLength, Math.Max(total, 64)), KvCacheFormat.Native);
        if (prompt.Length > 0) sequence.Forward(prompt, logits, cancellationToken: cancellationToken);
        Span<int> next = stackalloc int[1];
        for (int i = 0; i < DecodeTokens; i++)
        {
            sampled.Sample(logits.ToArray(), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(generated));
            int token = greedy.Sample(logits, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(generated));
            generated.Add(token);
            decoder.Push(token);
            next[0] = token;
            sequence.Forward(next, logits, cancellationToken: cancellationToken);
        }
        decoder.Flush();
    }
}
