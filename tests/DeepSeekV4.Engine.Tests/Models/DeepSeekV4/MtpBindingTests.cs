using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

namespace DeepSeekV4.Engine.Tests.Models.DeepSeekV4;

/// <summary>
/// MTP blocks from the three places files keep them (the main file's nextn block, llama.cpp's separate MTP file,
/// ds4's mtp.0.* file) bind onto the main model shape-checked against its configuration; files that do not fit are
/// refused naming the file and the tensor or key; the main model's logits do not change with an MTP block bound.
/// </summary>
public sealed class MtpBindingTests : IDisposable
{
    private const ulong Seed = 5;
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-mtp-").FullName;
    private static readonly SyntheticModelSpec Spec = SyntheticModelSpec.ForPreset(SyntheticPreset.Tiny, layers: 4, experts: 8);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteMain(string mix, bool mtp = false, SyntheticModelSpec? spec = null)
    {
        string path = Path.Combine(_dir, $"main-{mix}-{mtp}-{Guid.NewGuid():N}.gguf");
        SyntheticModelWriter.Write(path, (spec ?? Spec) with { Mtp = mtp }, SyntheticWeightMixes.Parse(mix), Seed);
        return path;
    }

    private string WriteMtp(string mix, MtpLayout layout, SyntheticModelSpec? spec = null)
    {
        string path = Path.Combine(_dir, $"mtp-{layout}-{mix}-{Guid.NewGuid():N}.gguf");
        SyntheticModelWriter.WriteMtpFile(path, spec ?? Spec, SyntheticWeightMixes.Parse(mix), Seed, layout);
        return path;
    }

    public static TheoryData<string, MtpLayout> Layouts() => new()
    {
        { "f32", MtpLayout.MainFile }, { "converter", MtpLayout.MainFile }, { "ds4-q2", MtpLayout.MainFile },
        { "f32", MtpLayout.LlamaCppFile }, { "converter", MtpLayout.LlamaCppFile }, { "q8_0", MtpLayout.LlamaCppFile },
        { "f32", MtpLayout.Ds4File }, { "ds4-q2", MtpLayout.Ds4File }, { "ds4-q4", MtpLayout.Ds4File },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EveryLayoutBindsWithTheMainModelsShapesAndIsReported(string mix, MtpLayout layout)
    {
        string main = WriteMain(mix, mtp: layout == MtpLayout.MainFile);
        string? mtpFile = layout == MtpLayout.MainFile ? null : WriteMtp(mix, layout);
        using var model = DeepSeekV4Model.Load(main, new DeepSeekV4ModelOptions { MtpPath = mtpFile });

        var c = model.Config;
        Assert.Equal(Spec.LayerCount, c.LayerCount);
        var mtp = Assert.IsType<DeepSeekV4MtpWeights>(model.Weights.Mtp);
        long d = c.HiddenSize;
        Assert.Equal(c.LayerCount, mtp.Block.Layer);
        Assert.Equal([d, c.QLoraRank], mtp.Block.Attention.QueryA.Shape);
        Assert.Equal(c.ExpertCount, mtp.Block.Moe.Gate.Length);
        Assert.Equal([d, (long)c.ExpertFeedForwardLength], mtp.Block.Moe.Gate[0].Shape);
        Assert.Null(mtp.Block.Attention.Compressor);    // the MTP block attends over its window only
        Assert.Null(mtp.Block.Moe.TokenExperts);         // and routes by score, not by hash
        Assert.Equal(d, mtp.EmbeddingNorm.Length);
        Assert.Equal(d, mtp.HiddenNorm.Length);
        Assert.Equal(d, mtp.HeadNorm!.Length);
        if (layout == MtpLayout.Ds4File)
        {
            Assert.Null(mtp.EhProjection);
            Assert.Equal([d, d], mtp.EmbeddingProjection!.Shape);
            Assert.Equal([d, d], mtp.HiddenProjection!.Shape);
        }
        else Assert.Equal([2 * d, d], mtp.EhProjection!.Shape);
        if (layout == MtpLayout.MainFile) Assert.Null(mtp.HeadMixer);
        else Assert.Equal([c.HyperConnectionCount * d, (long)c.HyperConnectionCount], mtp.HeadMixer!.Function.Shape);

        // The report: where from, and every tensor of the block counted once.
        var info = Assert.IsType<MtpBlockInfo>(model.Mtp);
        Assert.Equal(layout, info.Layout);
        Assert.Equal(Path.GetFullPath(mtpFile ?? main), info.Path);
        using var file = GgufFile.Open(mtpFile ?? main);
        var expected = layout == MtpLayout.MainFile
            ? file.Tensors.Where(t => t.Name.StartsWith($"blk.{c.LayerCount}.", StringComparison.Ordinal)).ToList()
            : file.Tensors.ToList();
        Assert.Equal(expected.Count, info.TensorCount);
        Assert.Equal(expected.Sum(t => t.ByteSize), info.Bytes);
    }

    [Fact]
    public void AModelWithoutMtpReportsNone()
    {
        using var model = DeepSeekV4Model.Load(WriteMain("f32"));
        Assert.Null(model.Weights.Mtp);
        Assert.Null(model.Mtp);
    }

    [Theory]
    [InlineData(MtpLayout.LlamaCppFile)]
    [InlineData(MtpLayout.Ds4File)]
    public void AnMtpFileForAnotherModelIsRefusedNamingTheFileAndTensor(MtpLayout layout)
    {
        string other = WriteMtp("f32", layout, Spec with { ExpertCount = 16 });
        using var model = DeepSeekV4Model.Load(WriteMain("f32"));
        var e = Assert.Throws<UnsupportedModelException>(() => model.BindMtp(other));
        Assert.Contains(other, e.Message);
        Assert.Contains(layout == MtpLayout.Ds4File ? "mtp.0." : $"blk.{Spec.LayerCount}.", e.Message);
        Assert.Contains("expected shape", e.Message);
        Assert.Null(model.Mtp);   // the model is left as it was
    }

    [Fact]
    public void ALlamaCppMtpFileForAModelWithOtherLayersIsRefusedByItsBlockCount()
    {
        string other = WriteMtp("f32", MtpLayout.LlamaCppFile, SyntheticModelSpec.ForPreset(SyntheticPreset.Tiny, layers: 6, experts: 8));
        using var model = DeepSeekV4Model.Load(WriteMain("f32"));
        var e = Assert.Throws<UnsupportedModelException>(() => model.BindMtp(other));
        Assert.Contains(other, e.Message);
        Assert.Contains("deepseek4.block_count", e.Message);
    }

    [Fact]
    public void AnMtpFileForAnotherWidthIsRefusedByItsEmbeddingLength()
    {
        string other = WriteMtp("f32", MtpLayout.LlamaCppFile, Spec with { EmbeddingLength = 256 });
        using var model = DeepSeekV4Model.Load(WriteMain("f32"));
        var e = Assert.Throws<UnsupportedModelException>(() => model.BindMtp(other));
        Assert.Contains(other, e.Message);
        Assert.Contains("deepseek4.embedding_length", e.Message);
    }

    [Theory]
    [InlineData(MtpLayout.Ds4File, "mtp.0.hnorm.weight")]
    [InlineData(MtpLayout.Ds4File, "mtp.0.ffn_down_exps.weight")]
    [InlineData(MtpLayout.LlamaCppFile, "output_hc_fn.weight")]
    [InlineData(MtpLayout.LlamaCppFile, "blk.4.nextn.enorm.weight")]
    public void AMissingTensorIsRefusedNamingTheFileAndTensor(MtpLayout layout, string missing)
    {
        var tensors = SyntheticTensorPlan.BuildMtpFile(Spec, SyntheticWeightMix.F32, layout).Where(t => t.Name != missing).ToList();
        Assert.Equal(SyntheticTensorPlan.BuildMtpFile(Spec, SyntheticWeightMix.F32, layout).Count - 1, tensors.Count);
        string path = Path.Combine(_dir, $"incomplete-{layout}.gguf");
        // The model's metadata with the MTP block counted, as llama.cpp's MTP file carries it.
        var writer = SyntheticModelWriter.CreateWriter(Spec with { Mtp = true }, SyntheticWeightMix.F32, Seed, tensors);
        writer.WriteTo(path);

        using var model = DeepSeekV4Model.Load(WriteMain("f32"));
        var e = Assert.Throws<UnsupportedModelException>(() => model.BindMtp(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(missing, e.Message);
        Assert.Contains("absent", e.Message);
    }

    [Fact]
    public void AWrongShapeInTheMainFilesNextnBlockIsRefusedAtLoad()
    {
        var spec = Spec with { Mtp = true };
        var tensors = SyntheticTensorPlan.Build(spec, SyntheticWeightMix.F32)
            .Select(t => t.Name == "blk.4.nextn.eh_proj.weight" ? t with { Dimensions = [spec.EmbeddingLength, spec.EmbeddingLength] } : t).ToList();
        string path = Path.Combine(_dir, "bad-nextn.gguf");
        SyntheticModelWriter.CreateWriter(spec, SyntheticWeightMix.F32, Seed, tensors).WriteTo(path);
        var e = Assert.Throws<UnsupportedModelException>(() => DeepSeekV4Model.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("blk.4.nextn.eh_proj.weight", e.Message);
    }

    [Fact]
    public void AFileWithoutAnMtpBlockIsRefused()
    {
        string notMtp = Path.Combine(_dir, "empty.gguf");
        var writer = new GgufWriter();
        writer.AddMetadata("general.architecture", "deepseek4");
        writer.WriteTo(notMtp);
        using var model = DeepSeekV4Model.Load(WriteMain("f32"));
        var e = Assert.Throws<UnsupportedModelException>(() => model.BindMtp(notMtp));
        Assert.Contains(notMtp, e.Message);
        Assert.Contains("blk.4.nextn.eh_proj.weight", e.Message);
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("ds4-q2")]
    public void TheMainModelsLogitsAreBitIdenticalWithAndWithoutMtp(string mix)
    {
        string plain = WriteMain(mix), withNextn = WriteMain(mix, mtp: true);
        float[] Logits(string path, string? mtpFile)
        {
            using var model = DeepSeekV4Model.Load(path, new DeepSeekV4ModelOptions { MtpPath = mtpFile });
            Assert.Equal(path == withNextn || mtpFile != null, model.Mtp != null);
            using var sequence = model.CreateSequence(64);
            int[] prompt = [5, 17, 99, 3, 42, 7, 250, 11];
            var logits = new float[prompt.Length * model.VocabularySize];
            sequence.Forward(prompt, logits, allLogits: true);
            return logits;
        }
        var reference = Logits(plain, null);
        Assert.Equal(reference, Logits(withNextn, null));
        Assert.Equal(reference, Logits(plain, WriteMtp(mix, MtpLayout.LlamaCppFile)));
        Assert.Equal(reference, Logits(plain, WriteMtp(mix, MtpLayout.Ds4File)));
    }

    [Fact]
    public void ModelInfoReportsTheMtpBlockAndItsSource()
    {
        string main = WriteMain("f32"), mtp = WriteMtp("f32", MtpLayout.LlamaCppFile);
        var registry = new ModelRegistry(DeepSeekV4ModelLoader.Instance, () => long.MaxValue);
        using var session = new InferenceSession(registry);
        var plain = session.Import(main, "plain");
        Assert.Null(session.GetInfo(plain).Mtp);
        var with = session.Import(main, "with-mtp", options: new ModelLoadOptions { MtpPath = mtp });
        var info = Assert.IsType<MtpBlockInfo>(session.GetInfo(with).Mtp);
        Assert.Equal(MtpLayout.LlamaCppFile, info.Layout);
        Assert.Equal(Path.GetFullPath(mtp), info.Path);
        Assert.True(info.TensorCount > 20 && info.Bytes > 0);
        Assert.Equal(2, registry.Loaded.Count);   // the model with its MTP file is another set of weights
        Assert.Equal(Path.GetFullPath(main), session.GetInfo(with).Path);

        string nextn = WriteMain("f32", mtp: true);
        var own = session.Import(nextn, "nextn");
        Assert.Equal(MtpLayout.MainFile, session.GetInfo(own).Mtp!.Layout);
        Assert.Equal(Path.GetFullPath(nextn), session.GetInfo(own).Mtp!.Path);
    }
}
