namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>What a model's bound MTP block is: where it came from and what it holds.</summary>
/// <param name="Layout">Which of the three places the tensors were found in.</param>
/// <param name="Path">The file they were bound from (the main model's own file for <see cref="MtpLayout.MainFile"/>).</param>
/// <param name="TensorCount">Tensors bound (the block's layer, its projections, norms and head).</param>
/// <param name="Bytes">Their stored bytes.</param>
public sealed record MtpBlockInfo(MtpLayout Layout, string Path, int TensorCount, long Bytes)
{
    public override string ToString() =>
        $"{(Layout == MtpLayout.MainFile ? "in the main file" : $"{Layout} {System.IO.Path.GetFileName(Path)}")}: {TensorCount} tensors, {Bytes:N0} bytes";
}
