using System.Runtime.CompilerServices;
using System.Globalization;

namespace DeepSeekV4.Engine.Tokenization;

/// <summary>
/// The character classes the DeepSeek split patterns use, per Unicode code point (not per UTF-16 unit, so emoji and
/// other supplementary-plane characters are letters, symbols or numbers as in the Rust/Oniguruma reference).
/// </summary>
[Flags]
internal enum CharacterClass : byte
{
    Other = 0,
    Letter = 1,      // \p{L}
    Mark = 2,        // \p{M}
    Number = 4,      // \p{N}
    Punctuation = 8, // \p{P}
    Symbol = 16,     // \p{S}
    Space = 32,      // \s (Unicode White_Space)
    LineBreak = 64,  // [\r\n] (also Space)
}

internal static class CharacterClasses
{
    private static readonly CharacterClass[] Bmp = BuildBmpTable();

    /// <summary>Class of the code point at <paramref name="index"/>; <paramref name="width"/> is 2 for a surrogate pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CharacterClass At(ReadOnlySpan<char> text, int index, out int width)
    {
        char c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            width = 2;
            return FromCategory(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[index + 1])));
        }
        width = 1;
        return Bmp[c];
    }

    private static CharacterClass[] BuildBmpTable()
    {
        var table = new CharacterClass[65536];
        for (int c = 0; c < table.Length; c++)
        {
            char ch = (char)c;
            table[c] = ch is '\r' or '\n' ? CharacterClass.Space | CharacterClass.LineBreak
                : char.IsWhiteSpace(ch) ? CharacterClass.Space
                : FromCategory(CharUnicodeInfo.GetUnicodeCategory(ch));
        }
        return table;
    }

    private static CharacterClass FromCategory(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharacterClass.Letter,
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => CharacterClass.Mark,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharacterClass.Number,
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => CharacterClass.Punctuation,
        UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
            or UnicodeCategory.OtherSymbol => CharacterClass.Symbol,
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => CharacterClass.Space,
        _ => CharacterClass.Other,
    };
}
