using DeepSeekV4.Engine.Sampling;

namespace DeepSeekV4.Engine.Tests.Sampling;

public class SamplerChainTests
{
    private static float[] LogitsOf(params double[] probabilities) => [.. probabilities.Select(p => p == 0 ? float.NegativeInfinity : (float)Math.Log(p))];

    /// <summary>Draw frequencies over many samples from fresh logits each time.</summary>
    private static double[] Frequencies(SamplerSettings settings, float[] logits, int draws = 20000)
    {
        var chain = new SamplerChain(settings with { Seed = 12345 }, logits.Length);
        var counts = new double[logits.Length];
        var scratch = new float[logits.Length];
        for (int i = 0; i < draws; i++)
        {
            logits.CopyTo(scratch, 0);
            counts[chain.Sample(scratch, [])]++;
        }
        return [.. counts.Select(c => c / draws)];
    }

    [Fact]
    public void Greedy_picks_the_largest_logit_and_the_lowest_id_on_ties()
    {
        var chain = new SamplerChain(new SamplerSettings { Temperature = 0 }, 5);
        Assert.Equal(3, chain.Sample(new float[] { 1, 2, 0, 5, 4 }, []));
        Assert.Equal(1, chain.Sample(new float[] { 1, 5, 0, 5, 4 }, []));
    }

    [Fact]
    public void Top_k_one_is_greedy_whatever_the_temperature()
    {
        var chain = new SamplerChain(new SamplerSettings { Temperature = 5, TopK = 1, Seed = 1 }, 4);
        for (int i = 0; i < 50; i++) Assert.Equal(2, chain.Sample(new float[] { 1, 2, 3, 0 }, []));
    }

    [Fact]
    public void Temperature_one_draws_in_proportion_to_the_probabilities()
    {
        var f = Frequencies(new SamplerSettings(), LogitsOf(0.1, 0.2, 0.3, 0.4));
        Assert.Equal(0.1, f[0], 0.015);
        Assert.Equal(0.2, f[1], 0.015);
        Assert.Equal(0.3, f[2], 0.015);
        Assert.Equal(0.4, f[3], 0.015);
    }

    [Fact]
    public void Temperature_two_flattens_to_square_roots()
    {
        // p ∝ exp(l / 2) = sqrt(p0): 1 : sqrt(3)
        var f = Frequencies(new SamplerSettings { Temperature = 2 }, LogitsOf(0.25, 0.75));
        Assert.Equal(1 / (1 + Math.Sqrt(3)), f[0], 0.015);
    }

    [Fact]
    public void Top_k_keeps_only_the_k_most_likely_renormalised()
    {
        var f = Frequencies(new SamplerSettings { TopK = 2 }, LogitsOf(0.1, 0.3, 0.2, 0.4));
        Assert.Equal(0, f[0]);
        Assert.Equal(0, f[2]);
        Assert.Equal(0.3 / 0.7, f[1], 0.015);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_p()
    {
        // sorted: 0.5, 0.3, 0.15, 0.05; 0.5 < 0.75 <= 0.8 → keep the first two
        var f = Frequencies(new SamplerSettings { TopP = 0.75 }, LogitsOf(0.15, 0.5, 0.05, 0.3));
        Assert.Equal(0, f[0]);
        Assert.Equal(0, f[2]);
        Assert.Equal(0.5 / 0.8, f[1], 0.015);
    }

    [Fact]
    public void Top_p_over_a_large_vocabulary_finds_its_cut_beyond_the_first_window()
    {
        // 1000 tokens of equal probability: top-p 0.5 keeps 500 of them (more than the first selection window)
        var logits = new float[1000];
        var f = Frequencies(new SamplerSettings { TopP = 0.5 }, logits, 50000);
        Assert.Equal(500, f.Count(x => x > 0));
        Assert.All(f.Take(500), x => Assert.True(x > 0));
    }

    [Fact]
    public void Min_p_drops_tokens_below_the_fraction_of_the_best()
    {
        // best 0.5 → threshold 0.2: 0.1 and 0.05 go
        var f = Frequencies(new SamplerSettings { MinP = 0.4 }, LogitsOf(0.1, 0.5, 0.05, 0.35));
        Assert.Equal(0, f[0]);
        Assert.Equal(0, f[2]);
        Assert.Equal(0.5 / 0.85, f[1], 0.015);
    }

    [Fact]
    public void Penalties_follow_their_formulas()
    {
        var chain = new SamplerChain(new SamplerSettings { RepetitionPenalty = 2, FrequencyPenalty = 0.5, PresencePenalty = 0.25 }, 4);
        var logits = new float[] { 4, -4, 4, 1 };
        chain.ApplyPenalties(logits, [0, 0, 1, 3, 0]);
        Assert.Equal(4 / 2f - 3 * 0.5f - 0.25f, logits[0], 5);
        Assert.Equal(-4 * 2f - 1 * 0.5f - 0.25f, logits[1], 5);
        Assert.Equal(4f, logits[2]);
        Assert.Equal(1 / 2f - 0.5f - 0.25f, logits[3], 5);
    }

    [Fact]
    public void Penalties_look_only_at_the_window()
    {
        var chain = new SamplerChain(new SamplerSettings { PresencePenalty = 1, PenaltyWindow = 2 }, 3);
        var logits = new float[] { 0, 0, 0 };
        chain.ApplyPenalties(logits, [0, 1, 2]);
        Assert.Equal(new float[] { 0, -1, -1 }, logits);
        chain.ApplyPenalties(logits, [0, 1, 2]);
        Assert.Equal(new float[] { 0, -2, -2 }, logits);
    }

    [Fact]
    public void Repetition_penalty_changes_the_greedy_choice()
    {
        var chain = new SamplerChain(new SamplerSettings { Temperature = 0, RepetitionPenalty = 3 }, 3);
        Assert.Equal(1, chain.Sample(new float[] { 0, 3, 2 }, []));
        Assert.Equal(2, chain.Sample(new float[] { 0, 3, 2 }, [1]));
    }

    [Fact]
    public void Select_top_moves_the_highest_ranked_to_the_front()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            var weights = Enumerable.Range(0, 200).Select(_ => (float)random.Next(20)).ToArray();
            var ids = Enumerable.Range(0, 200).ToArray();
            int m = random.Next(1, 200);
            SamplerChain.SelectTop(ids, m, weights);
            var expected = Enumerable.Range(0, 200).OrderByDescending(i => weights[i]).ThenBy(i => i).Take(m).Order();
            Assert.Equal(expected, ids.Take(m).Order());
        }
    }

    [Theory]
    [InlineData(-0.1, 0, 1.0, 0.0, 1.0, "Temperature")]
    [InlineData(1.0, -1, 1.0, 0.0, 1.0, "TopK")]
    [InlineData(1.0, 0, 0.0, 0.0, 1.0, "TopP")]
    [InlineData(1.0, 0, 1.0, 1.5, 1.0, "MinP")]
    [InlineData(1.0, 0, 1.0, 0.0, 0.0, "RepetitionPenalty")]
    public void Settings_out_of_range_are_refused_by_name(double t, int k, double p, double minP, double rep, string name)
    {
        var settings = new SamplerSettings { Temperature = t, TopK = k, TopP = p, MinP = minP, RepetitionPenalty = rep };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SamplerChain(settings, 10));
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void Random_source_is_splitmix64()
    {
        // SplitMix64 from seed 0: first output 0xE220A8397B1DCDAF (the published reference value)
        Assert.Equal(0xE220A8397B1DCDAFUL, new SamplerRandom(0).NextUInt64());
    }
}
