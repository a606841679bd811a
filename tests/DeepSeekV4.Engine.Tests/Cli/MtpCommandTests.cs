using DeepSeekV4.Cli.Commands;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Cli;

/// <summary>make-model writes MTP blocks (--mtp in the file, --mtp-file as llama.cpp's separate file); logits --mtp binds one and the logits stay the same.</summary>
public sealed class MtpCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-cli-mtp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MakeModelWritesBothMtpLayoutsAndLogitsWithMtpAreUnchanged()
    {
        string plain = Path.Combine(_dir, "plain.gguf"), nextn = Path.Combine(_dir, "nextn.gguf"), mtp = Path.Combine(_dir, "mtp-plain.gguf");
        Assert.Equal(0, CliHarness.Run(new MakeModelCommand(), "--preset", "tiny", "--layers", "3", "--experts", "8", "--weights", "f32", "--out", plain, "--mtp-file", mtp).Code);
        Assert.Equal(0, CliHarness.Run(new MakeModelCommand(), "--preset", "tiny", "--layers", "3", "--experts", "8", "--weights", "f32", "--mtp", "--out", nextn).Code);

        using (var model = DeepSeekV4Model.Load(nextn))
        {
            Assert.Equal(3, model.Config.LayerCount);
            Assert.Equal(MtpLayout.MainFile, model.Mtp!.Layout);
        }
        using (var model = DeepSeekV4Model.Load(plain, new DeepSeekV4ModelOptions { MtpPath = mtp }))
            Assert.Equal(MtpLayout.LlamaCppFile, model.Mtp!.Layout);

        string a = Path.Combine(_dir, "a.f32"), b = Path.Combine(_dir, "b.f32"), c = Path.Combine(_dir, "c.f32");
        Assert.Equal(0, CliHarness.Run(new LogitsCommand(), "--model", plain, "--tokens", "5,17,9", "--out", a).Code);
        var withMtp = CliHarness.Run(new LogitsCommand(), "--model", plain, "--mtp", mtp, "--tokens", "5,17,9", "--out", b);
        Assert.Equal(0, withMtp.Code);
        Assert.Equal(0, CliHarness.Run(new LogitsCommand(), "--model", nextn, "--tokens", "5,17,9", "--out", c).Code);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(c));
    }

    [Fact]
    public void LogitsRefusesAnMtpFileForAnotherModel()
    {
        string plain = Path.Combine(_dir, "plain.gguf"), other = Path.Combine(_dir, "other.gguf"), otherMtp = Path.Combine(_dir, "mtp-other.gguf");
        Assert.Equal(0, CliHarness.Run(new MakeModelCommand(), "--preset", "tiny", "--layers", "3", "--experts", "8", "--weights", "f32", "--out", plain).Code);
        Assert.Equal(0, CliHarness.Run(new MakeModelCommand(), "--preset", "tiny", "--layers", "3", "--experts", "16", "--weights", "f32", "--out", other, "--mtp-file", otherMtp).Code);
        Assert.ThrowsAny<Exception>(() =>
        {
            var r = CliHarness.Run(new LogitsCommand(), "--model", plain, "--mtp", otherMtp, "--tokens", "5", "--out", Path.Combine(_dir, "x.f32"));
            if (r.Code != 0) throw new InvalidOperationException(r.Err);
        });
    }

    [Fact]
    public void BenchBindsTheMtpFileAndReportsIt()
    {
        string plain = Path.Combine(_dir, "plain.gguf"), mtp = Path.Combine(_dir, "mtp-plain.gguf");
        Assert.Equal(0, CliHarness.Run(new MakeModelCommand(), "--preset", "tiny", "--layers", "3", "--experts", "8", "--weights", "f32", "--out", plain, "--mtp-file", mtp).Code);
        int tensors;
        using (var model = DeepSeekV4Model.Load(plain, new DeepSeekV4ModelOptions { MtpPath = mtp })) tensors = model.Mtp!.TensorCount;

        var run = CliHarness.Run(new BenchCommand(), "--model", plain, "--mtp", mtp, "-p", "4", "-n", "2", "--repetitions", "1", "--threads", "1", "--json");
        Assert.True(run.Code == 0, run.Err);
        var report = System.Text.Json.JsonDocument.Parse(run.Out).RootElement.GetProperty("mtp");
        Assert.Equal("LlamaCppFile", report.GetProperty("layout").GetString());
        Assert.Equal(tensors, report.GetProperty("tensors").GetInt32());
        Assert.Equal(Path.GetFullPath(mtp), report.GetProperty("path").GetString());
    }

    [Fact]
    public void ServeRefusesAMissingMtpFileNamingIt()
    {
        string plain = Path.Combine(_dir, "plain.gguf"), missing = Path.Combine(_dir, "mtp-none.gguf");
        Assert.Equal(0, CliHarness.Run(new MakeModelCommand(), "--preset", "tiny", "--layers", "3", "--experts", "8", "--weights", "f32", "--out", plain).Code);
        var run = CliHarness.Run(new ServeCommand(), "--model", plain, "--mtp", missing, "--port", "0", "--context-length", "256", "--threads", "1");
        Assert.NotEqual(0, run.Code);
        Assert.Contains("mtp-none.gguf", run.Err);
    }

    [Fact]
    public void MakeModelWritesDs4sMtpFileWhichBindsAsDs4s()
    {
        string plain = Path.Combine(_dir, "plain.gguf"), mtp = Path.Combine(_dir, "ds4-mtp.gguf");
        var run = CliHarness.Run(new MakeModelCommand(), "--preset", "tiny", "--layers", "3", "--experts", "8", "--weights", "ds4-q4", "--out", plain, "--mtp-file", mtp, "--mtp-layout", "ds4");
        Assert.True(run.Code == 0, run.Err);
        using (var file = Engine.Gguf.GgufFile.Open(mtp))
            Assert.All(file.Tensors, t => Assert.StartsWith("mtp.0.", t.Name));
        using var model = DeepSeekV4Model.Load(plain, new DeepSeekV4ModelOptions { MtpPath = mtp });
        Assert.Equal(MtpLayout.Ds4File, model.Mtp!.Layout);
        Assert.Equal(2, CliHarness.Run(new MakeModelCommand(), "--preset", "tiny", "--out", Path.Combine(_dir, "x.gguf"), "--mtp-layout", "ds4").Code);
    }
}
