using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using DeepSeekV4.Corpus.Chart;

namespace DeepSeekV4.Corpus.Tests;

public sealed class PngTests
{
    // Bit-at-a-time CRC-32, written from the PNG specification's definition: an independent path to the table version.
    private static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (uint)-(int)(c & 1));
        }
        return c ^ 0xFFFFFFFF;
    }

    [Fact]
    public void Crc32_gives_the_standard_check_value() => Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    private static IReadOnlyList<LossPoint> Log() =>
        LossCsv.Parse(["step,tokens,train_loss,heldout_loss", "0,0,9.1,9.0", "100,409600,6.5,", "200,819200,5.2,", "300,1228800,4.8,4.9", "400,1638400,4.5,4.6"], "log.csv");

    [Fact]
    public void Loss_chart_is_a_valid_png_whose_chunks_check_and_whose_data_holds_every_row()
    {
        var image = LossChart.Draw(Log(), "Loss");
        using var buffer = new MemoryStream();
        PngEncoder.Write(image, buffer);
        byte[] png = buffer.ToArray();

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = new List<(string Type, byte[] Data)>();
        int at = 8;
        while (at < png.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            var typeAndData = png.AsSpan(at + 4, 4 + length);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)), BitwiseCrc(typeAndData));
            chunks.Add((Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray()));
            at += 12 + length;
        }
        Assert.Equal(png.Length, at);
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        var ihdr = chunks[0].Data;
        Assert.Equal(13, ihdr.Length);
        Assert.Equal((uint)LossChart.Width, BinaryPrimitives.ReadUInt32BigEndian(ihdr));
        Assert.Equal((uint)LossChart.Height, BinaryPrimitives.ReadUInt32BigEndian(ihdr.AsSpan(4)));
        Assert.Equal(new byte[] { 8, 2, 0, 0, 0 }, ihdr[8..]);

        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress)) z.CopyTo(inflated);
        byte[] raw = inflated.ToArray();
        int stride = 1 + 3 * LossChart.Width;
        Assert.Equal(LossChart.Height * stride, raw.Length);
        for (int y = 0; y < LossChart.Height; y++) Assert.Equal(0, raw[y * stride]);
        Assert.Equal(image.Pixels, Enumerable.Range(0, LossChart.Height).SelectMany(y => raw.Skip(y * stride + 1).Take(stride - 1)).ToArray());
    }

    [Fact]
    public void Loss_chart_draws_both_curves()
    {
        var image = LossChart.Draw(Log(), "Loss");
        int train = 0, heldOut = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                if (image[x, y] == LossChart.TrainColor) train++;
                if (image[x, y] == LossChart.HeldOutColor) heldOut++;
            }
        Assert.True(train > 500 && heldOut > 300, $"{train} train pixels, {heldOut} held-out pixels");
    }

    [Theory]
    [InlineData("step,tokens,loss", "first line must be")]
    [InlineData("step,tokens,train_loss,heldout_loss\n1,2,abc,", "train_loss \"abc\" is not a finite number")]
    [InlineData("step,tokens,train_loss,heldout_loss\n1,2,3", "expected 4 comma-separated cells, found 3")]
    public void Loss_csv_errors_name_the_line_and_the_cell(string csv, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => LossCsv.Parse(csv.Split('\n'), "log.csv"));
        Assert.Contains(message, e.Message);
    }
}
