using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

public class GgufParserHeaderTests
{
    [Fact]
    public void WrongMagicIsRefused() =>
        GgufRefusal.Expect([.. "GGML"u8, 3, 0, 0, 0, .. new byte[16]], "magic", 0, "expected 'GGUF'", "0x4C4D4747");

    [Fact]
    public void FileShorterThanTheMagicIsRefused() =>
        GgufRefusal.Expect("GG"u8.ToArray(), "magic", 0, "the file ends at byte 2");

    [Theory]
    [InlineData(2u)]
    [InlineData(3u)]
    public void VersionsTwoAndThreeAreRead(uint version)
    {
        using var file = GgufFile.FromBytes(new RawGgufBuilder().Header(0, 1, version).Str("k").U32(4).U32(7).ToArray());
        Assert.Equal(version, file.Version);
        Assert.Equal(7u, file.Metadata["k"].Value);
    }

    [Theory]
    [InlineData(0u, "unknown GGUF version 0")]
    [InlineData(4u, "unknown GGUF version 4")]
    [InlineData(65536u, "unknown GGUF version 65536")]
    [InlineData(1u, "GGUF version 1 is not supported")]
    public void OtherVersionsAreRefusedSayingSo(uint version, string message) =>
        GgufRefusal.Expect(new RawGgufBuilder().Header(0, 0, version).ToArray(), "version", 4, message);

    [Theory]
    [InlineData(0x01000000u, "version 1 stored big-endian")]
    [InlineData(0x02000000u, "version 2 stored big-endian")]
    [InlineData(0x03000000u, "version 3 stored big-endian")]
    public void BigEndianFilesAreRefusedSayingSo(uint versionAsReadLittleEndian, string detail) =>
        GgufRefusal.Expect(new RawGgufBuilder().Header(0, 0, versionAsReadLittleEndian).ToArray(), "version", 4,
            "big-endian GGUF files are not supported", detail);

    [Fact]
    public void TensorCountThatCannotFitIsRefusedBeforeAnyAllocation() =>
        GgufRefusal.Expect(new RawGgufBuilder().Header(ulong.MaxValue, 0).ToArray(), "tensor_count", 8, "18446744073709551615 tensor infos");

    [Fact]
    public void KeyValueCountThatCannotFitIsRefused() =>
        // 13 bytes follow: room for one key-value pair of the smallest kind, not two.
        GgufRefusal.Expect(new RawGgufBuilder().Header(0, 2).Zeros(13).ToArray(), "metadata_kv_count", 16, "2 key-value pairs");

    [Theory]
    [InlineData(7)]
    [InlineData(15)]
    [InlineData(23)]
    public void TruncatedHeaderIsRefused(int length)
    {
        byte[] image = new RawGgufBuilder().Header(0, 0).ToArray()[..length];
        var e = Assert.Throws<GgufFormatException>(() => GgufFile.FromBytes(image));
        Assert.Contains($"the file ends at byte {length}", e.Message);
    }
}
