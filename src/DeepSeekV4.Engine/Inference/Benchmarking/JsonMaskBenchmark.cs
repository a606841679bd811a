using System.Diagnostics;
using DeepSeekV4.Engine.Sampling;
using DeepSeekV4.Engine.Sampling.Constraints;

namespace DeepSeekV4.Engine.Inference.Benchmarking;

/// <summary>What the JSON mask costs per generated token (<see cref="JsonMaskBenchmark"/>).</summary>
public sealed record JsonMaskResult(int Tokens, int Documents, double MaskSeconds, double VocabularySeconds)
{
    public double MillisecondsPerToken => Tokens == 0 ? 0 : 1e3 * MaskSeconds / Tokens;
}

/// <summary>
/// Times the JSON constraint alone on a tokenizer's vocabulary: documents are generated from seeded random logits
/// (as a random model would), each step masking and accepting as the generation loop does, until
/// <c>tokens</c> steps are timed, after one untimed document (JIT). Preparing the vocabulary (once per tokenizer)
/// is timed apart.
/// </summary>
public static class JsonMaskBenchmark
{
    public static JsonMaskResult Run(IChatTokenizer tokenizer, int logitCount, JsonOutputFormat format, int tokens, int maxTokensPerDocument, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokensPerDocument, 1);
        long start = Stopwatch.GetTimestamp();
        ConstraintVocabulary.For(tokenizer);
        double vocabularySeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        var random = new SamplerRandom(seed);
        var logits = new float[logitCount];
        Document(tokenizer, format, logits, random, maxTokensPerDocument, maxTokensPerDocument);
        int steps = 0, documents = 0;
        double maskSeconds = 0;
        while (steps < tokens)
        {
            var (timed, seconds) = Document(tokenizer, format, logits, random, maxTokensPerDocument, tokens - steps);
            documents++;
            steps += timed;
            maskSeconds += seconds;
        }
        return new JsonMaskResult(steps, documents, maskSeconds, vocabularySeconds);
    }

    /// <summary>One document from random logits: the tokens generated and the constraint's time.</summary>
    private static (int Tokens, double Seconds) Document(IChatTokenizer tokenizer, JsonOutputFormat format, float[] logits, SamplerRandom random,
        int maxTokens, int limit)
    {
        var constraint = format.CreateConstraint(tokenizer, logits.Length);
        var end = tokenizer.EndOfGenerationIds;
        int generated = 0;
        while (generated < maxTokens && generated < limit && !constraint.IsFinished)
        {
            for (int i = 0; i < logits.Length; i++) logits[i] = (float)random.NextDouble();
            constraint.Apply(logits, maxTokens - generated);
            int token = ArgMax(logits);
            generated++;
            if (end.Contains(token)) break;
            constraint.Accept(token);
        }
        return (generated, constraint.Elapsed.TotalSeconds);
    }

    private static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }
}
