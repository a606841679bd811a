using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Tests.Inference;

public class StopStringMatcherTests
{
    private static (string Text, string Emitted, bool Stopped) Feed(string[] stops, params string[] chunks)
    {
        var m = new StopStringMatcher(stops);
        var emitted = "";
        foreach (var c in chunks)
        {
            bool stopped = m.Append(c);
            emitted += m.TakeEmittable();
            if (stopped) break;
        }
        m.Finish();
        emitted += m.TakeEmittable();
        return (m.Text, emitted, m.Stopped);
    }

    [Fact]
    public void Stop_split_over_chunks_is_found_and_cut()
    {
        var r = Feed(["</answer>"], "The result", " is 4</", "ans", "wer> trailing");
        Assert.Equal("The result is 4", r.Text);
        Assert.Equal("The result is 4", r.Emitted);
        Assert.True(r.Stopped);
    }

    [Fact]
    public void The_earliest_of_several_stops_wins()
    {
        var r = Feed(["END", "STOP"], "a STOP b END");
        Assert.Equal("a ", r.Text);
    }

    [Fact]
    public void A_held_prefix_is_released_when_it_does_not_complete()
    {
        var m = new StopStringMatcher(["###"]);
        m.Append("x ##");
        Assert.Equal("x ", m.TakeEmittable());
        m.Append(" y");
        Assert.Equal("## y", m.TakeEmittable());
    }

    [Fact]
    public void Held_text_is_released_at_the_end()
    {
        var r = Feed(["###"], "x #");
        Assert.Equal("x #", r.Emitted);
        Assert.False(r.Stopped);
    }

    [Fact]
    public void Without_stops_everything_is_emitted_at_once()
    {
        var m = new StopStringMatcher([]);
        m.Append("abc");
        Assert.Equal("abc", m.TakeEmittable());
    }
}
