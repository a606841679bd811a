using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Engine.Tests.Gguf;

public class GgufParserTensorInfoTests
{
    private const int FirstInfo = 24;

    /// <summary>A file with the given tensor infos (no metadata) followed by the aligned data section of <paramref name="dataBytes"/> bytes.</summary>
    private static byte[] WithTensors(int dataBytes, params (string Name, uint Type, ulong Offset, long[] Dims)[] infos)
    {
        var b = new RawGgufBuilder().Header((ulong)infos.Length, 0);
        foreach (var t in infos) b.TensorInfo(t.Name, t.Type, t.Offset, t.Dims);
        return b.PadTo(32).Zeros(dataBytes).ToArray();
    }

    private static long OffsetFieldOf(int nameBytes, int nDims) => FirstInfo + 8 + nameBytes + 4 + 8 * nDims + 4;

    [Fact]
    public void ValidTensorsAreReadWithTheirPlace()
    {
        byte[] image = WithTensors(64 + 34, ("a", 0, 0, [3, 2]), ("b", 8, 32 * 2, [32]), ("s", 0, 32, [])); // a: 24 bytes; s: a 0-dim scalar
        using var file = GgufFile.FromBytes(image);
        Assert.Equal(new[] { "a", "b", "s" }, file.Tensors.Select(t => t.Name));
        Assert.Equal(24, file.GetTensor("a").ByteSize);
        Assert.Equal(34, file.GetTensor("b").ByteSize);
        Assert.Equal(4, file.GetTensor("s").ByteSize);
        Assert.Equal(GgmlType.Q8_0, file.GetTensor("b").Type);
        Assert.Equal(file.DataStart + 64, file.GetTensor("b").FileOffset);
    }

    [Fact]
    public void DuplicateTensorNameIsRefused()
    {
        var b = new RawGgufBuilder().Header(2, 0).TensorInfo("t", 0, 0, 1);
        long second = b.Position;
        GgufRefusal.Expect(b.TensorInfo("t", 0, 32, 1).PadTo(32).Zeros(64).ToArray(), "tensor[1].name", second, "duplicate tensor name 't'");
    }

    [Fact]
    public void EmptyTensorNameIsRefused() =>
        GgufRefusal.Expect(WithTensors(32, ("", 0, 0, [1])), "tensor[0].name", FirstInfo, "empty tensor name");

    [Fact]
    public void TensorNameLongerThanTheSpecificationAllowsIsRefused() =>
        GgufRefusal.Expect(WithTensors(32, (new string('n', 65), 0, 0, [1])), "tensor[0].name", FirstInfo, "65", "64 bytes");

    [Fact]
    public void TensorNameThatIsNotUtf8IsRefused()
    {
        byte[] image = new RawGgufBuilder().Header(1, 0).StrBytes([0x80]).U32(1).U64(1).U32(0).U64(0).PadTo(32).Zeros(32).ToArray();
        GgufRefusal.Expect(image, "tensor[0].name", FirstInfo, "not valid UTF-8");
    }

    [Fact]
    public void MoreThanFourDimensionsAreRefused() =>
        GgufRefusal.Expect(WithTensors(32, ("t", 0, 0, [1, 1, 1, 1, 1])), "t.n_dims", FirstInfo + 9, "5 dimensions");

    [Fact]
    public void NegativeDimensionIsRefused() =>
        GgufRefusal.Expect(WithTensors(32, ("t", 0, 0, [4, -3])), "t.ne[1]", FirstInfo + 9 + 4 + 8, "dimension -3 is negative");

    [Fact]
    public void ElementCountOverflowIsRefused() =>
        GgufRefusal.Expect(WithTensors(32, ("t", 0, 0, [1L << 32, 1L << 32])), "t.ne[1]", FirstInfo + 9 + 4 + 8, "overflow");

    [Fact]
    public void ByteSizeOverflowIsRefused() =>
        // 2^61 F64 elements fit in int64 as a count but not as 8-byte values.
        GgufRefusal.Expect(WithTensors(32, ("t", 28, 0, [1, 1L << 61])), "t.ne", FirstInfo + 9 + 4, "overflows int64");

    [Theory]
    [InlineData(5u)]
    [InlineData(31u)]
    [InlineData(1000u)]
    public void UnknownTypeIdIsRefused(uint type) =>
        GgufRefusal.Expect(WithTensors(32, ("t", type, 0, [1])), "t.type", FirstInfo + 9 + 4 + 8, $"unknown ggml type id {type}");

    [Fact]
    public void RowLengthThatIsNotAWholeNumberOfBlocksIsRefused() =>
        GgufRefusal.Expect(WithTensors(64, ("t", 12, 0, [255, 1])), "t.ne[0]", FirstInfo + 9 + 4, "ne0 = 255", "Q4_K", "block size 256");

    [Fact]
    public void UnalignedOffsetIsRefused() =>
        GgufRefusal.Expect(WithTensors(64, ("t", 0, 16, [1])), "t.offset", OffsetFieldOf(1, 1), "offset 16", "alignment 32");

    [Fact]
    public void OffsetBeyondTheFileIsRefused() =>
        GgufRefusal.Expect(WithTensors(32, ("t", 0, 1UL << 63, [1])), "t.offset", OffsetFieldOf(1, 1), "9223372036854775808", "beyond the end");

    [Fact]
    public void DataRunningPastTheEndOfTheFileIsRefused() =>
        GgufRefusal.Expect(WithTensors(32, ("t", 0, 0, [9])), "t.offset", OffsetFieldOf(1, 1), "+ 36)", "outside the 96-byte file");

    [Fact]
    public void OverlappingTensorsAreRefused()
    {
        byte[] image = WithTensors(96, ("a", 0, 0, [16]), ("b", 0, 32, [16]), ("c", 0, 32, [1]));
        // a: [0, 64), b: [32, 96) → b overlaps a.
        var e = Assert.Throws<GgufFormatException>(() => GgufFile.FromBytes(image));
        Assert.Equal("b.offset", e.Field);
        Assert.Contains("overlaps tensor 'a'", e.Message);
    }

    [Fact]
    public void OverlapIsFoundWhateverTheOrderOfTheInfos()
    {
        byte[] image = WithTensors(128, ("late", 0, 64, [16]), ("early", 0, 0, [24]));
        var e = Assert.Throws<GgufFormatException>(() => GgufFile.FromBytes(image));
        Assert.Contains("overlaps tensor 'early'", e.Message);
    }

    [Fact]
    public void EmptyTensorsMayShareAnOffset()
    {
        using var file = GgufFile.FromBytes(WithTensors(32, ("a", 0, 0, [0]), ("b", 0, 0, [8])));
        Assert.Equal(0, file.GetTensor("a").ByteSize);
    }

    [Fact]
    public void TensorsInAnyOrderAndWithGapsAreRead()
    {
        using var file = GgufFile.FromBytes(WithTensors(160, ("second", 0, 128, [8]), ("first", 0, 0, [8])));
        Assert.Equal(128, file.GetTensor("second").Offset);
    }

    [Fact]
    public void DataSectionStartingBeyondTheFileIsRefused()
    {
        // An empty tensor needs no bytes, but the data section it lives in must start inside the file.
        byte[] image = new RawGgufBuilder().Header(1, 0).TensorInfo("t", 0, 0, 0).ToArray();
        GgufRefusal.Expect(image, "data_start", image.Length, "starts at byte 64", "beyond the end of the 57-byte file");
    }

    [Fact]
    public void FileWithoutTensorsMayEndBeforeThePadding()
    {
        byte[] image = new RawGgufBuilder().Header(0, 1).Str("k").U32(0).U8(7).ToArray();
        using var file = GgufFile.FromBytes(image);
        Assert.Equal(image.Length, file.DataStart);
    }

    [Fact]
    public void CustomAlignmentPlacesTheDataSection()
    {
        var b = new RawGgufBuilder().Header(1, 1).Str("general.alignment").U32(4).U32(256).TensorInfo("t", 0, 0, 1).PadTo(256);
        long dataStart = b.Position;
        using var file = GgufFile.FromBytes(b.Zeros(256).ToArray());
        Assert.Equal(256, file.Alignment);
        Assert.Equal(dataStart, file.DataStart);
    }

    [Fact]
    public void A_row_whose_byte_size_overflows_int64_is_refused_before_its_size_is_used()
    {
        // 2^62 F32 values: the element count fits int64 but the row's bytes (2^64) do not; the size used to wrap.
        byte[] image = WithTensors(64, ("huge", 0, 0, [1L << 62]));
        var e = Assert.Throws<GgufFormatException>(() => GgufFile.FromBytes(image));
        Assert.Contains("huge.ne[0]", e.Message);
        Assert.Contains("int64", e.Message);
    }
}
