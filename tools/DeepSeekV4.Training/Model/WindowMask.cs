using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Model;

/// <summary>
/// The sliding window in blocks of W queries (reference §5.5): block b's queries see the keys of blocks b−1 and b,
/// [prev W | own W]; query i sees own key j ≤ i and previous-block key j &gt; i (positions t−W+1..t). True = hidden.
/// </summary>
public static class WindowMask
{
    public static Tensor Build(long blocks, int window)
    {
        var hidden = new bool[blocks * window * 2 * window];
        for (long b = 0; b < blocks; b++)
            for (int i = 0; i < window; i++)
                for (int j = 0; j < 2 * window; j++)
                {
                    bool visible = j < window ? b > 0 && j > i : j - window <= i;
                    hidden[(b * window + i) * 2 * window + j] = !visible;
                }
        return tensor(hidden, [blocks, window, 2 * window]);
    }
}
