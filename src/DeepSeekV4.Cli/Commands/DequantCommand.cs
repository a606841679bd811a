using System.Runtime.InteropServices;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Tensors;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 dequant FILE TENSOR --out OUT.f32`: the tensor dequantized to raw little-endian float32, row-major in ggml
/// order (ne0 fastest), with no header. Rows are decoded and written one at a time, so any size of tensor works.
/// </summary>
public sealed class DequantCommand : ICliCommand
{
    public string Name => "dequant";
    public string Usage => "dequant FILE TENSOR --out OUT.f32";

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count != 2) throw new CliUsageException("expects FILE and TENSOR");
        string outPath = args.Require("out");
        if (args.Unused().FirstOrDefault() is { } unknown) throw new CliUsageException($"unknown option --{unknown}");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("dequant writes little-endian float32 and needs a little-endian host");

        using var file = GgufFile.Open(args.Positional[0]);
        var info = file.GetTensor(args.Positional[1]);
        var view = file.GetTensorView(info);
        if (!Dequantizer.IsSupported(view.Type))
            throw new NotSupportedException($"{file.Path}: tensor '{view.Name}' is {view.TypeInfo.Name}, which cannot be dequantized (yet)");

        string full = Path.GetFullPath(outPath);
        string temp = full + ".partial";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                var row = new float[view.RowLength];
                for (long r = 0; r < view.RowCount; r++)
                {
                    view.DequantizeRow(r, row);
                    stream.Write(MemoryMarshal.AsBytes(row.AsSpan()));
                }
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        output.WriteLine($"{info.Name} {view.TypeInfo.Name} {info.ShapeText}: {view.ElementCount} float32 values ({view.ElementCount * 4} bytes) written to {full}");
        return 0;
    }
}
