using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// Accumulates generated text and finds stop strings in it, even when one spans several tokens. Text that might be
/// the start of a stop string is held back until the next chunk decides, so a stop string is never emitted.
/// </summary>
internal sealed class StopStringMatcher
{
    private readonly string[] _stops;
    private readonly int _longest;
    private char[] _buffer = new char[256];
    private int _length;
    private int _emitted;
    private bool _finished;

    public StopStringMatcher(IReadOnlyList<string> stops)
    {
        _stops = [.. stops];
        _longest = _stops.Length == 0 ? 0 : _stops.Max(s => s.Length);
    }

    public bool Stopped { get; private set; }

    public string Text => new(_buffer, 0, _length);

    /// <summary>Adds decoded text; returns true when a stop string is now complete (the text is cut before it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Append(string chunk)
    {
        if (Stopped || chunk.Length == 0) return Stopped;
        int oldLength = _length;
        EnsureCapacity(_length + chunk.Length);
        chunk.CopyTo(_buffer.AsSpan(_length));
        _length += chunk.Length;
        int from = Math.Max(0, oldLength - _longest + 1);
        int earliest = -1;
        foreach (var stop in _stops)
        {
            int at = _buffer.AsSpan(from, _length - from).IndexOf(stop.AsSpan(), StringComparison.Ordinal);
            if (at >= 0 && (earliest < 0 || from + at < earliest)) earliest = from + at;
        }
        if (earliest >= 0)
        {
            _length = earliest;
            Stopped = true;
        }
        return Stopped;
    }

    /// <summary>Marks the end of generation: text held back for a partial match is released.</summary>
    public void Finish() => _finished = true;

    /// <summary>Text that can be shown now and was not shown before (empty when nothing new is safe).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string TakeEmittable()
    {
        int safe = Stopped || _finished ? _length : _length - HeldBack();
        if (safe > _emitted && safe < _length && char.IsHighSurrogate(_buffer[safe - 1])) safe--;
        if (safe <= _emitted) return "";
        var text = new string(_buffer, _emitted, safe - _emitted);
        _emitted = safe;
        return text;
    }

    /// <summary>The longest end of the text that is a proper start of some stop string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int HeldBack()
    {
        int held = 0;
        var text = _buffer.AsSpan(0, _length);
        foreach (var stop in _stops)
        {
            for (int k = Math.Min(stop.Length - 1, _length); k > held; k--)
            {
                if (text[^k..].SequenceEqual(stop.AsSpan(0, k)))
                {
                    held = k;
                    break;
                }
            }
        }
        return held;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
    }
}
