using System.Text;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Engine.Tests.Tokenization;

public class StreamingDecoderTests
{
    private static string Stream(Tokenizer t, IEnumerable<int> ids, List<string>? chunks = null)
    {
        var decoder = t.CreateStreamingDecoder();
        var sb = new StringBuilder();
        foreach (int id in ids)
        {
            string s = decoder.Push(id);
            chunks?.Add(s);
            sb.Append(s);
        }
        string tail = decoder.Flush();
        chunks?.Add(tail);
        return sb.Append(tail).ToString();
    }

    [Theory]
    [MemberData(nameof(TokenizerFixtures.DeepSeekCaseIndexes), MemberType = typeof(TokenizerFixtures))]
    public void OneTokenAtATimeEqualsOneShotDecode(int index)
    {
        var c = TokenizerFixtures.DeepSeekCases[index];
        var chunks = new List<string>();
        Assert.Equal(TokenizerFixtures.DeepSeek.Decode(c.Ids), Stream(TokenizerFixtures.DeepSeek, c.Ids, chunks));
        // Valid text: no chunk carries a replacement character or half of a surrogate pair.
        Assert.All(chunks, s => Assert.True(s.IndexOf('\uFFFD') < 0 && !s.EnumerateRunes().Any(r => r == Rune.ReplacementChar), s));
        Assert.All(chunks, s => Assert.True(s.Length == 0 || (!char.IsHighSurrogate(s[^1]) && !char.IsLowSurrogate(s[0])), s));
    }

    [Theory]
    [MemberData(nameof(TokenizerFixtures.TinyCaseIndexes), MemberType = typeof(TokenizerFixtures))]
    public void TinyVocabularyByteTokensStreamLikeOneShot(int index)
    {
        // The tiny vocabulary spells CJK and emoji as single bytes: every multi-byte character spans several tokens.
        var c = TokenizerFixtures.TinyCases[index];
        Assert.Equal(c.Text, Stream(TokenizerFixtures.Tiny, c.Ids));
    }

    [Fact]
    public void HoldsIncompleteCharactersBack()
    {
        var t = Tokenizer.FromVocabulary(BpeMergesTests.ByteVocabulary([]));
        int[] ids = t.Encode("€"); // E2 82 AC, one token per byte
        Assert.Equal(3, ids.Length);
        var d = t.CreateStreamingDecoder();
        Assert.Equal("", d.Push(ids[0]));
        Assert.Equal("", d.Push(ids[1]));
        Assert.Equal("€", d.Push(ids[2]));
        Assert.Equal("", d.Flush());
    }

    [Fact]
    public void InvalidUtf8GivesTheSameReplacementsAsOneShot()
    {
        var t = Tokenizer.FromVocabulary(BpeMergesTests.ByteVocabulary([]));
        int ByteToken(byte b) => t.FindToken(ByteLevelMapping.ByteToChar(b).ToString())!.Value;
        byte[][] sequences =
        [
            [0xE2, 0x82, (byte)'a'],       // truncated 3-byte character, then ASCII
            [0x80, 0x80, (byte)'b'],       // stray continuation bytes
            [0xF0, 0x9F, 0x98],            // truncated at the end of the stream
            [0xC3, 0xE2, 0x82, 0xAC],      // lead byte followed by another character
            [0xED, 0xA0, 0x80],            // encoded surrogate (invalid in UTF-8)
            [0xF4, 0x90, 0x80, 0x80],      // beyond U+10FFFF
        ];
        foreach (var seq in sequences)
        {
            int[] ids = seq.Select(ByteToken).ToArray();
            string expected = Encoding.UTF8.GetString(seq);
            Assert.Equal(expected, t.Decode(ids));
            Assert.Equal(expected, Stream(t, ids));
        }
    }
}
