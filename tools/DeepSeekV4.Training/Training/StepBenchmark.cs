using System.Diagnostics;
using DeepSeekV4.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Training;

/// <summary>`bench`: times forward and forward+backward passes of a setup on random ids (no data, no optimizer).</summary>
public static class StepBenchmark
{
    public static int Run(Options o)
    {
        var setup = TrainingSetup.FromOptions(o, o.Int("vocab", 8192));
        var config = setup.ToConfig();
        var store = ParameterStore.Initialize(config, setup.Seed);
        var net = new Network(config, store, setup.Context);
        int reps = o.Int("reps", 2);
        if (o.Flag("micro")) return Micro(setup, reps);
        var ids = randint(0, setup.Vocabulary, [setup.Context + 2], dtype: ScalarType.Int64).DetachFromDisposeScope();
        var settings = new ForwardSettings { SparseIndexer = !o.Flag("dense"), IndexerLoss = true, Mtp = setup.Mtp, MtpStride = setup.MtpStride };
        Console.WriteLine($"{store.ParameterCount:N0} parameters, threads {get_num_threads()}, {setup.Context} tokens");
        for (int i = 0; i < reps; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            using (no_grad()) net.Forward(ids.narrow(0, 0, setup.Context), settings, ids.narrow(0, 1, setup.Context));
            double forward = clock.Elapsed.TotalSeconds;
            clock.Restart();
            using (var scope = NewDisposeScope())
            {
                var r = net.Forward(ids.narrow(0, 0, setup.Context), settings, ids.narrow(0, 1, setup.Context));
                var loss = nn.functional.cross_entropy(r.Logits, ids.narrow(0, 1, setup.Context));
                if (r.MtpLogits is not null) loss = loss + nn.functional.cross_entropy(r.MtpLogits, ids.narrow(0, 2, setup.Context).index_select(0, arange(0, setup.Context, setup.MtpStride, dtype: ScalarType.Int64)));
                if (r.IndexerLoss is not null) loss = loss + r.IndexerLoss;
                loss.backward();
            }
            Console.WriteLine($"forward {forward:F2}s  forward+backward {clock.Elapsed.TotalSeconds:F2}s");
        }
        return 0;
    }

    private static int Micro(TrainingSetup setup, int reps)
    {
        long t = setup.Context, d = setup.Dim, v = setup.Vocabulary;
        var w = (randn(v, d) * 0.05).requires_grad_(true);
        var e = randn(v, d).requires_grad_(true);
        var ids = randint(0, v, [t], dtype: ScalarType.Int64);
        void Time(string name, Func<Tensor> f)
        {
            for (int i = 0; i < reps; i++)
            {
                using var scope = NewDisposeScope();
                var clock = Stopwatch.StartNew();
                var loss = f();
                double fw = clock.Elapsed.TotalSeconds;
                loss.backward();
                Console.WriteLine($"{name}: forward {fw:F3}s backward {clock.Elapsed.TotalSeconds - fw:F3}s");
            }
        }
        var x = randn(t, d).requires_grad_(true);
        Time("head matmul", () => x.matmul(w.t()).sum());
        Time("head + ce", () => nn.functional.cross_entropy(x.matmul(w.t()), ids));
        Time("embedding", () => e.index_select(0, ids).sum());
        Time("embedding expand", () => e.index_select(0, ids).unsqueeze(1).expand(t, 4, d).contiguous().sum());
        return 0;
    }
}
