namespace DeepSeekV4.Engine.Inference.Benchmarking;

/// <summary>Tokens per second of each repetition, with their mean and sample standard deviation (as llama-bench reports).</summary>
public sealed record ThroughputSamples(int Tokens, IReadOnlyList<double> TokensPerSecond)
{
    public double Mean => TokensPerSecond.Count == 0 ? 0 : TokensPerSecond.Average();

    /// <summary>Sample standard deviation (n − 1 in the denominator); 0 for a single repetition.</summary>
    public double StdDev
    {
        get
        {
            int n = TokensPerSecond.Count;
            if (n < 2) return 0;
            double mean = Mean;
            return Math.Sqrt(TokensPerSecond.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        }
    }
}
