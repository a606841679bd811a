using System.Text;
using DeepSeekV4.Engine.Sampling.Constraints;

namespace DeepSeekV4.Engine.Tests.Sampling.Constraints;

public class JsonAutomatonTests
{
    /// <summary>Feeds the text byte by byte: whether every byte was accepted, and whether the end is a whole document.</summary>
    internal static (bool Accepted, bool Complete) Feed(string schema, string text)
    {
        var root = schema == "any" ? JsonOutputFormat.AnyObject.Root : JsonOutputFormat.FromSchema(schema).Root;
        var links = new JsonFrameLinks();
        var state = JsonState.Start(root);
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            if (!JsonAutomaton.Advance(ref state, b, links)) return (false, false);
        }
        return (true, JsonAutomaton.IsComplete(state));
    }

    private const string Ticket = """{"type":"object","properties":{"id":{"type":"integer"},"tag":{"type":"string","maxLength":3},"ok":{"type":"boolean"}},"required":["id"]}""";

    [Theory]
    [InlineData("""{"id":12}""")]
    [InlineData("""{"id":-0,"tag":"abc"}""")]
    [InlineData("""{"id":7,"ok":false}""")]
    [InlineData("""{"id":7,"tag":"\u00e9\n","ok":true}""")]
    [InlineData("""{"id":7,"tag":"中文"}""")]
    public void Valid_compact_documents_are_accepted_whole(string doc) => Assert.Equal((true, true), Feed(Ticket, doc));

    [Theory]
    [InlineData("""{ "id":12}""")] // whitespace
    [InlineData("""{"tag":"a","id":1}""")] // not in schema order
    [InlineData("""{"id":01}""")] // leading zero
    [InlineData("""{"id":1.5}""")] // fraction in an integer
    [InlineData("""{"id":1,"tag":"abcd"}""")] // over maxLength
    [InlineData("""{"id":1,"extra":1}""")] // undeclared property
    [InlineData("""{"id":1,"ok":tru}""")]
    [InlineData("""{"id":1,"tag":"\ud800"}""")] // surrogate escape
    [InlineData("""{"id":1}x""")] // after the document
    [InlineData("""{"id":1234567890123456}""")] // more than 15 digits
    public void Invalid_documents_are_refused(string doc) => Assert.False(Feed(Ticket, doc).Accepted);

    [Fact]
    public void Missing_required_property_cannot_close_the_object()
    {
        Assert.Equal((true, false), Feed(Ticket, "{"));
        Assert.False(Feed(Ticket, "{}").Accepted);
        Assert.False(Feed(Ticket, """{"ok":true}""").Accepted);
    }

    [Fact]
    public void Invalid_utf8_is_refused_inside_strings()
    {
        var root = JsonOutputFormat.FromSchema("""{"type":"string"}""").Root;
        foreach (var bytes in new byte[][] { [0x22, 0xC0, 0x80], [0x22, 0xE0, 0x80, 0x80], [0x22, 0xED, 0xA0, 0x80], [0x22, 0xF5, 0x80], [0x22, 0x80] })
        {
            var state = JsonState.Start(root);
            var links = new JsonFrameLinks();
            Assert.False(bytes.All(b => JsonAutomaton.Advance(ref state, b, links)), Convert.ToHexString(bytes));
        }
    }

    [Fact]
    public void Min_length_prefix_is_printable_ascii_and_counts_code_points()
    {
        const string s = """{"type":"string","minLength":2,"maxLength":3}""";
        Assert.Equal((true, true), Feed(s, "\"ab\""));
        Assert.Equal((true, true), Feed(s, "\"ab\u00e9\""));
        Assert.False(Feed(s, "\"a\"").Accepted);
        Assert.False(Feed(s, "\"\u00e9ab\"").Accepted);
        Assert.False(Feed(s, "\"abcd\"").Accepted);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"a":[1,{"b":null},"x",-2.5e+3],"c":{"d":[]},"e":true}""")]
    public void Free_mode_accepts_any_object(string doc) => Assert.Equal((true, true), Feed("any", doc));

    [Theory]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("{\"a\":}")]
    [InlineData("{\"a\" :1}")]
    public void Free_mode_refuses_non_objects_and_broken_json(string doc) => Assert.False(Feed("any", doc) is (true, true));

    [Fact]
    public void Enum_literals_that_prefix_each_other_are_told_apart_by_the_next_byte()
    {
        const string s = """{"type":"object","properties":{"n":{"enum":[1,12,"a"]}},"required":["n"]}""";
        Assert.Equal((true, true), Feed(s, """{"n":1}"""));
        Assert.Equal((true, true), Feed(s, """{"n":12}"""));
        Assert.False(Feed(s, """{"n":13}""").Accepted);
        Assert.False(Feed(s, """{"n":"b"}""").Accepted);
    }

    [Fact]
    public void Type_arrays_allow_each_member_and_number_covers_integer()
    {
        const string s = """{"type":"object","properties":{"v":{"type":["integer","number","null","string"],"maxLength":2}},"required":["v"]}""";
        Assert.Equal((true, true), Feed(s, """{"v":1.5}"""));
        Assert.Equal((true, true), Feed(s, """{"v":null}"""));
        Assert.Equal((true, true), Feed(s, """{"v":"ab"}"""));
        Assert.False(Feed(s, """{"v":"abc"}""").Accepted);
        Assert.False(Feed(s, """{"v":true}""").Accepted);
    }

    [Fact]
    public void Array_bounds_hold()
    {
        const string s = """{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":2}""";
        Assert.False(Feed(s, "[]").Accepted);
        Assert.Equal((true, true), Feed(s, "[1]"));
        Assert.Equal((true, true), Feed(s, "[1,2]"));
        Assert.False(Feed(s, "[1,2,3]").Accepted);
    }
}
