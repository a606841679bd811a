using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Inference.Benchmarking;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Inference.Benchmarking;

public class ModelBenchmarkTests
{
    /// <summary>A clock that only moves when the fake model says a call took time.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => 1_000_000;
        public override long GetTimestamp() => Ticks;
        public void AdvanceMicroseconds(double us) => Ticks += (long)Math.Round(us);
    }

    /// <summary>
    /// A model whose calls cost virtual time: a prompt call costs <c>PromptMicrosPerToken</c> per token, a one-token
    /// call <c>DecodeMicros</c>; both grow by 10% with each sequence created, so repetitions differ predictably.
    /// </summary>
    private sealed class FakeModel(ManualClock clock) : ILanguageModel
    {
        public double PromptMicrosPerToken = 1000, DecodeMicros = 50_000;
        public int Sequences;
        public readonly List<(int Context, KvCacheFormat Format)> Created = [];
        public readonly List<int> CallSizes = [];
        public int Disposed;
        public int VocabularySize => 100;
        public int MaxContextLength => 4096;

        public IModelSequence CreateSequence(int contextLength, KvCacheFormat format)
        {
            Created.Add((contextLength, format));
            return new FakeSequence(this, 1 + 0.1 * Sequences++, contextLength, format);
        }

        public void Dispose() { }

        private sealed class FakeSequence(FakeModel model, double slowdown, int context, KvCacheFormat format) : IModelSequence
        {
            public int Length { get; private set; }
            public int ContextLength => context;
            public KvCacheFormat Format => format;

            public void Forward(ReadOnlySpan<int> tokens, Span<float> logits, bool allLogits = false,
                CancellationToken cancellationToken = default, Action<int, int>? progress = null)
            {
                Assert.Equal(model.VocabularySize, logits.Length);
                foreach (int t in tokens) Assert.InRange(t, 0, model.VocabularySize - 1);
                model.CallSizes.Add(tokens.Length);
                Length += tokens.Length;
                model._clock.AdvanceMicroseconds(slowdown * (tokens.Length == 1 ? model.DecodeMicros : tokens.Length * model.PromptMicrosPerToken));
            }

            public void Reset() => Length = 0;
            public bool CanTruncateTo(int length) => false;
            public void TruncateTo(int length) => throw new NotSupportedException();
            public IModelSequence Fork() => throw new NotSupportedException();
            public KvCacheStatistics GetStatistics() => throw new NotSupportedException();
            public void Dispose() => model.Disposed++;
        }

        private readonly ManualClock _clock = clock;
    }

    [Fact]
    public void PromptAndGenerationRatesAreTokensOverTheTimeOfEachRepetition()
    {
        var clock = new ManualClock();
        var model = new FakeModel(clock);
        var result = new ModelBenchmark(clock).Run(model, new BenchmarkOptions { PromptTokens = 64, GenerateTokens = 8, Repetitions = 3, KvCache = KvCacheFormat.Q8_0 },
            weightBytesPerToken: 1_000_000);

        // Sequence 0 is the warm-up; pp uses sequences 1..3 (slowdown 1.1, 1.2, 1.3), tg 4..6 (1.4, 1.5, 1.6).
        double[] pp = [1 / 1.1e-3, 1 / 1.2e-3, 1 / 1.3e-3];
        double[] tg = [1 / 0.07, 1 / 0.075, 1 / 0.08];
        Assert.Equal(pp.Length, result.Prompt!.TokensPerSecond.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(pp[i], result.Prompt.TokensPerSecond[i], 6);
            Assert.Equal(tg[i], result.Generation!.TokensPerSecond[i], 6);
        }
        double tgMean = tg.Average();
        Assert.Equal(tgMean, result.Generation!.Mean, 6);
        Assert.Equal(Math.Sqrt(tg.Sum(x => (x - tgMean) * (x - tgMean)) / 2), result.Generation.StdDev, 6);
        Assert.Equal(1_000_000 * tgMean, result.GenerationBandwidthBytesPerSecond, 3);
        Assert.True(result.PeakMemoryBytes > 0);
    }

    [Fact]
    public void PromptIsOneCallAndGenerationOneCallPerTokenOnFreshSequences()
    {
        var clock = new ManualClock();
        var model = new FakeModel(clock);
        new ModelBenchmark(clock).Run(model, new BenchmarkOptions { PromptTokens = 40, GenerateTokens = 5, Repetitions = 2, KvCache = KvCacheFormat.F16 }, 1);

        // warm-up: 32 prompt tokens + 1; then 2 × one 40-token call; then 2 × five 1-token calls.
        Assert.Equal([32, 1, 40, 40, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], model.CallSizes);
        Assert.Equal(5, model.Created.Count);
        Assert.All(model.Created, c => Assert.Equal((45, KvCacheFormat.F16), c));
        Assert.Equal(5, model.Disposed);
    }

    /// <summary>A model whose every forward call multiplies one small matrix per token, so a profile has something to count.</summary>
    private sealed class ProductModel : ILanguageModel, IDisposable
    {
        public readonly NativeTensorBuffer Weight = new("blk.7.w.weight", GgmlType.Q8_0, [64, 32]);
        public int VocabularySize => 10;
        public int MaxContextLength => 4096;
        public IModelSequence CreateSequence(int contextLength, KvCacheFormat format) => new Sequence(this, contextLength, format);
        public void Dispose() => Weight.Dispose();

        private sealed class Sequence(ProductModel model, int context, KvCacheFormat format) : IModelSequence
        {
            private readonly float[] _x = new float[64], _y = new float[32];
            public int Length { get; private set; }
            public int ContextLength => context;
            public KvCacheFormat Format => format;

            public void Forward(ReadOnlySpan<int> tokens, Span<float> logits, bool allLogits = false,
                CancellationToken cancellationToken = default, Action<int, int>? progress = null)
            {
                foreach (var _ in tokens) MatrixProducts.MatVec(model.Weight.View, _x, _y);
                Length += tokens.Length;
            }

            public void Reset() => Length = 0;
            public bool CanTruncateTo(int length) => false;
            public void TruncateTo(int length) => throw new NotSupportedException();
            public IModelSequence Fork() => throw new NotSupportedException();
            public KvCacheStatistics GetStatistics() => throw new NotSupportedException();
            public void Dispose() { }
        }
    }

    [Fact]
    public void AProfiledRunCountsEachTestsProductsApartAndNotTheWarmUps()
    {
        using var model = new ProductModel();
        var result = new ModelBenchmark().Run(model, new BenchmarkOptions { PromptTokens = 6, GenerateTokens = 5, Repetitions = 3, Profile = true }, 1);
        Assert.Null(ProductProfile.Active);
        long rowBytes = model.Weight.View.RowBytes;
        foreach (var (profile, tokens) in new[] { (result.PromptProfile!, 6), (result.GenerationProfile!, 5) })
        {
            var entry = Assert.Single(profile.Products.Entries);
            Assert.Equal("blk.#.w.weight", entry.Weight);
            Assert.Equal(3L * tokens, entry.Calls); // the warm-up's 6 + 1 calls are not in either test
            Assert.Equal(3L * tokens * 32 * rowBytes, entry.Bytes);
            Assert.Equal(3 * tokens, profile.Tokens);
            Assert.InRange(profile.Products.ProductSeconds, 0, profile.WallSeconds);
            Assert.InRange(profile.OutsideProductsShare, 0, 1);
        }

        // Unprofiled, inside a caller's own profile: the caller's profile sees the products and is still active after.
        var outer = new ProductProfile();
        ProductProfile.Active = outer;
        try
        {
            var plain = new ModelBenchmark().Run(model, new BenchmarkOptions { PromptTokens = 6, GenerateTokens = 5, Repetitions = 1, WarmUp = false }, 1);
            Assert.Null(plain.PromptProfile);
            Assert.Null(plain.GenerationProfile);
            Assert.Same(outer, ProductProfile.Active);
            Assert.Equal(6L + 5, Assert.Single(outer.Entries).Calls);
        }
        finally
        {
            ProductProfile.Active = null;
        }
    }

    [Fact]
    public void ZeroTokensSkipsThatTestAndTooLongAContextIsRefused()
    {
        var clock = new ManualClock();
        var result = new ModelBenchmark(clock).Run(new FakeModel(clock), new BenchmarkOptions { PromptTokens = 0, GenerateTokens = 4, Repetitions = 1, WarmUp = false }, 1);
        Assert.Null(result.Prompt);
        Assert.Equal(0, result.Generation!.StdDev);

        var e = Assert.Throws<ArgumentException>(() => new ModelBenchmark(clock).Run(new FakeModel(clock), new BenchmarkOptions { PromptTokens = 4000, GenerateTokens = 128 }, 1));
        Assert.Contains("4128", e.Message);
    }
}
