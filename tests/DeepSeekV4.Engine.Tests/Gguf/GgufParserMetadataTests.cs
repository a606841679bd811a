using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

public class GgufParserMetadataTests
{
    private const int FirstKey = 24;

    private static RawGgufBuilder OneKey(string key, uint type) => new RawGgufBuilder().Header(0, 1).Str(key).U32(type);

    [Fact]
    public void DuplicateKeyIsRefusedAtTheSecondKey()
    {
        var b = new RawGgufBuilder().Header(0, 2).Str("a").U32(0).U8(1);
        long second = b.Position;
        GgufRefusal.Expect(b.Str("a").U32(0).U8(2).ToArray(), "metadata[1].key", second, "duplicate key 'a'");
    }

    [Fact]
    public void EmptyKeyIsRefused() =>
        GgufRefusal.Expect(OneKey("", 0).U8(0).ToArray(), "metadata[0].key", FirstKey, "empty key");

    [Fact]
    public void KeyLongerThanTheSpecificationAllowsIsRefused() =>
        GgufRefusal.Expect(OneKey(new string('k', 65536), 0).U8(0).ToArray(), "metadata[0].key", FirstKey, "65536", "65535");

    [Fact]
    public void KeyThatIsNotUtf8IsRefusedNamingTheBadByte()
    {
        byte[] image = new RawGgufBuilder().Header(0, 1).StrBytes([(byte)'a', 0xC3, (byte)'b']).U32(0).U8(0).ToArray();
        GgufRefusal.Expect(image, "metadata[0].key", FirstKey, "not valid UTF-8", "0xC3", $"offset {FirstKey + 9}");
    }

    [Fact]
    public void StringLengthBeyondTheFileIsRefused()
    {
        var b = OneKey("s", 8);
        long at = b.Position;
        GgufRefusal.Expect(b.U64(1000).Raw(1, 2, 3).ToArray(), "s", at, "string length 1000", "3 bytes that remain");
    }

    [Fact]
    public void StringValueThatIsNotUtf8IsRefused()
    {
        var b = OneKey("s", 8);
        long at = b.Position;
        GgufRefusal.Expect(b.StrBytes([0xED, 0xA0, 0x80]).ToArray(), "s", at, "not valid UTF-8"); // an encoded surrogate
    }

    [Theory]
    [InlineData(13u)]
    [InlineData(0xFFFFFFFFu)]
    public void UnknownValueTypeIsRefused(uint type) =>
        GgufRefusal.Expect(OneKey("k", type).Zeros(8).ToArray(), "k.type", FirstKey + 9, $"unknown value type {type}");

    [Fact]
    public void BoolOtherThanZeroOrOneIsRefused() =>
        GgufRefusal.Expect(OneKey("b", 7).U8(2).ToArray(), "b", FirstKey + 13, "BOOL value 2");

    [Fact]
    public void BoolArrayElementOtherThanZeroOrOneIsRefused()
    {
        var b = OneKey("b", 9).U32(7).U64(4);
        long first = b.Position;
        GgufRefusal.Expect(b.Raw(0, 1, 1, 9).ToArray(), "b[3]", first + 3, "BOOL value 9");
    }

    [Fact]
    public void UnknownArrayElementTypeIsRefused() =>
        GgufRefusal.Expect(OneKey("a", 9).U32(13).U64(0).ToArray(), "a.element_type", FirstKey + 13, "unknown array element type 13");

    [Fact]
    public void ArrayCountThatCannotFitIsRefused()
    {
        var b = OneKey("a", 9).U32(6);
        long at = b.Position;
        GgufRefusal.Expect(b.U64(3).Zeros(11).ToArray(), "a.count", at, "3 elements of Float32", "11 bytes");
    }

    [Fact]
    public void StringArrayElementThatIsNotUtf8IsRefusedNamingTheElement()
    {
        var b = OneKey("tokens", 9).U32(8).U64(3).Str("ok").Str("fine");
        long at = b.Position;
        GgufRefusal.Expect(b.StrBytes([0xFF]).ToArray(), "tokens[2]", at, "not valid UTF-8", "0xFF");
    }

    [Fact]
    public void StringCutMidCharacterIsRefusedEvenWhenTheNextLengthByteWouldCompleteIt()
    {
        // "é" is C3 A9. Element 0 ends with a lone C3; element 1 is 0xA9 = 169 bytes long, so its length field
        // starts with the byte A9: read as one run the bytes would form a valid "é".
        var b = OneKey("tokens", 9).U32(8).U64(2);
        long at = b.Position;
        byte[] image = b.StrBytes([(byte)'a', 0xC3]).Str(new string('x', 0xA9)).ToArray();
        GgufRefusal.Expect(image, "tokens[0]", at, "not valid UTF-8", "0xC3");
    }

    [Fact]
    public void StringArraysWithLongAndMultiByteElementsAreRead()
    {
        string[] items = ["", "é", new string('ü', 200), "世界🙂", new string('a', 300), "z"];
        var b = OneKey("tokens", 9).U32(8).U64((ulong)items.Length);
        foreach (var item in items) b.Str(item);
        using var file = GgufFile.FromBytes(b.ToArray());
        Assert.Equal(items, file.Metadata["tokens"].Array!.As<string>());
    }

    [Fact]
    public void ArraysNestedTooDeepAreRefused()
    {
        var b = OneKey("n", 9);
        for (int i = 0; i < MaxNesting; i++) b.U32(9).U64(1);
        long deepest = b.Position;
        GgufRefusal.Expect(b.U32(0).U64(0).ToArray(), "n[0][0][0][0][0][0][0][0]", deepest, "nested more than 8 deep");
    }

    private const int MaxNesting = GgufMetadataReader.MaxArrayNesting;

    [Fact]
    public void ArraysNestedEightDeepAreRead()
    {
        var b = OneKey("n", 9);
        for (int i = 0; i < MaxNesting - 1; i++) b.U32(9).U64(1);
        using var file = GgufFile.FromBytes(b.U32(4).U64(2).U32(5).U32(6).ToArray());
        var a = file.Metadata["n"].Array!;
        for (int i = 0; i < MaxNesting - 1; i++) a = a.As<GgufArray>()[0];
        Assert.Equal(new uint[] { 5, 6 }, a.As<uint>());
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(48u)]
    [InlineData(1u << 31)]
    public void AlignmentThatIsNotAPowerOfTwoIsRefused(uint alignment)
    {
        var b = OneKey("general.alignment", 4);
        long at = b.Position;
        GgufRefusal.Expect(b.U32(alignment).ToArray(), "general.alignment", at, $"found {alignment}");
    }

    [Fact]
    public void AlignmentOfAnotherTypeIsRefused()
    {
        var b = OneKey("general.alignment", 10);
        long at = b.Position;
        GgufRefusal.Expect(b.U64(32).ToArray(), "general.alignment", at, "must be a UINT32", "UINT64");
    }

    [Fact]
    public void ValuesStayReadableAfterTheFileIsClosedWhetherOrNotTheyWereReadBefore()
    {
        var image = new RawGgufBuilder().Header(0, 4).Str("s").U32(8).Str("héllo")
            .Str("read").U32(9).U32(8).U64(2).Str("x").Str("")
            .Str("unread").U32(9).U32(5).U64(2).U32(7).U32(unchecked((uint)-8))
            .Str("nested").U32(9).U32(9).U64(2).U32(8).U64(1).Str("in").U32(7).U64(2).Raw(1, 0).ToArray();
        var file = GgufFile.FromBytes(image, "closed.gguf");
        var s = file.Metadata["s"];
        var read = file.Metadata["read"].Array!;
        Assert.Equal(["x", ""], read.As<string>());
        var unread = file.Metadata["unread"].Array!;
        var nested = file.Metadata["nested"].Array!;
        file.Dispose();
        Assert.Equal("héllo", s.AsString());
        Assert.Equal(["x", ""], read.As<string>());
        Assert.Equal([7, -8], unread.As<int>());
        var children = nested.As<GgufArray>();
        Assert.Equal(["in"], children[0].As<string>());
        Assert.Equal([true, false], children[1].As<bool>());
    }
}
