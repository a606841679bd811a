using System.Text;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Tests.Inference;

public class DocumentReaderTests
{
    private const string Sample = "Grüße, 世界 — ok";

    [Theory]
    [InlineData("utf-8-bom")]
    [InlineData("utf-8")]
    [InlineData("utf-16le-bom")]
    [InlineData("utf-16be-bom")]
    [InlineData("utf-32le-bom")]
    public void Text_is_read_in_its_encoding(string kind)
    {
        byte[] bytes = kind switch
        {
            "utf-8-bom" => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Sample)],
            "utf-8" => Encoding.UTF8.GetBytes(Sample),
            "utf-16le-bom" => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Sample)],
            "utf-16be-bom" => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(Sample)],
            _ => [0xFF, 0xFE, 0, 0, .. new UTF32Encoding(false, false).GetBytes(Sample)],
        };
        Assert.Equal(Sample, DocumentReader.Decode(bytes, "x").Text);
    }

    [Fact]
    public void Utf16_without_a_mark_is_recognised()
    {
        Assert.Equal("plain ascii text", DocumentReader.Decode(Encoding.Unicode.GetBytes("plain ascii text"), "x").Text);
    }

    [Fact]
    public void Invalid_utf8_falls_back_to_latin1()
    {
        var d = DocumentReader.Decode([0x63, 0x61, 0x66, 0xE9], "x");
        Assert.Equal("café", d.Text);
        Assert.Equal("iso-8859-1", d.Encoding);
    }

    [Fact]
    public void Binary_content_is_refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => DocumentReader.Decode([0x7F, 0x45, 0x4C, 0x46, 0, 1, 2, 0xFF, 0, 0x80], "/tmp/a.bin"));
        Assert.Contains("/tmp/a.bin", e.Message);
    }

    [Fact]
    public void Files_over_the_limit_are_refused_with_the_sizes()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, new string('a', 2000));
            var e = Assert.Throws<DocumentTooLargeException>(() => DocumentReader.Read(path, 1000));
            Assert.Equal(2000, e.Size);
            Assert.Contains("2,000", e.Message);
            Assert.Contains("1,000", e.Message);
            Assert.Equal(new string('a', 2000), DocumentReader.Read(path).Text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_linked_document_is_measured_and_read_as_the_file_it_points_to()
    {
        string folder = Directory.CreateTempSubdirectory("dsv4-doclink-").FullName;
        try
        {
            string target = Path.Combine(folder, "notes.txt");
            string link = Path.Combine(folder, "link.txt");
            File.WriteAllText(target, new string('b', 2000));
            if (!Gguf.GgufSymbolicLinkTests.TryLink(link, target)) return;
            var e = Assert.Throws<DocumentTooLargeException>(() => DocumentReader.Read(link, 1000));
            Assert.Equal(2000, e.Size);
            Assert.Equal(new string('b', 2000), DocumentReader.Read(link).Text);

            File.Delete(target);
            var gone = Assert.Throws<FileNotFoundException>(() => DocumentReader.Read(link));
            Assert.Equal($"document not found: {link} (a symbolic link to {target}, which does not exist)", gone.Message);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => DocumentReader.Read("/nonexistent/doc.txt"));
        Assert.Equal("/nonexistent/doc.txt", e.FileName);
    }
}
