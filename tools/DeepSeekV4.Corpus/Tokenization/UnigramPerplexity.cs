namespace DeepSeekV4.Corpus.Tokenization;

/// <summary>
/// The perplexity of a unigram model: token counts from the training ids with add-one smoothing over the whole
/// vocabulary, p(t) = (count(t) + 1) / (N + V), evaluated on the held-out ids as exp(−mean log p).
/// </summary>
public static class UnigramPerplexity
{
    /// <param name="exclude">An id neither counted nor scored (BOS), or null to use every id.</param>
    public static double Compute(IEnumerable<int[]> train, IEnumerable<int[]> heldOut, int vocabularySize, int? exclude = null)
    {
        var counts = new long[vocabularySize];
        long n = 0;
        foreach (var doc in train)
            foreach (int id in doc)
            {
                if (id == exclude) continue;
                counts[id]++;
                n++;
            }
        double logDenominator = Math.Log(n + (double)vocabularySize);
        double sum = 0;
        long scored = 0;
        foreach (var doc in heldOut)
            foreach (int id in doc)
            {
                if (id == exclude) continue;
                sum += Math.Log(counts[id] + 1.0) - logDenominator;
                scored++;
            }
        if (scored == 0) throw new InvalidOperationException("no held-out tokens to score");
        return Math.Exp(-sum / scored);
    }
}
