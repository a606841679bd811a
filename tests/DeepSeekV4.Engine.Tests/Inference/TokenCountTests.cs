using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Tests.Inference;

public class TokenCountTests
{
    [Theory]
    [InlineData("4096", 4096)]
    [InlineData("128K", 131072)]
    [InlineData("128k", 131072)]
    [InlineData("1M", 1048576)]
    [InlineData(" 2MB ", 2097152)]
    [InlineData("64KB", 65536)]
    public void Counts_parse_with_binary_multipliers(string text, int expected) => Assert.Equal(expected, TokenCount.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("1G")]
    [InlineData("4096M")]
    [InlineData("lots")]
    public void Bad_counts_are_refused(string text)
    {
        var e = Assert.Throws<FormatException>(() => TokenCount.Parse(text));
        Assert.Contains(text, e.Message);
    }
}
