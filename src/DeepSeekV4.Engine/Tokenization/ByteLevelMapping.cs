namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// GPT-2's reversible byte ↔ character mapping used by byte-level BPE vocabularies: printable Latin-1 bytes map to
/// themselves, the other 68 bytes to U+0100.. in byte order, so every token is a visible string.
/// </summary>
public static class ByteLevelMapping
{
    private static readonly char[] ByteToCharTable = BuildByteToChar();
    private static readonly short[] CharToByteTable = BuildCharToByte(ByteToCharTable);

    public static char ByteToChar(byte b) => ByteToCharTable[b];

    /// <summary>The byte a mapped character stands for, or -1 when the character is not part of the mapping.</summary>
    public static int CharToByte(char c) => c < CharToByteTable.Length ? CharToByteTable[c] : -1;

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
            table[b] = IsPrintable(b) ? (char)b : (char)next++;
        return table;
    }

    private static short[] BuildCharToByte(char[] byteToChar)
    {
        var table = new short[512];
        Array.Fill(table, (short)-1);
        for (int b = 0; b < 256; b++) table[byteToChar[b]] = (short)b;
        return table;
    }
}
