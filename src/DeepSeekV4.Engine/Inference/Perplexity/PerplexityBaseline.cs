using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Inference.Perplexity;

/// <summary>
/// A baseline run's next-token distributions, kept compactly: per scored position the top-k token ids with their
/// log-probabilities (float), the probability mass of all other tokens (double), the scored token and its NLL. A
/// later run of the same text is compared against it (<see cref="KlDivergence"/>) without holding full logits:
/// about 8·k + 16 bytes per position instead of 4 × vocabulary.
/// </summary>
public sealed class PerplexityBaseline
{
    private const ulong Magic = 0x31424C5050345644; // "DV4PPLB1"

    private readonly List<int> _targets = [];
    private readonly List<float> _nll = [];
    private readonly List<double> _restMass = [];
    private readonly List<int> _topIds = [];
    private readonly List<float> _topLogProbs = [];
    private bool[]? _mask;

    public int VocabularySize { get; }
    public int TopK { get; }
    public int Count => _targets.Count;
    public long ByteSize => (long)Count * (TopK * 8 + 16);

    public PerplexityBaseline(int vocabularySize, int topK)
    {
        if (vocabularySize < 1) throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize, "must be positive");
        if (topK < 1) throw new ArgumentOutOfRangeException(nameof(topK), topK, "must be positive");
        VocabularySize = vocabularySize;
        TopK = Math.Min(topK, vocabularySize);
    }

    public int Target(int position) => _targets[position];
    public double Nll(int position) => _nll[position];
    public int TopToken(int position) => _topIds[position * TopK];
    public double RestMass(int position) => _restMass[position];

    /// <summary>Records the distribution of one scored position.</summary>
    public void Add(ReadOnlySpan<float> logits, double logSumExp, int target, double nll)
    {
        CheckRow(logits);
        Span<int> ids = TopK <= 256 ? stackalloc int[TopK] : new int[TopK];
        LogProbabilities.TopK(logits, ids);
        foreach (int id in ids)
        {
            _topIds.Add(id);
            _topLogProbs.Add((float)(logits[id] - logSumExp));
        }
        _restMass.Add(MassOutside(ids, logits, logSumExp));
        _targets.Add(target);
        _nll.Add((float)nll);
    }

    /// <summary>
    /// KL(baseline ‖ this row) at a recorded position, over the baseline's top-k tokens plus one bucket for all
    /// others. Exact when k covers the vocabulary; otherwise it cannot exceed the full KL (merging outcomes never
    /// raises a divergence) and misses only how differently the two spread the small remaining mass.
    /// </summary>
    public double KlDivergence(int position, ReadOnlySpan<float> logits, double logSumExp)
    {
        CheckRow(logits);
        var ids = CollectionsMarshal.AsSpan(_topIds).Slice(position * TopK, TopK);
        var baseLogProbs = CollectionsMarshal.AsSpan(_topLogProbs).Slice(position * TopK, TopK);
        double kl = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            double lp = baseLogProbs[i];
            double lq = (float)(logits[ids[i]] - logSumExp); // rounded as the baseline's were, so a run against itself gives 0
            kl += Math.Exp(lp) * (lp - lq);
        }
        double restP = _restMass[position];
        if (restP > 0)
        {
            double restQ = MassOutside(ids, logits, logSumExp);
            kl += restP * (Math.Log(restP) - Math.Log(Math.Max(restQ, double.Epsilon)));
        }
        return kl;
    }

    private double MassOutside(ReadOnlySpan<int> ids, ReadOnlySpan<float> logits, double logSumExp)
    {
        if (ids.Length >= logits.Length) return 0;
        var mask = _mask ??= new bool[VocabularySize];
        foreach (int id in ids) mask[id] = true;
        double sum = 0;
        for (int v = 0; v < logits.Length; v++)
            if (!mask[v]) sum += Math.Exp(logits[v] - logSumExp);
        foreach (int id in ids) mask[id] = false;
        return sum;
    }

    private void CheckRow(ReadOnlySpan<float> logits)
    {
        if (logits.Length != VocabularySize)
            throw new ArgumentException($"logits row has {logits.Length} entries; the baseline's vocabulary has {VocabularySize}", nameof(logits));
    }

    public void WriteTo(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(VocabularySize);
        w.Write(TopK);
        w.Write(Count);
        w.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(_targets)));
        w.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(_nll)));
        w.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(_restMass)));
        w.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(_topIds)));
        w.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(_topLogProbs)));
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote; <paramref name="source"/> names the stream in errors.</summary>
    public static PerplexityBaseline ReadFrom(Stream stream, string source = "baseline")
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (r.ReadUInt64() != Magic) throw new InvalidDataException($"{source}: not a perplexity baseline (bad magic)");
            int vocab = r.ReadInt32(), k = r.ReadInt32(), count = r.ReadInt32();
            if (vocab < 1 || k < 1 || k > vocab || count < 0)
                throw new InvalidDataException($"{source}: bad header (vocabulary {vocab}, top-k {k}, positions {count})");
            var b = new PerplexityBaseline(vocab, k);
            Read(r, b._targets, count, source, "targets");
            Read(r, b._nll, count, source, "nll");
            Read(r, b._restMass, count, source, "rest mass");
            Read(r, b._topIds, (long)count * k, source, "top ids");
            Read(r, b._topLogProbs, (long)count * k, source, "top log-probabilities");
            return b;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{source}: truncated perplexity baseline");
        }
    }

    private static void Read<T>(BinaryReader r, List<T> list, long count, string source, string field) where T : unmanaged
    {
        if (count > Array.MaxLength) throw new InvalidDataException($"{source}: {field}: {count} entries is too many");
        var items = new T[count];
        var bytes = MemoryMarshal.AsBytes(items.AsSpan());
        if (r.Read(bytes) != bytes.Length) throw new InvalidDataException($"{source}: truncated perplexity baseline ({field})");
        list.AddRange(items);
    }
}
