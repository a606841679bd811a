using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tests.Inference.Fakes;

namespace DeepSeekV4.Engine.Tests.Inference;

public class ModelRegistryTests
{
    [Fact]
    public void Sessions_importing_one_file_share_one_load_until_the_last_release()
    {
        using var env = new ToyEnvironment();
        using var a = new InferenceSession(env.Registry);
        using var b = new InferenceSession(env.Registry);
        var ma = a.Import(env.ModelPath);
        var mb = b.Import(env.ModelPath);
        Assert.Equal(1, env.Loader.Loads);
        Assert.Same(ma.Model, mb.Model);
        Assert.Equal(3, a.GetInfo(ma).SharedBy);
        a.Remove(ma);
        env.Session.Remove(env.Model);
        Assert.False(env.Toy.Disposed);
        b.Remove(mb);
        Assert.True(env.Loader.Models[0].Disposed);
        Assert.Empty(env.Registry.Loaded);
    }

    [Fact]
    public void A_model_that_does_not_fit_is_refused_with_the_numbers()
    {
        // weights 1000 B + KV 10 B/token × 100 tokens + 16 × 10 B window + 100 B scratch = 2260 B > 2000 B
        var loader = new ToyLoader();
        var registry = new ModelRegistry(loader, () => 2000);
        using var env = new ToyEnvironment();
        string path = env.NewFile("big.gguf");
        var e = Assert.Throws<ModelDoesNotFitException>(() =>
            registry.Acquire(path, 100, KvCacheFormat.Native, new ModelLoadOptions(), force: false));
        Assert.Equal(2260, e.Estimate.RequiredBytes);
        Assert.Equal(2000, e.Estimate.AvailableBytes);
        Assert.False(e.Estimate.Fits);
        Assert.Contains("2.21 KiB", e.Message);
        Assert.Contains("1.95 KiB", e.Message);
        Assert.Equal(0, loader.Loads);
    }

    [Fact]
    public void Force_loads_a_model_that_does_not_fit()
    {
        var loader = new ToyLoader();
        var registry = new ModelRegistry(loader, () => 10);
        using var env = new ToyEnvironment();
        using var lease = registry.Acquire(env.NewFile("big.gguf"), 100, KvCacheFormat.Native, new ModelLoadOptions(), force: true);
        Assert.Equal(1, loader.Loads);
    }

    [Fact]
    public void Weights_already_loaded_are_not_counted_again()
    {
        var loader = new ToyLoader();
        long available = 1_000_000;
        var registry = new ModelRegistry(loader, () => available);
        using var env = new ToyEnvironment();
        string path = env.NewFile("m.gguf");
        using var first = registry.Acquire(path, 100, KvCacheFormat.Native, new ModelLoadOptions(), false);
        available = 1500;
        var estimate = registry.Estimate(path, 100, KvCacheFormat.Native);
        Assert.True(estimate.WeightsAlreadyLoaded);
        Assert.Equal(1260, estimate.RequiredBytes);
        using var second = registry.Acquire(path, 100, KvCacheFormat.Native, new ModelLoadOptions(), false);
        Assert.Equal(1, loader.Loads);
    }

    [Fact]
    public void Estimate_adds_weights_by_type_kv_by_component_and_scratch()
    {
        var loader = new ToyLoader { WeightBytes = 4000, KvBytesPerToken = 3, Scratch = 7 };
        var registry = new ModelRegistry(loader, () => 1 << 20);
        using var env = new ToyEnvironment();
        var e = registry.Estimate(env.NewFile("m.gguf"), 1000, KvCacheFormat.Q8_0);
        Assert.Equal(new long[] { 3000, 1000 }, e.Weights.Select(w => w.Bytes));
        Assert.Equal(new[] { "F16", "F32" }, e.Weights.Select(w => w.Name));
        Assert.Equal(16 * 3 + 1000 * 3, e.KvCacheBytes);
        Assert.Equal(4000 + 3048 + 7, e.TotalBytes);
        Assert.Equal(KvCacheFormat.Q8_0, e.KvCacheType);
        Assert.True(e.Fits);
    }

    [Fact]
    public void Context_beyond_the_models_maximum_is_refused()
    {
        var registry = new ModelRegistry(new ToyLoader { MaxContextLength = 512 }, () => long.MaxValue);
        using var env = new ToyEnvironment();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => registry.Estimate(env.NewFile("m.gguf"), 513, KvCacheFormat.Native));
        Assert.Contains("513", e.Message);
        Assert.Contains("512", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named_in_the_error()
    {
        var registry = new ModelRegistry(new ToyLoader(), () => long.MaxValue);
        var e = Assert.Throws<FileNotFoundException>(() => registry.Estimate("/nonexistent/dir/model.gguf", null, KvCacheFormat.Native));
        Assert.Contains("/nonexistent/dir/model.gguf", e.Message);
    }

    [Fact]
    public void Default_context_is_the_models_maximum_capped()
    {
        var registry = new ModelRegistry(new ToyLoader { MaxContextLength = 1 << 20 }, () => long.MaxValue);
        using var env = new ToyEnvironment();
        Assert.Equal(ModelRegistry.DefaultContextLength, registry.Estimate(env.NewFile("m.gguf"), null, KvCacheFormat.Native).ContextLength);
    }
}
