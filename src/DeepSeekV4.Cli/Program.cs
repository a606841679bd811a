using System.Reflection;
using DeepSeekV4.Cli;

var commands = typeof(ICliCommand).Assembly.GetTypes()
    .Where(t => typeof(ICliCommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (ICliCommand)Activator.CreateInstance(t)!)
    .OrderBy(c => c.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine($"dsv4 {typeof(ICliCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion} — DeepSeek V4 on your own machine");
    foreach (var c in commands) Console.WriteLine("  dsv4 " + c.Usage);
    return args.Length == 0 ? 1 : 0;
}

var command = commands.FirstOrDefault(c => c.Name == args[0]);
if (command == null)
{
    Console.Error.WriteLine($"dsv4: unknown command '{args[0]}' (try dsv4 --help)");
    return 2;
}

return CliRunner.Run(command, args[1..], Console.Out, Console.Error);
