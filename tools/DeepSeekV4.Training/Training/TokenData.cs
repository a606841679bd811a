namespace DeepSeekV4.Training.Training;

/// <summary>
/// A token file of part A's contract: little-endian uint16 ids, documents concatenated, each preceded by BOS.
/// Training windows are drawn at offsets that depend only on (seed, step, slot), so any step can be replayed.
/// </summary>
public sealed class TokenData
{
    public TokenData(string path, int vocabulary)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length % 2 != 0) throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of uint16 ids");
        Tokens = new int[bytes.Length / 2];
        for (int i = 0; i < Tokens.Length; i++)
        {
            int id = bytes[2 * i] | (bytes[2 * i + 1] << 8);
            if (id >= vocabulary) throw new InvalidDataException($"{path}: token {i} is id {id}, outside the vocabulary of {vocabulary}");
            Tokens[i] = id;
        }
        Path = path;
    }

    public string Path { get; }
    public int[] Tokens { get; }

    public long[] Window(long offset, int length)
    {
        if (offset < 0 || offset + length > Tokens.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"{Path}: window [{offset}, {offset + length}) outside {Tokens.Length} tokens");
        var w = new long[length];
        for (int i = 0; i < length; i++) w[i] = Tokens[offset + i];
        return w;
    }

    /// <summary>The training window of <paramref name="slot"/> in <paramref name="step"/>: a uniform offset from a hash of the three.</summary>
    public long[] TrainingWindow(long seed, long step, int slot, int length)
    {
        long span = Tokens.Length - length;
        if (span <= 0) throw new InvalidDataException($"{Path}: {Tokens.Length} tokens, a window needs {length + 1}");
        ulong h = Mix((ulong)seed ^ Mix((ulong)step * 0x9E3779B97F4A7C15UL ^ Mix((ulong)slot + 0x632BE59BD9B4E019UL)));
        return Window((long)(h % (ulong)span), length);
    }

    /// <summary>A uniform number in [0, 1) for (seed, step, slot), independent of the window's offset: which file a mixed run draws from.</summary>
    public static double Draw(long seed, long step, int slot)
    {
        ulong h = Mix((ulong)seed ^ 0xD1B54A32D192ED03UL ^ Mix((ulong)step * 0xA24BAED4963EE407UL ^ Mix((ulong)slot + 0x9FB21C651E98DF25UL)));
        return (h >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Up to <paramref name="count"/> non-overlapping windows spread evenly over the file (held-out evaluation).</summary>
    public IEnumerable<long> EvenOffsets(int length, int count)
    {
        long windows = Tokens.Length / length;
        long n = Math.Min(windows, count);
        for (long i = 0; i < n; i++) yield return i * windows / n * length;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
