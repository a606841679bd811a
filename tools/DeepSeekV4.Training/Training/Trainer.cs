using System.Diagnostics;
using System.Globalization;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Training;

/// <summary>
/// `train`: next-token cross-entropy + the MTP block's (weighted) + the indexer's KL toward the main attention;
/// AdamW with linear warm-up and cosine decay, global-norm clipping; aux-loss-free balancing (exp_probs_b moves by
/// ±rate toward equal expert loads after every step). Data order is a function of (seed, step), the run uses a fixed
/// thread count, and checkpoints carry the optimizer, so a run is deterministic and resumable.
/// </summary>
public static class Trainer
{
    private const string LossHeader = "step,tokens,train_loss,heldout_loss\n";

    public static int Run(Options o)
    {
        string outDir = o.Required("out");
        Directory.CreateDirectory(outDir);
        string checkpointPath = Path.Combine(outDir, "checkpoint.bin");
        string? dataDir = o.String("data", "") is { Length: > 0 } d ? d : null;
        string? tokenizerPath = dataDir is null ? null : Path.Combine(dataDir, "tokenizer.gguf");
        int vocabulary = tokenizerPath is not null && File.Exists(tokenizerPath) ? VocabularyOf(tokenizerPath) : o.Int("vocab", 8192);

        TrainingSetup setup;
        ParameterStore store;
        AdamW optimizer;
        if (o.Flag("resume") && File.Exists(checkpointPath))
        {
            var loaded = Checkpoint.Load(checkpointPath, (s, p) => NewOptimizer(s, p));
            (setup, store, optimizer) = (loaded.Setup, loaded.Store, loaded.Optimizer!);
            Log(outDir, $"resumed from {checkpointPath} at step {optimizer.Steps}");
            // A longer (or shorter) schedule for the rest of the run: the rate continues from where it is, by a cosine over the new remainder.
            if (o.Flag("steps") && o.Int("steps", setup.Steps) != setup.Steps)
            {
                setup = setup.ExtendedTo(o.Int("steps", setup.Steps), optimizer.Steps);
                File.WriteAllText(Path.Combine(outDir, "setup.json"), setup.ToJson());
                Log(outDir, $"schedule changed to {setup.Steps} steps");
            }
        }
        else if (o.String("init", "") is { Length: > 0 } init)
        {
            var loaded = Checkpoint.Load(init, (s, p) => NewOptimizer(s, p));
            (setup, store, optimizer) = (loaded.Setup, loaded.Store, loaded.Optimizer!);
            setup = ContinuedFrom(setup, optimizer.Steps, o);
            // The curve continues the first run's when its loss.csv is beside the checkpoint.
            string earlier = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(init))!, "loss.csv");
            if (File.Exists(earlier)) File.Copy(earlier, Path.Combine(outDir, "loss.csv"), overwrite: true);
            else File.WriteAllText(Path.Combine(outDir, "loss.csv"), LossHeader);
            File.WriteAllText(Path.Combine(outDir, "setup.json"), setup.ToJson());
            Log(outDir, FormattableString.Invariant(
                $"continued from {init} at step {optimizer.Steps}: {setup.Steps} steps, rate {setup.ExtendedLearningRate:E2} by a cosine, {setup.MixShare:P0} of windows from {setup.MixFile ?? "-"}, context_length {setup.MaxContext}"));
        }
        else
        {
            setup = TrainingSetup.FromOptions(o, vocabulary);
            store = ParameterStore.Initialize(setup.ToConfig(), setup.Seed);
            optimizer = NewOptimizer(setup, store);
            File.WriteAllText(Path.Combine(outDir, "loss.csv"), LossHeader);
            File.WriteAllText(Path.Combine(outDir, "setup.json"), setup.ToJson());
        }
        var config = setup.ToConfig();
        manual_seed(setup.Seed);
        int maxSteps = o.Int("max-steps", setup.Steps);
        Log(outDir, $"model: {store.ParameterCount:N0} parameters, {config.LayerCount} layers {string.Join(",", setup.Ratios)}, dim {setup.Dim}, vocab {setup.Vocabulary}; " +
            $"{setup.Steps} steps × {setup.Batch} × {setup.Context} tokens, threads {get_num_threads()}");

        var train = dataDir is null ? RandomData(vocabulary, setup.Seed) : new TokenData(Path.Combine(dataDir, "train.u16"), vocabulary);
        var mix = dataDir is null || setup.MixFile is null ? null : new TokenData(Path.Combine(dataDir, setup.MixFile), vocabulary);
        var heldout = dataDir is null ? RandomData(vocabulary, setup.Seed + 1) : new TokenData(Path.Combine(dataDir, "heldout.u16"), vocabulary);
        var net = new Network(config, store, setup.Context);
        int t = setup.Context;
        var clock = Stopwatch.StartNew();

        for (long step = optimizer.Steps; step < Math.Min(setup.Steps, maxSteps); step++)
        {
            var stepClock = Stopwatch.StartNew();
            double lr = setup.LearningRateAt(step);
            optimizer.ZeroGradients();
            double lm = 0, mtp = 0, kl = 0;
            var loads = new Dictionary<int, float[]>();
            var settings = new ForwardSettings { Qat = setup.Qat, SparseIndexer = step >= setup.DenseIndexerSteps, IndexerLoss = true, Mtp = setup.Mtp, MtpStride = setup.MtpStride };
            for (int b = 0; b < setup.Batch; b++)
            {
                using var scope = NewDisposeScope();
                var source = mix is not null && TokenData.Draw(setup.Seed, step, b) < setup.MixShare ? mix : train;
                var window = tensor(source.TrainingWindow(setup.Seed, step, b, t + 2));
                var r = net.Forward(window.narrow(0, 0, t), settings, window.narrow(0, 1, t));
                var ce = nn.functional.cross_entropy(r.Logits, window.narrow(0, 1, t));
                var loss = ce;
                if (r.MtpLogits is not null)
                {
                    var ceMtp = nn.functional.cross_entropy(r.MtpLogits, window.narrow(0, 2, t).index_select(0, arange(0, t, setup.MtpStride, dtype: ScalarType.Int64)));
                    loss = loss + ceMtp * setup.MtpWeight;
                    mtp += ceMtp.item<float>() / setup.Batch;
                }
                if (r.IndexerLoss is not null)
                {
                    loss = loss + r.IndexerLoss;
                    kl += r.IndexerLoss.item<float>() / setup.Batch;
                }
                (loss / setup.Batch).backward();
                lm += ce.item<float>() / setup.Batch;
                foreach (var (layer, load) in r.Loads)
                {
                    var counts = load.data<float>().ToArray();
                    if (loads.TryGetValue(layer, out var sum)) for (int e = 0; e < sum.Length; e++) sum[e] += counts[e];
                    else loads[layer] = counts;
                }
            }
            double norm = optimizer.ClipGradients(setup.Clip);
            optimizer.Step(lr);
            BalanceExperts(store, loads, setup.BiasRate);

            long tokens = (step + 1) * setup.Batch * (long)t;
            string heldoutText = "";
            bool last = step + 1 == setup.Steps;
            if ((step + 1) % setup.EvalEvery == 0 || last)
                heldoutText = HeldoutLoss(net, heldout, t, setup.EvalWindows, setup.Qat).ToString("F4", CultureInfo.InvariantCulture);
            File.AppendAllText(Path.Combine(outDir, "loss.csv"), FormattableString.Invariant($"{step + 1},{tokens},{lm:F4},{heldoutText}\n"));
            string heldoutPart = heldoutText.Length > 0 ? " heldout " + heldoutText : "";
            Log(outDir, FormattableString.Invariant(
                $"step {step + 1}/{setup.Steps} lr {lr:E2} loss {lm:F4} mtp {mtp:F4} kl {kl:F4} |g| {norm:F2} {stepClock.Elapsed.TotalSeconds:F2}s{heldoutPart} elapsed {clock.Elapsed.TotalMinutes:F1} min"));
            if ((step + 1) % setup.CheckpointEvery == 0 || last || step + 1 == maxSteps)
                Checkpoint.Save(checkpointPath, setup, store, optimizer);
        }
        return 0;
    }

    /// <summary>
    /// A second phase on a finished run's checkpoint (weights and optimizer): --steps (the new total), --lr (the
    /// rate the phase's cosine starts from; default the rate reached), --mix-file/--mix-share (a second token file
    /// of the data folder and the share of windows drawn from it), --max-ctx (context_length written at export).
    /// </summary>
    private static TrainingSetup ContinuedFrom(TrainingSetup setup, long step, Options o)
    {
        int steps = o.Int("steps", 0);
        if (steps <= step) throw new ArgumentException($"--steps {steps}: a continued run needs a total above the checkpoint's {step} steps");
        double? rate = o.Flag("lr") ? o.Double("lr", 0) : null;
        string? mixFile = o.String("mix-file", "") is { Length: > 0 } m ? m : null;
        double share = mixFile is null ? 0 : o.Double("mix-share", 0.5);
        if (share is < 0 or > 1) throw new ArgumentException($"--mix-share {share} is not a share between 0 and 1");
        return setup.ExtendedTo(steps, step, rate) with
        {
            MixFile = mixFile,
            MixShare = share,
            MaxContext = o.Int("max-ctx", setup.MaxContext),
        };
    }

    private static AdamW NewOptimizer(TrainingSetup s, ParameterStore p) => new(p.Trainable, ParameterStore.Decays, weightDecay: s.WeightDecay);

    /// <summary>Aux-loss-free balancing (DeepSeek V3): each learned router's bias moves by ±rate toward the mean load.</summary>
    private static void BalanceExperts(ParameterStore store, Dictionary<int, float[]> loads, double rate)
    {
        using var _ = no_grad();
        foreach (var (layer, load) in loads)
        {
            double mean = load.Average();
            var step = load.Select(l => (float)(Math.Sign(mean - l) * rate)).ToArray();
            store[$"blk.{layer}.exp_probs_b.bias"].add_(tensor(step));
        }
    }

    /// <summary>Mean next-token cross-entropy over evenly spread held-out windows (no MTP, inference's top-k indexer).</summary>
    public static double HeldoutLoss(Network net, TokenData data, int length, int windows, bool qat)
    {
        double sum = 0;
        int n = 0;
        foreach (long offset in data.EvenOffsets(length + 1, windows))
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var window = tensor(data.Window(offset, length + 1));
            var r = net.Forward(window.narrow(0, 0, length), new ForwardSettings { Qat = qat });
            sum += nn.functional.cross_entropy(r.Logits, window.narrow(0, 1, length)).item<float>();
            n++;
        }
        return n == 0 ? double.NaN : sum / n;
    }

    public static int VocabularyOf(string tokenizerPath)
    {
        using var file = GgufFile.Open(tokenizerPath);
        var tokens = file.GetMetadata("tokenizer.ggml.tokens") ?? throw new InvalidDataException($"{tokenizerPath}: no tokenizer.ggml.tokens");
        return tokens.Array?.Count ?? throw new InvalidDataException($"{tokenizerPath}: tokenizer.ggml.tokens is not an array");
    }

    private static TokenData RandomData(int vocabulary, long seed)
    {
        string path = Path.Combine(Path.GetTempPath(), $"dsv4-train-random-{vocabulary}-{seed}.u16");
        if (!File.Exists(path))
        {
            var rng = new Random((int)seed);
            var bytes = new byte[2 * 200_000];
            for (int i = 0; i < bytes.Length; i += 2)
            {
                int id = rng.Next(vocabulary);
                bytes[i] = (byte)id;
                bytes[i + 1] = (byte)(id >> 8);
            }
            File.WriteAllBytes(path, bytes);
        }
        return new TokenData(path, vocabulary);
    }

    private static void Log(string outDir, string line)
    {
        string stamped = $"{DateTime.UtcNow:HH:mm:ss} {line}";
        Console.WriteLine(stamped);
        File.AppendAllText(Path.Combine(outDir, "train.log"), stamped + "\n");
    }
}
