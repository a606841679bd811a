using DeepSeekV4.Engine.Compute.Gpu;

namespace DeepSeekV4.Cli.Commands;

/// <summary>`dsv4 gpu-kernels --ptx DIR [--arch sm_80|sm_90]`: every GPU kernel compiled to PTX, one file each; no GPU needed.</summary>
public sealed class GpuKernelsCommand : ICliCommand
{
    public string Name => "gpu-kernels";
    public string Usage => "gpu-kernels --ptx DIR [--arch sm_80|sm_86|sm_89|sm_90]";

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count != 0) throw new CliUsageException("takes no positional arguments");
        string directory = args.Require("ptx");
        string arch = args.Get("arch") ?? "sm_90";
        if (args.Unused().FirstOrDefault() is { } unknown) throw new CliUsageException($"unknown option --{unknown}");
        if (!PtxCompiler.Architectures.Contains(arch))
            throw new CliUsageException($"--arch {arch} is not one of {string.Join(", ", PtxCompiler.Architectures)}");
        Directory.CreateDirectory(directory);
        foreach (var kernel in PtxCompiler.CompileAll(arch))
        {
            string path = Path.Combine(directory, $"{kernel.Name}.{arch}.ptx");
            File.WriteAllText(path, kernel.Ptx);
            output.WriteLine($"{kernel.Name,-24} .entry {kernel.EntryName}  .target {kernel.Target}  {kernel.Ptx.Length,6} chars  {Path.GetFullPath(path)}");
        }
        return 0;
    }
}
