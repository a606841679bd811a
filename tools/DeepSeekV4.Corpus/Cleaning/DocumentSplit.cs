using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DeepSeekV4.Corpus.Cleaning;

/// <summary>
/// Splits documents into train and held-out by document, never by piece: documents are ordered by the SHA-256 of
/// their id and taken into held-out from the front until it holds <see cref="HeldOutFraction"/> of the bytes, and at
/// least <see cref="MinHeldOutBytes"/> (about 300k tokens) when that stays under <see cref="MaxHeldOutFraction"/>.
/// Depends only on the ids and sizes, so the same corpus always splits the same way.
/// </summary>
public sealed class DocumentSplit(double heldOutFraction = 0.02, long minHeldOutBytes = 1_250_000, double maxHeldOutFraction = 0.10)
{
    public double HeldOutFraction { get; } = heldOutFraction;
    public long MinHeldOutBytes { get; } = minHeldOutBytes;
    public double MaxHeldOutFraction { get; } = maxHeldOutFraction;

    public (IReadOnlyList<CorpusDocument> Train, IReadOnlyList<CorpusDocument> HeldOut) Run(IReadOnlyList<CorpusDocument> documents)
    {
        long total = documents.Sum(d => (long)Encoding.UTF8.GetByteCount(d.Text));
        long target = Math.Max((long)(total * HeldOutFraction), Math.Min(MinHeldOutBytes, (long)(total * MaxHeldOutFraction)));
        var heldOutIds = new HashSet<string>(StringComparer.Ordinal);
        long taken = 0;
        foreach (var doc in documents.OrderBy(d => Rank(d.Id)).ThenBy(d => d.Id, StringComparer.Ordinal))
        {
            if (taken >= target) break;
            heldOutIds.Add(doc.Id);
            taken += Encoding.UTF8.GetByteCount(doc.Text);
        }
        // Both lists keep the input (id) order.
        return (documents.Where(d => !heldOutIds.Contains(d.Id)).ToList(), documents.Where(d => heldOutIds.Contains(d.Id)).ToList());
    }

    public static ulong Rank(string id)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }
}
