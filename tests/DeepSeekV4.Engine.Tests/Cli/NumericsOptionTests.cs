using DeepSeekV4.Cli;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Engine.Tests.Cli;

public class NumericsOptionTests
{
    [Theory]
    [InlineData(null, DeepSeekV4Numerics.Fast)]
    [InlineData("fast", DeepSeekV4Numerics.Fast)]
    [InlineData("Reference", DeepSeekV4Numerics.Reference)]
    [InlineData("FLOAT", DeepSeekV4Numerics.Float)]
    public void EveryNumericsParsesCaseInsensitively(string? text, DeepSeekV4Numerics expected) =>
        Assert.Equal(expected, NumericsOption.Parse(text));

    [Fact]
    public void AnUnknownValueNamesEveryAcceptedOne()
    {
        var e = Assert.Throws<CliUsageException>(() => NumericsOption.Parse("double"));
        Assert.Equal("--numerics: 'double' is not one of fast, reference, float", e.Message);
        foreach (var name in Enum.GetNames<DeepSeekV4Numerics>()) Assert.Contains(name.ToLowerInvariant(), NumericsOption.Usage);
    }
}
