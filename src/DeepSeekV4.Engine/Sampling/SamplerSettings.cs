namespace DeepSeekV4.Engine.Sampling;

/// <summary>
/// How the next token is chosen from the logits. The chain runs in this order: repetition / frequency / presence
/// penalties, temperature, min-p, top-k, top-p (its mass taken over what min-p and top-k kept), then a draw with
/// the seeded generator. Temperature 0 (or top-k 1) is greedy.
/// </summary>
public sealed record SamplerSettings
{
    /// <summary>Divides the logits; 0 picks the most likely token (greedy). DeepSeek recommends 1.0 for V4.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Keeps the k most likely tokens; 0 keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Keeps the smallest set of most likely tokens whose probability reaches p; 1 keeps all.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Drops tokens less likely than MinP times the most likely one; 0 keeps all.</summary>
    public double MinP { get; init; }

    /// <summary>CTRL-style penalty on tokens already generated: positive logits divided by it, negative multiplied; 1 is off.</summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Subtracted from a token's logit once per earlier occurrence; 0 is off.</summary>
    public double FrequencyPenalty { get; init; }

    /// <summary>Subtracted from a token's logit when it occurred at all; 0 is off.</summary>
    public double PresencePenalty { get; init; }

    /// <summary>How many of the most recently generated tokens the penalties look at.</summary>
    public int PenaltyWindow { get; init; } = 64;

    /// <summary>The generator's seed; null draws one (the result reports the seed used, so the run can be repeated).</summary>
    public ulong? Seed { get; init; }

    public bool IsGreedy => Temperature <= 0 || TopK == 1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of its range.</summary>
    public void Validate()
    {
        Check(nameof(Temperature), Temperature, double.IsFinite(Temperature) && Temperature >= 0, ">= 0");
        Check(nameof(TopK), TopK, TopK >= 0, ">= 0");
        Check(nameof(TopP), TopP, TopP is > 0 and <= 1, "in (0, 1]");
        Check(nameof(MinP), MinP, MinP is >= 0 and <= 1, "in [0, 1]");
        Check(nameof(RepetitionPenalty), RepetitionPenalty, double.IsFinite(RepetitionPenalty) && RepetitionPenalty > 0, "> 0");
        Check(nameof(FrequencyPenalty), FrequencyPenalty, double.IsFinite(FrequencyPenalty), "finite");
        Check(nameof(PresencePenalty), PresencePenalty, double.IsFinite(PresencePenalty), "finite");
        Check(nameof(PenaltyWindow), PenaltyWindow, PenaltyWindow >= 0, ">= 0");
    }

    private static void Check(string name, object value, bool ok, string range)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"sampler setting {name} = {value} must be {range}");
    }
}
