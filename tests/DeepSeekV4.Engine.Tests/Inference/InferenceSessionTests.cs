using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Tests.Inference.Fakes;

namespace DeepSeekV4.Engine.Tests.Inference;

public class InferenceSessionTests
{
    [Fact]
    public void Import_names_the_model_after_its_file_and_makes_it_current()
    {
        using var env = new ToyEnvironment();
        Assert.Equal("toy", env.Model.Name);
        Assert.Same(env.Model, env.Session.Current);
        Assert.Same(env.Model, env.Session.Resolve(null));
        Assert.Same(env.Model, env.Session.Resolve("TOY"));
    }

    [Fact]
    public void Without_a_model_commands_fail_with_model_not_loaded()
    {
        using var env = new ToyEnvironment();
        using var empty = new InferenceSession(env.Registry);
        Assert.Throws<ModelNotLoadedException>(() => empty.Resolve(null));
        var e = Assert.Throws<ModelNotLoadedException>(() => env.Session.Resolve("other"));
        Assert.Contains("toy", e.Message);
        Assert.Equal("other", e.ModelName);
    }

    [Fact]
    public void A_name_taken_by_another_file_is_refused()
    {
        using var env = new ToyEnvironment();
        string other = env.NewFile("other.gguf");
        Assert.Throws<ModelNameInUseException>(() => env.Session.Import(other, name: "toy"));
        var second = env.Session.Import(other, name: "second", contextLength: 256, format: KvCacheFormat.Q8_0);
        Assert.Same(second, env.Session.Current);
        var info = env.Session.GetInfo(second);
        Assert.Equal(256, info.ContextLength);
        Assert.Equal(KvCacheFormat.Q8_0, info.KvCacheType);
        Assert.True(info.IsCurrent);
        Assert.False(env.Session.GetInfo(env.Model).IsCurrent);
    }

    [Fact]
    public void Importing_the_same_file_again_returns_the_model_already_there()
    {
        using var env = new ToyEnvironment();
        Assert.Same(env.Model, env.Session.Import(env.ModelPath, contextLength: 1024));
        Assert.Equal(1, env.Loader.Loads);
    }

    [Fact]
    public void Removing_the_current_model_makes_the_previous_one_current()
    {
        using var env = new ToyEnvironment();
        var second = env.Session.Import(env.NewFile("b.gguf"));
        env.Session.Remove(second);
        Assert.Same(env.Model, env.Session.Current);
        Assert.Throws<ObjectDisposedException>(() => second.Complete(new CompletionRequest { Prompt = "x" }));
    }

    [Fact]
    public void Model_info_describes_the_file_and_its_memory()
    {
        using var env = new ToyEnvironment();
        var info = env.Session.GetInfo(env.Model);
        Assert.Equal(env.ModelPath, info.Path);
        Assert.Equal("toy", info.Architecture);
        Assert.Equal(1000, info.WeightBytes);
        Assert.Equal(16 * 10 + 1024 * 10, info.KvCacheBytes);
        Assert.Equal(info.WeightBytes + info.KvCacheBytes + 100, info.MemoryBytes);
    }

    [Fact]
    public void Kv_cache_reports_cover_the_active_sequence_and_the_checkpoint()
    {
        using var env = new ToyEnvironment();
        Assert.Equal(0, Assert.Single(env.Model.GetKvCacheReports()).Tokens);
        env.Model.Complete(new CompletionRequest { Instruction = "Summarize:", Document = "doc", MaxTokens = 2 });
        var reports = env.Model.GetKvCacheReports();
        Assert.Equal(["Active", "PrefixCheckpoint"], reports.Select(r => r.Sequence));
        Assert.Equal(14, reports[1].Tokens);
        var active = reports[0];
        Assert.Equal(active.Tokens * 1000.0 / active.TotalBytes, active.SmallerThanMha, 6);
        Assert.Equal("CSA", Assert.Single(active.Layers).Attention);
        env.Model.ClearKvCache();
        Assert.Equal(0, Assert.Single(env.Model.GetKvCacheReports()).Tokens);
    }

    [Fact]
    public void Reading_the_kv_cache_reports_creates_no_sequence()
    {
        using var env = new ToyEnvironment();
        var report = Assert.Single(env.Model.GetKvCacheReports());
        Assert.Equal(("Active", 0, 0L), (report.Sequence, report.Tokens, report.TotalBytes));
        Assert.Equal(1024, report.ContextLength);
        Assert.Equal(0, env.Toy.SequencesCreated);
    }
}
