namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>Where a model's multi-token-prediction block was found, and so which names its tensors have.</summary>
public enum MtpLayout
{
    /// <summary>
    /// In the main file, as llama.cpp's converter writes it with MTP kept: <c>block_count</c> = layers + 1,
    /// <c>nextn_predict_layers</c> = 1, a full layer <c>blk.N.*</c> plus <c>blk.N.nextn.{eh_proj, enorm, hnorm, shared_head_norm}</c>.
    /// </summary>
    MainFile,

    /// <summary>
    /// llama.cpp's separate MTP file (<c>mtp-*.gguf</c>): the same <c>blk.N.*</c> / <c>blk.N.nextn.*</c> tensors with
    /// <c>block_count</c> = N + 1 and no main layers, the MTP's own hyper-connection head stored as <c>output_hc_*</c>.
    /// </summary>
    LlamaCppFile,

    /// <summary>
    /// antirez's ds4 MTP file: <c>mtp.0.*</c> names, separate <c>e_proj</c> / <c>h_proj</c> instead of <c>eh_proj</c>,
    /// <c>norm</c> for the head norm and <c>hc_head_*</c> for its hyper-connection head; no compressor (ratio 0).
    /// </summary>
    Ds4File,
}
