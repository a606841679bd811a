using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Gguf;

public class GgufWriterRoundTripTests
{
    /// <summary>One key per scalar type (with edge values), one array per element type, nested and empty arrays.</summary>
    internal static List<(string Key, GgufMetadataValue Value)> EveryValueType()
    {
        GgufMetadataValue V(GgufValueType t, object v) => new(t, v);
        GgufArray A(GgufValueType t, Array items) => new(t, items);
        return
        [
            ("general.architecture", V(GgufValueType.String, "deepseek4")),
            ("t.u8", V(GgufValueType.UInt8, (byte)255)),
            ("t.i8", V(GgufValueType.Int8, (sbyte)-128)),
            ("t.u16", V(GgufValueType.UInt16, (ushort)65535)),
            ("t.i16", V(GgufValueType.Int16, (short)-32768)),
            ("t.u32", V(GgufValueType.UInt32, uint.MaxValue)),
            ("t.i32", V(GgufValueType.Int32, int.MinValue)),
            ("t.f32", V(GgufValueType.Float32, -0.0f)),
            ("t.f32.nan", V(GgufValueType.Float32, BitConverter.UInt32BitsToSingle(0x7FC01234))),
            ("t.bool.true", V(GgufValueType.Bool, true)),
            ("t.bool.false", V(GgufValueType.Bool, false)),
            ("t.str.empty", V(GgufValueType.String, "")),
            ("t.str.unicode", V(GgufValueType.String, "Ġhello 世界 🙂 \u0000 end")),
            ("t.u64", V(GgufValueType.UInt64, ulong.MaxValue)),
            ("t.i64", V(GgufValueType.Int64, long.MinValue)),
            ("t.f64", V(GgufValueType.Float64, double.Epsilon)),
            ("a.u8", V(GgufValueType.Array, A(GgufValueType.UInt8, new byte[] { 0, 1, 255 }))),
            ("a.i8", V(GgufValueType.Array, A(GgufValueType.Int8, new sbyte[] { -1, 0, 127 }))),
            ("a.u16", V(GgufValueType.Array, A(GgufValueType.UInt16, new ushort[] { 1, 65535 }))),
            ("a.i16", V(GgufValueType.Array, A(GgufValueType.Int16, new short[] { -2, 3 }))),
            ("a.u32", V(GgufValueType.Array, A(GgufValueType.UInt32, new uint[] { 7, 0xDEADBEEF }))),
            ("a.i32", V(GgufValueType.Array, A(GgufValueType.Int32, new[] { -7, 1 << 30 }))),
            ("a.f32", V(GgufValueType.Array, A(GgufValueType.Float32, new[] { 1.5f, float.NegativeInfinity, float.NaN }))),
            ("a.bool", V(GgufValueType.Array, A(GgufValueType.Bool, new[] { true, false, true }))),
            ("a.str", V(GgufValueType.Array, A(GgufValueType.String, new[] { "a", "", "ü" }))),
            ("a.u64", V(GgufValueType.Array, A(GgufValueType.UInt64, new[] { 0UL, ulong.MaxValue }))),
            ("a.i64", V(GgufValueType.Array, A(GgufValueType.Int64, new[] { long.MaxValue, -1L }))),
            ("a.f64", V(GgufValueType.Array, A(GgufValueType.Float64, new[] { Math.PI, -0.0 }))),
            ("a.empty", V(GgufValueType.Array, A(GgufValueType.Float32, Array.Empty<float>()))),
            ("a.nested", V(GgufValueType.Array, A(GgufValueType.Array, new[]
            {
                A(GgufValueType.String, new[] { "x", "y" }),
                A(GgufValueType.Int32, new[] { 1, 2, 3 }),
                A(GgufValueType.Array, new[] { A(GgufValueType.Bool, new[] { true }), A(GgufValueType.UInt8, Array.Empty<byte>()) }),
                A(GgufValueType.Array, Array.Empty<GgufArray>()),
            }))),
            ("z.last.key.after.arrays", V(GgufValueType.UInt32, 42u)),
        ];
    }

    internal static byte[] RandomBytes(Random rng, long n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    [Theory]
    [InlineData(3u, null)]
    [InlineData(2u, null)]
    [InlineData(3u, 1u)]
    [InlineData(3u, 64u)]
    [InlineData(3u, 4096u)]
    public void EveryMetadataFieldAndTensorByteReadsBackIdentical(uint version, uint? alignment)
    {
        var rng = new Random(1234);
        var metadata = EveryValueType();
        if (alignment is { } a) metadata.Insert(1, ("general.alignment", new GgufMetadataValue(GgufValueType.UInt32, a)));
        // Sizes chosen so most tensors end off the alignment: padding must be inserted between them.
        var tensors = new List<(string Name, GgmlType Type, long[] Dims, byte[] Data)>
        {
            ("f32.vec", GgmlType.F32, [3], RandomBytes(rng, 12)),
            ("f16.mat", GgmlType.F16, [5, 3], RandomBytes(rng, 30)),
            ("q8_0.mat", GgmlType.Q8_0, [64, 3], RandomBytes(rng, 2 * 34 * 3)),
            ("q4_k.4d", GgmlType.Q4_K, [256, 1, 2, 1], RandomBytes(rng, 144 * 2)),
            ("empty", GgmlType.F32, [0, 4], []),
            ("bf16.last", GgmlType.BF16, [7], RandomBytes(rng, 14)),
        };

        var w = new GgufWriter { Version = version };
        foreach (var (k, v) in metadata) w.AddMetadata(k, v);
        foreach (var t in tensors) w.AddTensor(t.Name, t.Type, t.Dims, t.Data);
        var image = new MemoryStream();
        w.WriteTo(image);

        using var file = GgufFile.FromBytes(image.ToArray(), "roundtrip.gguf");
        int align = (int)(alignment ?? 32);
        Assert.Equal(version, file.Version);
        Assert.Equal(align, file.Alignment);
        Assert.Equal(metadata.Select(m => m.Key), file.MetadataKeys);
        foreach (var (k, v) in metadata) GgufValueAssert.Equal(v, file.Metadata[k], k);

        Assert.Equal(tensors.Select(t => t.Name), file.Tensors.Select(t => t.Name));
        Assert.Equal(0, file.DataStart % align);
        long expectedOffset = 0;
        foreach (var t in tensors)
        {
            var info = file.GetTensor(t.Name);
            Assert.Equal(t.Type, info.Type);
            Assert.Equal(t.Dims, info.Dimensions);
            Assert.Equal(expectedOffset, info.Offset);
            Assert.Equal(t.Data, file.GetTensorData(info).ToArray());
            expectedOffset += (t.Data.Length + align - 1) / align * align;
        }
        Assert.Equal(file.DataStart + expectedOffset, file.FileSize);
    }

    [Fact]
    public void StreamedTensorDataIsWrittenOnlyWhenTheFileIsWrittenAndInOrder()
    {
        var rng = new Random(99);
        byte[] first = RandomBytes(rng, 2 * 34 * 5), second = RandomBytes(rng, 4 * 100);
        var calls = new List<string>();
        var w = new GgufWriter();
        w.AddTensor("a", GgmlType.Q8_0, [64, 5], s => { calls.Add("a"); s.Write(first, 0, 100); s.Write(first.AsSpan(100)); });
        w.AddTensor("b", GgmlType.F32, [100], s => { calls.Add("b"); foreach (byte x in second) s.WriteByte(x); });
        Assert.Empty(calls);

        var sink = new NonSeekableStream();
        w.WriteTo(sink);
        Assert.Equal(["a", "b"], calls);

        using var file = GgufFile.FromBytes(sink.Inner.ToArray());
        Assert.Equal(first, file.GetTensorData(file.GetTensor("a")).ToArray());
        Assert.Equal(second, file.GetTensorData(file.GetTensor("b")).ToArray());
    }

    [Fact]
    public void WritingToAPathLeavesNoTemporaryFile()
    {
        string dir = Directory.CreateTempSubdirectory("gguf-writer-").FullName;
        try
        {
            string path = Path.Combine(dir, "m.gguf");
            new GgufWriter().AddMetadata("general.name", "m").AddTensor("t", GgmlType.F32, [2], new byte[8]).WriteTo(path);
            Assert.Equal(["m.gguf"], Directory.GetFiles(dir).Select(Path.GetFileName));
            using var file = GgufFile.Open(path);
            Assert.Equal("m", file.GetMetadata("general.name")!.AsString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void FileWithNoTensorsEndsAtTheAlignedDataStart()
    {
        var image = new MemoryStream();
        new GgufWriter().AddMetadata("general.name", "abc").WriteTo(image);
        // header 24 + key (8 + 12) + type 4 + string (8 + 3) = 59, padded to 64 as ggml does.
        Assert.Equal(64, image.Length);
        using var file = GgufFile.FromBytes(image.ToArray());
        Assert.Empty(file.Tensors);
        Assert.Equal(64, file.DataStart);
    }

    private sealed class NonSeekableStream : Stream
    {
        public MemoryStream Inner { get; } = new();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);
    }
}
