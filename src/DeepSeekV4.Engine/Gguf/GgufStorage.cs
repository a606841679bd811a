using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>The bytes of a GGUF file: memory-mapped (default), or read into native memory (no mmap).</summary>
internal abstract unsafe class GgufStorage : IDisposable
{
    public abstract byte* Base { get; }
    public abstract long Length { get; }
    public abstract void Dispose();

    /// <summary>Whether the bytes are pinned in RAM (mlock / VirtualLock), so the OS cannot page them out.</summary>
    public virtual bool IsLocked => false;

    /// <summary>Whether the bytes are this process's own copy (read into native memory), which may be rearranged in place.</summary>
    public virtual bool IsPrivateCopy => false;

    /// <remarks>
    /// The length comes from the opened file, not from <see cref="FileInfo"/>, whose Length is a symbolic link's own
    /// size (Hugging Face's download cache is made of links to blobs).
    /// </remarks>
    public static GgufStorage Map(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length == 0)
        {
            stream.Dispose();
            return new NativeStorage(0);
        }
        try
        {
            return new MappedStorage(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public static GgufStorage ReadIntoMemory(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var storage = new NativeStorage(stream.Length);
        long done = 0;
        while (done < storage.Length)
        {
            int chunk = (int)Math.Min(1 << 30, storage.Length - done);
            int read = stream.Read(new Span<byte>(storage.Base + done, chunk));
            if (read <= 0) throw new EndOfStreamException($"{path}: file shrank while being read");
            done += read;
        }
        storage.TryLock();
        return storage;
    }

    public static GgufStorage FromBytes(ReadOnlySpan<byte> bytes)
    {
        var storage = new NativeStorage(bytes.Length);
        bytes.CopyTo(new Span<byte>(storage.Base, bytes.Length));
        return storage;
    }

    /// <summary>Memory owned by the caller, pinned for the storage's lifetime; nothing is copied.</summary>
    public static GgufStorage Pin(ReadOnlyMemory<byte> image) => new PinnedStorage(image);

    private sealed class PinnedStorage(ReadOnlyMemory<byte> image) : GgufStorage
    {
        private System.Buffers.MemoryHandle _handle = image.Pin();

        public override byte* Base => (byte*)_handle.Pointer;
        public override long Length { get; } = image.Length;
        public override void Dispose() => _handle.Dispose();
    }

    private sealed class MappedStorage : GgufStorage
    {
        private readonly MemoryMappedFile _file;
        private readonly MemoryMappedViewAccessor _view;
        private byte* _base;

        public MappedStorage(FileStream stream)
        {
            long length = stream.Length;
            _file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _base = p + _view.PointerOffset;
            Length = length;
        }

        public override byte* Base => _base;
        public override long Length { get; }

        public override void Dispose()
        {
            if (_base == null) return;
            _base = null;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
    }

    private sealed class NativeStorage : GgufStorage
    {
        private byte* _base;
        private bool _locked;

        public NativeStorage(long length)
        {
            Length = length;
            _base = Compute.WeightMemory.Allocate(length);
        }

        public override byte* Base => _base;
        public override long Length { get; }
        public override bool IsPrivateCopy => true;
        public override bool IsLocked => _locked;

        /// <summary>Best effort: a refused lock leaves the memory pageable, never fails the load.</summary>
        public void TryLock() => _locked = MemoryLock.TryLock(_base, Length);

        public override void Dispose()
        {
            if (_base == null) return;
            if (_locked) MemoryLock.Unlock(_base, Length);
            _locked = false;
            Compute.WeightMemory.Free(_base);
            _base = null;
        }
    }
}
