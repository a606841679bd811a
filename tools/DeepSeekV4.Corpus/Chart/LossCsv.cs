using System.Globalization;

namespace DeepSeekV4.Corpus.Chart;

/// <summary>One row of the training log; either loss may be missing (held-out loss is measured only now and then).</summary>
public sealed record LossPoint(long Step, long Tokens, double? TrainLoss, double? HeldOutLoss);

/// <summary>Reads the training log CSV: header <c>step,tokens,train_loss,heldout_loss</c>, empty cells for missing values.</summary>
public static class LossCsv
{
    public const string Header = "step,tokens,train_loss,heldout_loss";

    public static IReadOnlyList<LossPoint> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"loss CSV not found: {path}", path);
        return Parse(File.ReadAllLines(path), path);
    }

    public static IReadOnlyList<LossPoint> Parse(IReadOnlyList<string> lines, string source)
    {
        if (lines.Count == 0 || lines[0].Trim() != Header)
            throw new InvalidDataException($"{source}: the first line must be \"{Header}\", found \"{(lines.Count > 0 ? lines[0] : "")}\"");
        var points = new List<LossPoint>();
        for (int i = 1; i < lines.Count; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            if (cells.Length != 4) throw new InvalidDataException($"{source}:{i + 1}: expected 4 comma-separated cells, found {cells.Length}");
            points.Add(new LossPoint(
                Integer(cells[0], source, i + 1, "step"),
                Integer(cells[1], source, i + 1, "tokens"),
                Number(cells[2], source, i + 1, "train_loss"),
                Number(cells[3], source, i + 1, "heldout_loss")));
        }
        if (!points.Any(p => p.TrainLoss != null || p.HeldOutLoss != null)) throw new InvalidDataException($"{source}: no loss values to draw");
        return points;
    }

    private static long Integer(string cell, string source, int line, string column) =>
        long.TryParse(cell.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v >= 0
            ? v
            : throw new InvalidDataException($"{source}:{line}: {column} \"{cell}\" is not a non-negative integer");

    private static double? Number(string cell, string source, int line, string column)
    {
        if (cell.Trim().Length == 0) return null;
        return double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new InvalidDataException($"{source}:{line}: {column} \"{cell}\" is not a finite number");
    }
}
