using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Engine.Tests.Inference.Fakes;

/// <summary>
/// A deterministic model for tests: the most likely next token is <see cref="Next"/>(context), three logits above
/// every other ordinary token (so sampling at temperature 1 still varies). It has <see cref="Layers"/> "layers"
/// between which it checks cancellation and calls <see cref="OnLayer"/>. Its sequences can be cut back only to a
/// multiple of <see cref="Block"/> no more than <see cref="Window"/> tokens back, like a compressor with a window.
/// </summary>
public sealed class ToyModel(Func<IReadOnlyList<int>, int> next) : ILanguageModel
{
    public const float Lead = 3f;

    private int _tokensComputed;
    private int _forwardCalls;
    private int _sequencesCreated;

    public Func<IReadOnlyList<int>, int> Next { get; } = next;
    public int Layers { get; init; } = 4;
    public int Block { get; init; } = 4;
    public int Window { get; init; } = 16;
    public int VocabularySize => ByteTokenizer.VocabularySize;
    public int MaxContextLength { get; init; } = 4096;

    /// <summary>Called before each layer of each forward call with (call number from 1, layer).</summary>
    public Action<int, int>? OnLayer { get; set; }

    public int TokensComputed => Volatile.Read(ref _tokensComputed);
    public int ForwardCalls => Volatile.Read(ref _forwardCalls);
    public bool Disposed { get; private set; }

    public IModelSequence CreateSequence(int contextLength, KvCacheFormat format)
    {
        Interlocked.Increment(ref _sequencesCreated);
        return new Sequence(this, contextLength, format);
    }

    public int SequencesCreated => Volatile.Read(ref _sequencesCreated);

    public void Dispose() => Disposed = true;

    /// <summary>Next(context) as logits.</summary>
    public static void Logits(int best, Span<float> logits)
    {
        logits.Fill(0);
        logits[ByteTokenizer.Bos] = -30;
        logits[best] = Lead;
    }

    /// <summary>The rule most tests use: a letter chosen by a position-weighted sum of the whole context.</summary>
    public static int WeightedSumLetter(IReadOnlyList<int> context)
    {
        long sum = 0;
        for (int i = 0; i < context.Count; i++) sum += (long)(i + 1) * context[i];
        return ByteTokenizer.ByteToken((byte)('a' + sum % 26));
    }

    /// <summary>A rule that writes <paramref name="script"/> (token ids) after the prompt, then EOS.</summary>
    public static Func<IReadOnlyList<int>, int> Script(int[] script) => context =>
    {
        int assistant = LastIndexOf(context, ByteTokenizer.Assistant);
        int written = Math.Max(0, context.Count - assistant - 2);
        return written < script.Length ? script[written] : ByteTokenizer.Eos;
    };

    private static int LastIndexOf(IReadOnlyList<int> list, int value)
    {
        for (int i = list.Count - 1; i >= 0; i--) if (list[i] == value) return i;
        return -1;
    }

    private sealed class Sequence(ToyModel model, int contextLength, KvCacheFormat format) : IModelSequence
    {
        private readonly List<int> _tokens = [];

        public int Length => _tokens.Count;
        public int ContextLength => contextLength;
        public KvCacheFormat Format => format;

        public void Forward(ReadOnlySpan<int> tokens, Span<float> logits, bool allLogits = false,
            CancellationToken cancellationToken = default, Action<int, int>? progress = null)
        {
            if (Length + tokens.Length > contextLength)
                throw new InvalidOperationException($"context overflow: {Length} + {tokens.Length} > {contextLength}");
            int call = Interlocked.Increment(ref model._forwardCalls);
            for (int layer = 0; layer < model.Layers; layer++)
            {
                model.OnLayer?.Invoke(call, layer);
                cancellationToken.ThrowIfCancellationRequested();
            }
            _tokens.AddRange(tokens);
            Interlocked.Add(ref model._tokensComputed, tokens.Length);
            progress?.Invoke(tokens.Length, tokens.Length);
            Logits(model.Next(_tokens), logits);
        }

        public void Reset() => _tokens.Clear();

        public bool CanTruncateTo(int length) =>
            length == Length || (length >= 0 && length < Length && length % model.Block == 0 && Length - length <= model.Window);

        public void TruncateTo(int length)
        {
            if (!CanTruncateTo(length)) throw new InvalidOperationException($"cannot truncate {Length} to {length}");
            _tokens.RemoveRange(length, Length - length);
        }

        public IModelSequence Fork()
        {
            var copy = new Sequence(model, contextLength, format);
            copy._tokens.AddRange(_tokens);
            return copy;
        }

        public KvCacheStatistics GetStatistics() => new(format, Length, contextLength,
            WindowBytes: Math.Min(Length, model.Window) * 10L, CsaEntryBytes: Length / 4 * 6L, IndexerKeyBytes: Length / 4 * 2L,
            HcaEntryBytes: Length / 128 * 6L, CompressorStateBytes: 100, ReservedBytes: 0,
            Layers: [new KvCacheLayerStatistics(0, 4, Math.Min(Length, model.Window), Length / 4, Math.Min(Length, model.Window) * 10L, Length / 4 * 6L, Length / 4 * 2L, 100)],
            UncompressedMhaBytes: Length * 1000L, Gqa8Bytes: Length * 200L, MlaBytes: Length * 50L);

        public void Dispose()
        {
        }
    }
}
