using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Gguf;

public class GgufWriterValidationTests
{
    [Fact]
    public void DuplicateKeyIsRefusedButSetMetadataReplacesInPlace()
    {
        var w = new GgufWriter().AddMetadata("a", 1).AddMetadata("b", 2);
        Assert.Throws<ArgumentException>(() => w.AddMetadata("a", 3));
        w.SetMetadata("a", "three");
        var image = new MemoryStream();
        w.WriteTo(image);
        using var file = GgufFile.FromBytes(image.ToArray());
        Assert.Equal(["a", "b"], file.MetadataKeys);
        Assert.Equal("three", file.Metadata["a"].AsString());
        Assert.Equal(GgufValueType.Int32, file.Metadata["b"].Type);
    }

    [Fact]
    public void ClrValuesMapToTheirGgufTypes()
    {
        Assert.Equal(GgufValueType.UInt32, GgufMetadataValue.From(5u).Type);
        Assert.Equal(GgufValueType.Float64, GgufMetadataValue.From(0.5).Type);
        var strings = GgufMetadataValue.From(new[] { "a" });
        Assert.Equal(GgufValueType.Array, strings.Type);
        Assert.Equal(GgufValueType.String, strings.Array!.ElementType);
        Assert.Throws<ArgumentException>(() => GgufMetadataValue.From(new decimal(1)));
        Assert.Throws<ArgumentException>(() => new GgufMetadataValue(GgufValueType.UInt32, 5));
        Assert.Throws<ArgumentException>(() => new GgufArray(GgufValueType.Int32, new uint[1]));
        Assert.Throws<ArgumentException>(() => new GgufArray(GgufValueType.String, new string[1]));
    }

    [Fact]
    public void DuplicateTensorNameIsRefused()
    {
        var w = new GgufWriter().AddTensor("t", GgmlType.F32, [1], new byte[4]);
        Assert.Throws<ArgumentException>(() => w.AddTensor("t", GgmlType.F32, [1], new byte[4]));
    }

    [Theory]
    [InlineData(GgmlType.Q8_0, new long[] { 33, 2 })]   // ne0 not a multiple of the block size 32
    [InlineData(GgmlType.F32, new long[] { 1, 1, 1, 1, 1 })]
    [InlineData(GgmlType.F32, new long[] { 4, -1 })]
    [InlineData((GgmlType)5, new long[] { 4 })]        // id 5 is unused by ggml
    public void ShapesTheReaderWouldRefuseAreRefused(GgmlType type, long[] dims)
    {
        Assert.ThrowsAny<ArgumentException>(() => new GgufWriter().AddTensor("t", type, dims, _ => { }));
    }

    [Fact]
    public void DataOfTheWrongLengthIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new GgufWriter().AddTensor("t", GgmlType.Q8_0, [32, 2], new byte[67]));
        Assert.Contains("68", e.Message);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    public void CallbackWritingTheWrongCountFails(int written)
    {
        var w = new GgufWriter().AddTensor("t", GgmlType.F32, [2], s => s.Write(new byte[written]));
        var e = Assert.Throws<InvalidOperationException>(() => w.WriteTo(new MemoryStream()));
        Assert.Contains("'t'", e.Message);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(48u)]
    [InlineData(1u << 31)]
    public void AlignmentThatIsNotAPowerOfTwoFailsOnWrite(uint alignment)
    {
        var w = new GgufWriter().AddMetadata("general.alignment", alignment);
        Assert.Throws<InvalidOperationException>(() => w.WriteTo(new MemoryStream()));
    }

    [Fact]
    public void AlignmentOfTheWrongTypeFailsOnWrite()
    {
        var w = new GgufWriter().AddMetadata("general.alignment", 32UL);
        Assert.Throws<InvalidOperationException>(() => w.WriteTo(new MemoryStream()));
    }

    [Fact]
    public void FailedWriteToPathLeavesNothingBehind()
    {
        string dir = Directory.CreateTempSubdirectory("gguf-writer-").FullName;
        try
        {
            var w = new GgufWriter().AddTensor("t", GgmlType.F32, [2], s => throw new IOException("disk gone"));
            Assert.Throws<IOException>(() => w.WriteTo(Path.Combine(dir, "m.gguf")));
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void OnlyVersionsTwoAndThreeCanBeWritten()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GgufWriter { Version = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new GgufWriter { Version = 4 });
    }
}
