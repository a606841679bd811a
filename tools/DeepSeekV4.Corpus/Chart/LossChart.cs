namespace DeepSeekV4.Corpus.Chart;

/// <summary>
/// Draws the training log as a line chart: train loss (blue) and held-out loss (orange, with markers) against
/// tokens seen (or steps when the log has no token counts), with a grid, ticks, axis labels, a legend and a title.
/// </summary>
public static class LossChart
{
    public const int Width = 960, Height = 600;
    private const int Left = 90, Right = 30, Top = 60, Bottom = 70, Scale = 2;
    private static readonly Rgb White = new(255, 255, 255), Black = new(0, 0, 0), Grid = new(225, 225, 225), Axis = new(60, 60, 60);
    public static readonly Rgb TrainColor = new(31, 119, 180), HeldOutColor = new(255, 127, 14);

    public static void Write(IReadOnlyList<LossPoint> points, string path, string title) => PngEncoder.Write(Draw(points, title), path);

    public static RgbImage Draw(IReadOnlyList<LossPoint> points, string title)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) throw new ArgumentException("no points to draw", nameof(points));
        bool byTokens = points.Any(p => p.Tokens > 0);
        Func<LossPoint, double> xOf = byTokens ? p => p.Tokens : p => p.Step;
        var losses = points.SelectMany(p => new[] { p.TrainLoss, p.HeldOutLoss }).Where(v => v != null).Select(v => v!.Value).ToList();
        var (xMin, xMax, xStep) = AxisTicks.Nice(points.Min(xOf), points.Max(xOf));
        var (yMin, yMax, yStep) = AxisTicks.Nice(losses.Min(), losses.Max());

        var image = new RgbImage(Width, Height, White);
        int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        int X(double v) => Left + (int)Math.Round((v - xMin) / (xMax - xMin) * plotW);
        int Y(double v) => Top + plotH - (int)Math.Round((v - yMin) / (yMax - yMin) * plotH);

        for (double v = yMin; v <= yMax + yStep / 2; v += yStep)
        {
            image.Line(Left, Y(v), Left + plotW, Y(v), Grid);
            image.Line(Left - 6, Y(v), Left, Y(v), Axis);
            string label = AxisTicks.Label(v);
            BitmapFont.Draw(image, label, Left - 10 - BitmapFont.Measure(label, Scale), Y(v) - BitmapFont.Height(Scale) / 2, Black, Scale);
        }
        for (double v = xMin; v <= xMax + xStep / 2; v += xStep)
        {
            image.Line(X(v), Top, X(v), Top + plotH, Grid);
            image.Line(X(v), Top + plotH, X(v), Top + plotH + 6, Axis);
            string label = AxisTicks.Label(v);
            BitmapFont.Draw(image, label, X(v) - BitmapFont.Measure(label, Scale) / 2, Top + plotH + 12, Black, Scale);
        }
        image.Line(Left, Top, Left, Top + plotH, Axis, 2);
        image.Line(Left, Top + plotH, Left + plotW, Top + plotH, Axis, 2);

        DrawSeries(image, points.Where(p => p.TrainLoss != null).Select(p => (X(xOf(p)), Y(p.TrainLoss!.Value))).ToList(), TrainColor, markers: false);
        DrawSeries(image, points.Where(p => p.HeldOutLoss != null).Select(p => (X(xOf(p)), Y(p.HeldOutLoss!.Value))).ToList(), HeldOutColor, markers: true);

        BitmapFont.Draw(image, title, (Width - BitmapFont.Measure(title, Scale + 1)) / 2, 16, Black, Scale + 1);
        string xLabel = byTokens ? "tokens seen" : "step";
        BitmapFont.Draw(image, xLabel, Left + (plotW - BitmapFont.Measure(xLabel, Scale)) / 2, Height - 26, Black, Scale);
        BitmapFont.Draw(image, "loss (nats)", 8, Top - 24, Black, Scale);
        Legend(image, Left + plotW - 230, Top + 12);
        return image;
    }

    private static void DrawSeries(RgbImage image, List<(int X, int Y)> pts, Rgb color, bool markers)
    {
        for (int i = 1; i < pts.Count; i++) image.Line(pts[i - 1].X, pts[i - 1].Y, pts[i].X, pts[i].Y, color, 2);
        if (markers || pts.Count == 1)
            foreach (var (x, y) in pts) image.FillRect(x - 3, y - 3, 7, 7, color);
    }

    private static void Legend(RgbImage image, int x, int y)
    {
        image.FillRect(x - 8, y - 8, 224, 56, White);
        image.Line(x, y + 6, x + 30, y + 6, TrainColor, 3);
        BitmapFont.Draw(image, "train loss", x + 40, y, Black, Scale);
        image.Line(x, y + 30, x + 30, y + 30, HeldOutColor, 3);
        image.FillRect(x + 12, y + 27, 7, 7, HeldOutColor);
        BitmapFont.Draw(image, "held-out loss", x + 40, y + 24, Black, Scale);
    }
}
