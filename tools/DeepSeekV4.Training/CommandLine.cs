using TorchSharp;

namespace DeepSeekV4.Training;

/// <summary>dsv4-train's commands and options.</summary>
public static class CommandLine
{
    public const string Usage = """
        dsv4-train — trains a small DeepSeek V4 (TorchSharp, CPU) and exports it as a GGUF.
          check-dsv4-tiny [--fixture DIR]     reproduce the dsv4-tiny reference logits (QAT simulation on)
          train --data DIR --out DIR [--resume] [options]   (see TrainingSetup.FromOptions)
          train --data DIR --out DIR --init CHECKPOINT --steps TOTAL [--lr R] [--mix-file F --mix-share S] [--max-ctx N]
                                              a second phase on a finished run (weights + optimizer; rerun with --resume)
          export --checkpoint FILE --tokenizer FILE --heldout FILE --out FILE.gguf --fixture-dir DIR
        common: --threads N (default 2)
        """;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        var options = Options.Parse(args.Skip(1));
        torch.set_num_threads(options.Int("threads", 2));
        torch.set_num_interop_threads(1);
        switch (args[0])
        {
            case "check-dsv4-tiny":
                return Dsv4TinyCheck.Run(options.String("fixture", "tests/fixtures/dsv4-tiny"));
            case "train":
                return Training.Trainer.Run(options);
            case "export":
                return Export.ExportCommand.Run(options);
            case "bench":
                return Training.StepBenchmark.Run(options);
            default:
                Console.Error.WriteLine($"unknown command '{args[0]}'\n{Usage}");
                return 2;
        }
    }
}
