using DeepSeekV4.Cli;
using DeepSeekV4.Cli.Commands;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tests.Tensors;

namespace DeepSeekV4.Engine.Tests.Cli;

/// <summary>`dsv4 dequant`: output compared with ggml's own dequantization (ggml-quants/*.dequant.f32) byte for byte.</summary>
public sealed class DequantCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dsv4-dequant-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = CliRunner.Run(new DequantCommand(), args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    public static TheoryData<string> SupportedTensors()
    {
        var data = new TheoryData<string>();
        foreach (var (tensor, type) in GgmlQuantsFixture.Tensors)
            if (Dequantizer.IsSupported(type)) data.Add(tensor);
        return data;
    }

    [Theory]
    [MemberData(nameof(SupportedTensors))]
    public void OutputIsGgmlsDequantizationByteForByte(string tensor)
    {
        string output = Path.Combine(_dir, tensor + ".f32");
        var (code, text, err) = Run(GgmlQuantsFixture.PathOf("outliers.gguf"), tensor, "--out", output);
        Assert.True(code == 0, err);
        Assert.Equal(File.ReadAllBytes(GgmlQuantsFixture.PathOf($"outliers.{tensor}.dequant.f32")), File.ReadAllBytes(output));
        Assert.Contains($"{tensor} ", text);
        Assert.Contains("8192 float32 values (32768 bytes)", text);
    }

    [Fact]
    public void ThreeDimensionalTensorIsWrittenNe0Fastest()
    {
        // blk.0.ffn_up_exps is F16 [128, 64, 16]: element (i0, i1, i2) sits at float index i0 + 128·(i1 + 64·i2).
        string output = Path.Combine(_dir, "exps.f32");
        Assert.Equal(0, Run(FixturePaths.TinyModelF16, "blk.0.ffn_up_exps.weight", "--out", output).Code);
        byte[] f16 = ReadTensorBytes(FixturePaths.TinyModelF16, "blk.0.ffn_up_exps.weight");
        var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(output));
        Assert.Equal(128 * 64 * 16, floats.Length);
        foreach (var (i0, i1, i2) in new[] { (0, 0, 0), (127, 0, 0), (5, 63, 0), (7, 3, 15), (127, 63, 15) })
        {
            int index = i0 + 128 * (i1 + 64 * i2);
            var half = BitConverter.UInt16BitsToHalf(BitConverter.ToUInt16(f16, 2 * index));
            Assert.Equal((float)half, floats[index]);
        }
    }

    private static byte[] ReadTensorBytes(string path, string tensor)
    {
        using var file = Engine.Gguf.GgufFile.Open(path);
        return file.GetTensorData(file.GetTensor(tensor)).ToArray();
    }

    [Fact]
    public void UnknownTensorIsReportedAndNothingIsWritten()
    {
        string output = Path.Combine(_dir, "x.f32");
        var (code, _, err) = Run(GgmlQuantsFixture.PathOf("normal.gguf"), "no_such_tensor", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("no_such_tensor", err);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void TypeThatCannotBeDequantizedIsReportedByName()
    {
        string output = Path.Combine(_dir, "tid2eid.f32");
        var (code, _, err) = Run(FixturePaths.TinyModelF16, "blk.0.ffn_gate_tid2eid.weight", "--out", output);
        if (Dequantizer.IsSupported(GgmlType.I32)) return; // integer tensors gained a decoder: nothing to refuse
        Assert.Equal(1, code);
        Assert.Contains("I32", err);
        Assert.Contains("blk.0.ffn_gate_tid2eid.weight", err);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Theory]
    [InlineData("f.gguf t")]
    [InlineData("f.gguf --out o.f32")]
    [InlineData("f.gguf t --out o.f32 --rows 3")]
    public void WrongUsageIsRefused(string args) => Assert.Equal(2, Run(args.Split(' ')).Code);
}
