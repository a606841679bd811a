namespace DeepSeekV4.Engine.KvCache;

/// <summary>
/// When one layer's cache can be cut back from <c>held</c> tokens to a shorter length, whatever memory holds it: the
/// window rows the next token would attend to, and the compressor rows of the partial block (for ratio 4, of the
/// previous block too) must still be in their rings. Compressed entries are append-only and always cut back.
/// </summary>
public static class KvTruncation
{
    public static bool CanCutBack(int held, int length, int window, int windowRingRows, int ratio, int compressorRingRows)
    {
        if (length == held || length == 0) return true;
        if (length < 0 || length > held) return false;
        if (!RangeHeld(held, Math.Max(0, length - window + 1), length, windowRingRows)) return false;
        if (ratio > 0)
        {
            int blockStart = length / ratio * ratio;
            int needed = Math.Max(0, ratio == 4 ? blockStart - ratio : blockStart);
            if (!RangeHeld(held, needed, length, compressorRingRows)) return false;
        }
        return true;
    }

    // Positions [from, to) are still in a ring of ringRows rows that has seen positions up to held − 1.
    private static bool RangeHeld(int held, int from, int to, int ringRows) => from >= to || from >= Math.Max(0, held - ringRows);
}
