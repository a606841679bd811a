using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

internal static class GgufRefusal
{
    /// <summary>Parsing must throw the format exception naming the file, the field, the offset and (in the message) the value.</summary>
    public static GgufFormatException Expect(byte[] image, string field, long offset, params string[] messageParts)
    {
        var e = Assert.Throws<GgufFormatException>(() => GgufFile.FromBytes(image, "bad.gguf").Dispose());
        Assert.Equal("bad.gguf", e.FilePath);
        Assert.Equal(field, e.Field);
        Assert.Equal(offset, e.ByteOffset);
        Assert.StartsWith("bad.gguf: ", e.Message);
        Assert.Contains($"byte offset {offset}", e.Message);
        foreach (var part in messageParts) Assert.Contains(part, e.Message);
        return e;
    }
}
