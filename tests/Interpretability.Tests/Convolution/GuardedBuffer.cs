using System.Runtime.InteropServices;

namespace Interpretability.Tests.Convolution;

/// <summary>
/// Native memory with an inaccessible page on each side (Linux <c>mmap</c> and <c>mprotect</c>), for
/// placing an operand flush against one of them: any read or write past its first or last float
/// faults, which ends the test run with a crash instead of passing quietly.
/// </summary>
internal sealed unsafe partial class GuardedBuffer : IDisposable
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 0x02, MapAnonymous = 0x20;

    private readonly byte* _base;
    private readonly nuint _length;

    /// <summary>Maps room for <paramref name="floats"/> floats between two guard pages.</summary>
    public GuardedBuffer(long floats)
    {
        nuint page = (nuint)Environment.SystemPageSize;
        nuint data = ((nuint)(floats * sizeof(float)) + page - 1) / page * page;
        _length = data + (2 * page);
        _base = (byte*)Mmap(null, _length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (_base == (byte*)-1)
        {
            throw new InvalidOperationException($"mmap failed: {Marshal.GetLastPInvokeError()}");
        }

        if (Mprotect(_base, page, ProtNone) != 0 || Mprotect(_base + page + data, page, ProtNone) != 0)
        {
            throw new InvalidOperationException($"mprotect failed: {Marshal.GetLastPInvokeError()}");
        }

        Start = (float*)(_base + page);
        End = (float*)(_base + page + data);
    }

    /// <summary>The first float after the leading guard page.</summary>
    public float* Start { get; }

    /// <summary>Just past the last float before the trailing guard page.</summary>
    public float* End { get; }

    /// <summary>Whether this machine can map guard pages (Linux on x64 or Arm64, where these flag values hold).</summary>
    public static bool Supported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    public void Dispose() => _ = Munmap(_base, _length);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(void* address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(void* address, nuint length);
}
