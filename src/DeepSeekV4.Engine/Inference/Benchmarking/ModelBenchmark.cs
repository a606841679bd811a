using System.Diagnostics;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Inference.Benchmarking;

/// <summary>
/// Measures a model the way llama-bench does, through <see cref="ILanguageModel"/> only: ppN feeds N random tokens in
/// one call to a fresh sequence; tgN feeds one random token per call, N calls, to a fresh sequence (so generation is
/// measured from an empty context, like llama-bench's tg). Sequences are created before the clock starts. Each test
/// is repeated; the tokens come from a seeded generator, so every run feeds the same ids.
/// </summary>
public sealed class ModelBenchmark(TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Runs the benchmark; <paramref name="log"/> hears about each finished repetition.</summary>
    public BenchmarkResult Run(ILanguageModel model, BenchmarkOptions options, long weightBytesPerToken,
        Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        options.Validate();
        int context = options.PromptTokens + options.GenerateTokens;
        if (context > model.MaxContextLength)
            throw new ArgumentException($"the benchmark needs a context of {context} tokens; the model allows {model.MaxContextLength}");

        var random = new Random(options.Seed);
        int[] prompt = RandomTokens(random, options.PromptTokens, model.VocabularySize);
        int[] generated = RandomTokens(random, options.GenerateTokens, model.VocabularySize);
        var logits = new float[model.VocabularySize];

        if (options.WarmUp) WarmUp(model, options, context, prompt, generated, logits, cancellationToken);

        ThroughputSamples? pp = null, tg = null;
        TestProfile? ppProfile = null, tgProfile = null;
        if (options.PromptTokens > 0)
        {
            (pp, ppProfile) = Measure(options.Repetitions, options.PromptTokens, sequence =>
                sequence.Forward(prompt, logits, cancellationToken: cancellationToken), model, options, context, $"pp{options.PromptTokens}", log);
        }
        if (options.GenerateTokens > 0)
        {
            (tg, tgProfile) = Measure(options.Repetitions, options.GenerateTokens, sequence =>
            {
                for (int i = 0; i < generated.Length; i++) sequence.Forward(generated.AsSpan(i, 1), logits, cancellationToken: cancellationToken);
            }, model, options, context, $"tg{options.GenerateTokens}", log);
        }
        return new BenchmarkResult(pp, tg, options.KvCacheUsed, PeakMemory(), weightBytesPerToken, ppProfile, tgProfile);
    }

    private (ThroughputSamples, TestProfile?) Measure(int repetitions, int tokens, Action<IModelSequence> work, ILanguageModel model,
        BenchmarkOptions options, int context, string test, Action<string>? log)
    {
        var samples = new List<double>(repetitions);
        var profile = options.Profile ? new ProductProfile() : null;
        double wallSeconds = 0;
        for (int r = 0; r < repetitions; r++)
        {
            using var sequence = model.CreateSequence(context, options.KvCacheUsed);
            var outer = ProductProfile.Active; // a caller's own profile comes back afterwards
            if (profile != null) ProductProfile.Active = profile;
            long start = _clock.GetTimestamp();
            try
            {
                work(sequence);
            }
            finally
            {
                ProductProfile.Active = outer;
            }
            double seconds = _clock.GetElapsedTime(start).TotalSeconds;
            wallSeconds += seconds;
            samples.Add(tokens / seconds);
            log?.Invoke($"{test} repetition {r + 1}/{repetitions}: {tokens / seconds:F2} tokens/s");
        }
        return (new ThroughputSamples(tokens, samples), profile == null ? null : new TestProfile(profile, tokens * repetitions, wallSeconds));
    }

    /// <summary>llama-bench's warm-up: a short prompt and one generated token, untimed, so first-touch costs are not measured.</summary>
    private static void WarmUp(ILanguageModel model, BenchmarkOptions options, int context, int[] prompt, int[] generated,
        float[] logits, CancellationToken cancellationToken)
    {
        using var sequence = model.CreateSequence(context, options.KvCacheUsed);
        if (prompt.Length > 0) sequence.Forward(prompt.AsSpan(0, Math.Min(prompt.Length, 32)), logits, cancellationToken: cancellationToken);
        if (generated.Length > 0) sequence.Forward(generated.AsSpan(0, 1), logits, cancellationToken: cancellationToken);
    }

    private static int[] RandomTokens(Random random, int count, int vocabulary)
    {
        var tokens = new int[count];
        for (int i = 0; i < count; i++) tokens[i] = random.Next(vocabulary);
        return tokens;
    }

    /// <summary>The process's peak resident memory (VmHWM on Linux, peak working set on Windows).</summary>
    public static long PeakMemory()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}
