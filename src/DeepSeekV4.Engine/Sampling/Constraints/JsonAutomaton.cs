using System.Numerics;
using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>
/// The byte-level automaton of compact JSON documents that satisfy a compiled schema. Documents have no whitespace,
/// objects list their properties in the schema's order (optional ones may be skipped), numbers have at most
/// <see cref="SchemaNode.MaxIntegerDigits"/> integer, <see cref="SchemaNode.MaxFractionDigits"/> fraction and
/// <see cref="SchemaNode.MaxExponentDigits"/> exponent digits, strings are valid UTF-8 without \u escapes of
/// surrogates, and a string's first minLength characters are printable ASCII (so every length counting, code
/// points or grapheme clusters, agrees with it). <see cref="MinRemaining"/> tells the fewest bytes that complete
/// the document from a state, which lets generation close it before the token limit.
/// </summary>
internal static class JsonAutomaton
{
    // Object and free-object phases.
    private const byte ObjStart = 0, ObjKey = 1, ObjAfterValue = 2, ObjAfterComma = 3, ObjAfterKey = 4;
    // Array phases.
    private const byte ArrStart = 0, ArrAfterValue = 1;
    // String phases.
    internal const byte StrContent = 0;
    private const byte StrEscape = 1, StrHex = 2, StrUtf8 = 3;
    // Number phases.
    private const byte NumMinus = 0, NumZero = 1, NumInt = 2, NumDot = 3, NumFrac = 4, NumExp = 5, NumExpSign = 6, NumExpDigits = 7;

    // Allowed ranges of the first continuation byte after special UTF-8 lead bytes (index into these).
    private static readonly byte[] ContinuationLow = [0x80, 0xA0, 0x80, 0x90, 0x80];
    private static readonly byte[] ContinuationHigh = [0xBF, 0xBF, 0x9F, 0xBF, 0x8F];

    /// <summary>Feeds one byte; false (and <paramref name="s"/> unspecified) when no valid document continues with it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Advance(ref JsonState s, byte b, JsonFrameLinks links)
    {
        while (true)
        {
            if (s.Done) return false;
            ref var f = ref s.Top;
            switch (f.Kind)
            {
                case JsonFrameKind.String:
                    return AdvanceString(ref s, b);
                case JsonFrameKind.Value:
                    return StartValue(ref s, f.Node, b);
                case JsonFrameKind.Object:
                    return AdvanceObject(ref s, b, links);
                case JsonFrameKind.FreeObject:
                    return AdvanceFreeObject(ref s, b, links);
                case JsonFrameKind.Array:
                    switch (AdvanceArray(ref s, b, links))
                    {
                        case Step.Rejected: return false;
                        case Step.Consumed: return true;
                    }
                    continue; // pushed an item: feed the byte to it
                case JsonFrameKind.Number:
                    switch (AdvanceNumber(ref f, b))
                    {
                        case Step.Rejected: return false;
                        case Step.Consumed: return true;
                    }
                    if (!Pop(ref s)) return false;
                    continue; // the number ended before this byte: the parent reads it
                default:
                    switch (AdvanceLiteral(ref f, b))
                    {
                        case Step.Rejected: return false;
                        case Step.Consumed: return true;
                    }
                    if (!Pop(ref s)) return false;
                    continue;
            }
        }
    }

    /// <summary>True when the bytes so far are a whole document (end of generation is allowed here).</summary>
    public static bool IsComplete(in JsonState s)
    {
        if (s.Done) return true;
        if (s.Parent != null) return false;
        var f = s.Top;
        return f.Kind switch
        {
            JsonFrameKind.Number => f.Phase is NumZero or NumInt or NumFrac or NumExpDigits,
            JsonFrameKind.Literal => LiteralComplete(f),
            _ => false,
        };
    }

    /// <summary>The fewest bytes that turn the bytes so far into a whole document.</summary>
    public static int MinRemaining(in JsonState s) => s.Done ? 0 : FrameMin(s.Top) + (s.Parent?.Tail ?? 0);

    /// <summary>The fewest bytes one frame needs to finish (its own closing bytes included, its parents' not).</summary>
    public static int FrameMin(in JsonFrame f)
    {
        var n = f.Node;
        switch (f.Kind)
        {
            case JsonFrameKind.Value:
                return n.MinBytes;
            case JsonFrameKind.Object:
                return f.Phase switch
                {
                    ObjStart => n.RequiredCount[0] == 0 ? 1 : n.RequiredBytes[0] + n.RequiredCount[0],
                    ObjAfterValue => n.AfterValueMin(f.Index),
                    ObjAfterComma => n.RequiredCount[f.Index] > 0 ? n.RequiredBytes[f.Index] + n.RequiredCount[f.Index] : n.ShortestFrom[f.Index] + 1,
                    _ => KeyMin(f),
                };
            case JsonFrameKind.FreeObject:
                return f.Phase switch { ObjAfterKey => 3, ObjAfterComma => 5, _ => 1 };
            case JsonFrameKind.Array:
                int m = n.Items!.MinBytes;
                return f.Phase == ArrStart
                    ? n.MinItems == 0 ? 1 : n.MinItems * m + n.MinItems
                    : Math.Max(0, n.MinItems - f.Count) * (m + 1) + 1;
            case JsonFrameKind.String:
                int rest = Math.Max(0, n.MinLength - f.Count) + 1;
                return f.Phase switch
                {
                    StrEscape => 1 + rest,
                    StrHex => 4 - f.Pending + rest,
                    StrUtf8 => f.Pending + rest,
                    _ => rest,
                };
            case JsonFrameKind.Number:
                return f.Phase is NumZero or NumInt or NumFrac or NumExpDigits ? 0 : 1;
            default:
                int best = int.MaxValue;
                for (ulong a = f.Alive; a != 0; a &= a - 1) best = Math.Min(best, n.Literals[BitOperations.TrailingZeroCount(a)].Length - f.Count);
                return best;
        }
    }

    private static int KeyMin(in JsonFrame f)
    {
        var n = f.Node;
        int best = int.MaxValue;
        for (ulong a = f.Alive; a != 0; a &= a - 1)
        {
            int p = BitOperations.TrailingZeroCount(a);
            best = Math.Min(best, n.Properties[p].Key.Length - f.Count + n.Properties[p].Value.MinBytes + n.AfterValueMin(p + 1));
        }
        return best;
    }

    private enum Step { Rejected, Consumed, Passed }

    /// <summary>The value on top is complete: resume its parent (or mark the document closed).</summary>
    private static bool Pop(ref JsonState s)
    {
        if (s.Parent == null)
        {
            s.Done = true;
            return false; // a byte after a complete root number or literal
        }
        s.Top = s.Parent.Frame;
        s.Parent = s.Parent.Parent;
        return true;
    }

    private static void Close(ref JsonState s)
    {
        if (s.Parent == null)
        {
            s.Done = true;
            return;
        }
        s.Top = s.Parent.Frame;
        s.Parent = s.Parent.Parent;
    }

    /// <summary>Puts <paramref name="resume"/> below a new top frame expecting a value of <paramref name="node"/>.</summary>
    private static void Push(ref JsonState s, JsonFrame resume, SchemaNode node, JsonFrameLinks links)
    {
        s.Parent = links.Get(resume, s.Parent);
        s.Top = new JsonFrame(node, JsonFrameKind.Value);
    }

    private static bool StartValue(ref JsonState s, SchemaNode node, byte b)
    {
        switch (node.Kind)
        {
            case SchemaKind.Object:
                if (b != '{') return false;
                s.Top = new JsonFrame(node, JsonFrameKind.Object, ObjStart);
                return true;
            case SchemaKind.FreeObject:
                if (b != '{') return false;
                s.Top = new JsonFrame(node, JsonFrameKind.FreeObject, ObjStart);
                return true;
            case SchemaKind.Array:
                if (b != '[') return false;
                s.Top = new JsonFrame(node, JsonFrameKind.Array, ArrStart);
                return true;
            case SchemaKind.String:
                if (b != '"') return false;
                s.Top = new JsonFrame(node, JsonFrameKind.String, StrContent);
                return true;
            case SchemaKind.Number or SchemaKind.Integer:
                if (b == '-') s.Top = new JsonFrame(node, JsonFrameKind.Number, NumMinus);
                else if (b == '0') s.Top = new JsonFrame(node, JsonFrameKind.Number, NumZero);
                else if (b is >= (byte)'1' and <= (byte)'9') s.Top = new JsonFrame(node, JsonFrameKind.Number, NumInt) { Count = 1 };
                else return false;
                return true;
            case SchemaKind.Literals:
                ulong alive = 0;
                for (int i = 0; i < node.Literals.Length; i++)
                {
                    if (node.Literals[i][0] == b) alive |= 1UL << i;
                }
                if (alive == 0) return false;
                s.Top = new JsonFrame(node, JsonFrameKind.Literal) { Alive = alive, Count = 1 };
                return true;
            default:
                foreach (var alternative in node.Alternatives)
                {
                    if (StartValue(ref s, alternative, b)) return true;
                }
                return false;
        }
    }

    private static bool AdvanceObject(ref JsonState s, byte b, JsonFrameLinks links)
    {
        ref var f = ref s.Top;
        var n = f.Node;
        switch (f.Phase)
        {
            case ObjStart or ObjAfterComma:
                if (b == '}' && f.Phase == ObjStart && n.RequiredCount[0] == 0)
                {
                    Close(ref s);
                    return true;
                }
                ulong candidates = n.Candidates[f.Index];
                if (b != '"' || candidates == 0) return false;
                f.Phase = ObjKey;
                f.Alive = candidates;
                f.Count = 1;
                return true;
            case ObjKey:
                ulong alive = 0;
                for (ulong a = f.Alive; a != 0; a &= a - 1)
                {
                    int p = BitOperations.TrailingZeroCount(a);
                    if (n.Properties[p].Key[f.Count] == b) alive |= 1UL << p;
                }
                if (alive == 0) return false;
                f.Alive = alive;
                f.Count++;
                if (BitOperations.PopCount(alive) == 1)
                {
                    int p = BitOperations.TrailingZeroCount(alive);
                    if (n.Properties[p].Key.Length == f.Count)
                        Push(ref s, new JsonFrame(n, JsonFrameKind.Object, ObjAfterValue) { Index = p + 1 }, n.Properties[p].Value, links);
                }
                return true;
            default: // ObjAfterValue
                if (b == ',' && n.Candidates[f.Index] != 0)
                {
                    f.Phase = ObjAfterComma;
                    return true;
                }
                if (b == '}' && n.RequiredCount[f.Index] == 0)
                {
                    Close(ref s);
                    return true;
                }
                return false;
        }
    }

    private static bool AdvanceFreeObject(ref JsonState s, byte b, JsonFrameLinks links)
    {
        ref var f = ref s.Top;
        var n = f.Node;
        switch (f.Phase)
        {
            case ObjStart or ObjAfterComma:
                if (b == '}' && f.Phase == ObjStart)
                {
                    Close(ref s);
                    return true;
                }
                if (b != '"') return false;
                s.Parent = links.Get(new JsonFrame(n, JsonFrameKind.FreeObject, ObjAfterKey), s.Parent);
                s.Top = new JsonFrame(FreeKey, JsonFrameKind.String, StrContent);
                return true;
            case ObjAfterKey:
                if (b != ':') return false;
                Push(ref s, new JsonFrame(n, JsonFrameKind.FreeObject, ObjAfterValue), n.Items!, links);
                return true;
            default: // ObjAfterValue
                if (b == ',')
                {
                    f.Phase = ObjAfterComma;
                    return true;
                }
                if (b != '}') return false;
                Close(ref s);
                return true;
        }
    }

    private static readonly SchemaNode FreeKey = new(SchemaKind.String);

    private static Step AdvanceArray(ref JsonState s, byte b, JsonFrameLinks links)
    {
        ref var f = ref s.Top;
        var n = f.Node;
        if (f.Phase == ArrStart)
        {
            if (b == ']' && n.MinItems == 0)
            {
                Close(ref s);
                return Step.Consumed;
            }
            if (b == ']' || n.MaxItems == 0) return Step.Rejected;
            Push(ref s, new JsonFrame(n, JsonFrameKind.Array, ArrAfterValue) { Count = 1 }, n.Items!, links);
            return Step.Passed;
        }
        if (b == ',' && f.Count < n.MaxItems)
        {
            Push(ref s, new JsonFrame(n, JsonFrameKind.Array, ArrAfterValue) { Count = f.Count + 1 }, n.Items!, links);
            return Step.Consumed;
        }
        if (b == ']' && f.Count >= n.MinItems)
        {
            Close(ref s);
            return Step.Consumed;
        }
        return Step.Rejected;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AdvanceString(ref JsonState s, byte b)
    {
        ref var f = ref s.Top;
        var n = f.Node;
        switch (f.Phase)
        {
            case StrContent:
                if (b == '"')
                {
                    if (f.Count < n.MinLength) return false;
                    Close(ref s);
                    return true;
                }
                if (f.Count >= n.MaxLength || b < 0x20) return false;
                if (f.Count < n.MinLength && (b >= 0x7F || b == '\\')) return false;
                f.Count++;
                if (b < 0x80)
                {
                    if (b == '\\') f.Phase = StrEscape;
                    return true;
                }
                return StartMultiByte(ref f, b);
            case StrUtf8:
                if (b < ContinuationLow[f.Index] || b > ContinuationHigh[f.Index]) return false;
                f.Index = 0;
                if (--f.Pending == 0) f.Phase = StrContent;
                return true;
            case StrEscape:
                if (b == 'u')
                {
                    f.Phase = StrHex;
                    f.Pending = 0;
                    f.Index = 0;
                    return true;
                }
                if (b is not ((byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')) return false;
                f.Phase = StrContent;
                return true;
            default: // StrHex: no surrogate code units (\uD800-\uDFFF)
                if (!char.IsAsciiHexDigit((char)b)) return false;
                if (f.Pending == 0 && (b | 0x20) == 'd') f.Index = 1;
                else if (f.Pending == 1 && f.Index == 1 && (b >= '8' && b <= '9' || (b | 0x20) is >= (byte)'a' and <= (byte)'f')) return false;
                if (++f.Pending == 4)
                {
                    f.Phase = StrContent;
                    f.Index = 0;
                    f.Pending = 0;
                }
                return true;
        }
    }

    private static bool StartMultiByte(ref JsonFrame f, byte b)
    {
        (int pending, int range) = b switch
        {
            >= 0xC2 and <= 0xDF => (1, 0),
            0xE0 => (2, 1),
            0xED => (2, 2),
            >= 0xE1 and <= 0xEF => (2, 0),
            0xF0 => (3, 3),
            >= 0xF1 and <= 0xF3 => (3, 0),
            0xF4 => (3, 4),
            _ => (0, 0),
        };
        if (pending == 0) return false;
        f.Phase = StrUtf8;
        f.Pending = (byte)pending;
        f.Index = range;
        return true;
    }

    private static Step AdvanceNumber(ref JsonFrame f, byte b)
    {
        bool digit = b is >= (byte)'0' and <= (byte)'9';
        bool integer = f.Node.Kind == SchemaKind.Integer;
        switch (f.Phase)
        {
            case NumMinus:
                if (!digit) return Step.Rejected;
                f.Phase = b == '0' ? NumZero : NumInt;
                f.Count = 1;
                return Step.Consumed;
            case NumZero or NumInt:
                if (digit && f.Phase == NumInt && f.Count < SchemaNode.MaxIntegerDigits)
                {
                    f.Count++;
                    return Step.Consumed;
                }
                if (digit) return Step.Rejected;
                if (!integer && b == '.') { f.Phase = NumDot; return Step.Consumed; }
                if (!integer && (b | 0x20) == 'e') { f.Phase = NumExp; return Step.Consumed; }
                return Step.Passed;
            case NumDot:
                if (!digit) return Step.Rejected;
                f.Phase = NumFrac;
                f.Count = 1;
                return Step.Consumed;
            case NumFrac:
                if (digit) return f.Count++ < SchemaNode.MaxFractionDigits ? Step.Consumed : Step.Rejected;
                if ((b | 0x20) == 'e') { f.Phase = NumExp; return Step.Consumed; }
                return Step.Passed;
            case NumExp:
                if (b is (byte)'+' or (byte)'-') { f.Phase = NumExpSign; return Step.Consumed; }
                goto case NumExpSign;
            case NumExpSign:
                if (!digit) return Step.Rejected;
                f.Phase = NumExpDigits;
                f.Count = 1;
                return Step.Consumed;
            default: // NumExpDigits
                if (digit) return f.Count++ < SchemaNode.MaxExponentDigits ? Step.Consumed : Step.Rejected;
                return Step.Passed;
        }
    }

    private static Step AdvanceLiteral(ref JsonFrame f, byte b)
    {
        var literals = f.Node.Literals;
        ulong next = 0;
        for (ulong a = f.Alive; a != 0; a &= a - 1)
        {
            int i = BitOperations.TrailingZeroCount(a);
            if (literals[i].Length > f.Count && literals[i][f.Count] == b) next |= 1UL << i;
        }
        if (next != 0)
        {
            f.Alive = next;
            f.Count++;
            return Step.Consumed;
        }
        return LiteralComplete(f) ? Step.Passed : Step.Rejected;
    }

    private static bool LiteralComplete(in JsonFrame f)
    {
        for (ulong a = f.Alive; a != 0; a &= a - 1)
        {
            if (f.Node.Literals[BitOperations.TrailingZeroCount(a)].Length == f.Count) return true;
        }
        return false;
    }
}
