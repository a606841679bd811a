using DeepSeekV4.Cli.Serving;

namespace DeepSeekV4.Engine.Tests.Cli.Serving;

public class ServeThinkingSplitterTests
{
    private static (string Reasoning, string Answer) Split(bool thinking, params string[] chunks)
    {
        var splitter = new ThinkingSplitter(thinking);
        string reasoning = "", answer = "";
        foreach (var c in chunks)
        {
            var (r, a) = splitter.Push(c);
            reasoning += r;
            answer += a;
        }
        return (reasoning + splitter.Flush(), answer);
    }

    [Theory]
    [InlineData("plan", "</think>", "  answer")]
    [InlineData("pl", "an</th", "ink>\n answer")]
    [InlineData("plan<", "/think>", "answer")]
    public void The_marker_splits_reasoning_from_the_answer_even_across_chunks(params string[] chunks)
    {
        Assert.Equal(("plan", "answer"), Split(true, chunks));
    }

    [Fact]
    public void Without_thinking_everything_is_answer_and_without_a_marker_everything_is_reasoning()
    {
        Assert.Equal(("", " a</think>b"), Split(false, " a</think>", "b"));
        Assert.Equal(("still <thi", ""), Split(true, "still ", "<thi"));
    }
}
