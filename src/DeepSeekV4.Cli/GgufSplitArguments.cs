using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Cli;

/// <summary>llama-gguf-split's options for cutting a model into shards, shared by make-model and gguf-split.</summary>
public static class GgufSplitArguments
{
    public const string MaxTensors = "split-max-tensors";
    public const string MaxSize = "split-max-size";
    public const string NoTensorFirstSplit = "no-tensor-first-split";

    /// <summary>The split asked for, or null when no split option is given.</summary>
    public static GgufSplitOptions? Parse(CliArguments args, bool required = false)
    {
        bool any = args.Has(MaxTensors) || args.Has(MaxSize) || args.Has(NoTensorFirstSplit);
        if (!any && !required) return null;
        if (args.Has(MaxTensors) && args.Has(MaxSize))
            throw new CliUsageException($"give --{MaxTensors} or --{MaxSize}, not both");
        long? maxBytes = null;
        if (args.Get(MaxSize) is { } size)
        {
            try
            {
                maxBytes = GgufSplit.ParseSize(size);
            }
            catch (FormatException e)
            {
                throw new CliUsageException($"--{MaxSize}: {e.Message}");
            }
        }
        int? maxTensors = null;
        if (args.Has(MaxTensors))
        {
            int n = args.GetInt(MaxTensors, 0);
            if (n <= 0) throw new CliUsageException($"--{MaxTensors} must be at least 1, got {n}");
            maxTensors = n;
        }
        return new GgufSplitOptions { MaxTensors = maxTensors, MaxBytes = maxBytes, NoTensorFirstSplit = args.Has(NoTensorFirstSplit) };
    }
}
