using DeepSeekV4.Training;
using TorchSharp;

return CommandLine.Run(args);
